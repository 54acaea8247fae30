/** What other contexts may use of domain/privacy: they import it from here, never from the files beside it. */
export * from './retention.js';
