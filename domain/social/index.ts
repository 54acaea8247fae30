/** What other contexts may use of domain/social: they import it from here, never from the files beside it. */
export * from './connections.js';
export * from './interactions.js';
export * from './shares.js';
