/** What other contexts may use of adapters/audit: they import it from here, never from the files beside it. */
export * from './dynamo-audit.js';
