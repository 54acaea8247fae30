/** What other contexts may use of adapters/segments: they import it from here, never from the files beside it. */
export * from './dynamo-segments.js';
