/** What other contexts may use of adapters/knowledge: they import it from here, never from the files beside it. */
export * from './dynamo-knowledge.js';
