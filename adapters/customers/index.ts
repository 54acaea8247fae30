/** What other contexts may use of adapters/customers: they import it from here, never from the files beside it. */
export * from './dynamo-customers.js';
export * from './dynamo-merge.js';
