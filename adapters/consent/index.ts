/** What other contexts may use of adapters/consent: they import it from here, never from the files beside it. */
export * from './dynamo-consent.js';
export { consentTokenSettings, publicApiUrl } from './consent-config.js';
