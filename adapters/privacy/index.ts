/** What other contexts may use of adapters/privacy: they import it from here, never from the files beside it. */
export * from './dynamo-retention.js';
