/** What other contexts may use of adapters/commerce: they import it from here, never from the files beside it. */
export * from './dynamo-orders.js';
