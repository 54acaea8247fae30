/**
 * Keys of consent: the ledger and used link nonces.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const consentKeys = {
  /** A consent event in the customer's partition, in time order; append-only (access pattern 12). */
  consent: (tenantId: string, customerId: string, at: string, recordId: string): Key => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `CONSENT#${at}#${part(recordId)}`,
  }),
  consentPrefix: 'CONSENT#',
  /** A consent link's nonce once used (double opt-in confirmation is single-use); expires with the token. */
  consentTokenUse: (tenantId: string, customerId: string, nonce: string): Key => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `CTOKEN#${part(nonce)}`,
  }),
};

export const CONSENT_ENTITIES = [
  { name: 'ConsentRecord', key: 'T#{tenant}#C#{customer} / CONSENT#{at}#{id}', serves: '12 consent records of a customer, in time order (append-only)', personal: true, erasure: 'customer-partition' },
  { name: 'ConsentTokenUse', key: 'T#{tenant}#C#{customer} / CTOKEN#{nonce}', serves: 'single use of double opt-in confirmation links', personal: true, erasure: 'customer-partition' },
] as const;
