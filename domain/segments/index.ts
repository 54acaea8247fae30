/** What other contexts may use of domain/segments: they import it from here, never from the files beside it. */
export * from './segments.js';
