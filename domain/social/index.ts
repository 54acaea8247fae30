/** What other contexts may use of domain/social: they import it from here, never from the files beside it. */
export * from './connections.js';
export * from './interactions.js';
export * from './shares.js';
export { detectLanguage } from './text-analysis.js';
export type { TextAnalyzer } from './text-analysis.js';
export { applyDeliveryReports } from './messages.js';
export { SesEvent, sesDeliveryReport } from './ingest/ses.js';
