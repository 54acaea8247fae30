/** What other contexts may use of domain/audit: they import it from here, never from the files beside it. */
export * from './audit.js';
