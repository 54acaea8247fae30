/** What other contexts may use of domain/knowledge: they import it from here, never from the files beside it. */
export * from './clv.js';
export * from './knowledge.js';
export * from './rfm.js';
export { recommendProducts } from './recommendations.js';
