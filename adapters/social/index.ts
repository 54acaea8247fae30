/** What other contexts may use of adapters/social: they import it from here, never from the files beside it. */
export * from './lexicon-text-analyzer.js';
export { DynamoMessageStore } from './dynamo-messages.js';
