/** What other contexts may use of domain/customers: they import it from here, never from the files beside it. */
export { applyInteraction as applyActivity, emptyActivity, type ActivitySignal } from './activity.js';
export * from './customers.js';
export * from './identity.js';
export * from './merge.js';
export * from './registration.js';
