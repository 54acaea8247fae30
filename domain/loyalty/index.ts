/** What other contexts may use of domain/loyalty: they import it from here, never from the files beside it. */
export { availablePoints, pendingPoints } from './ledger.js';
export { balances } from './account.js';
