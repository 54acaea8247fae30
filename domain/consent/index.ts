/** What other contexts may use of domain/consent: they import it from here, never from the files beside it. */
export * from './consent.js';
export { buildUnsubscribeLink, listUnsubscribeHeaders } from './consent-tokens.js';
