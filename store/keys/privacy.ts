/**
 * Keys of privacy: settings, suppression tombstones, erasure requests.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const privacyKeys = {
  /** Tenant privacy settings: retention of interactions without social_profiling consent, the suppression salt. */
  privacySettings: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'SETTINGS#PRIVACY' }),
  /** An erased identity as a keyed hash (domain/privacy/erasure.ts identityFingerprint): checked when customers are made. */
  suppression: (tenantId: string, fingerprint: string): Key => ({ pk: `${T(tenantId)}#SUPPRESS#${part(fingerprint)}`, sk: 'SUPPRESSED' }),
  /** An erasure job: status, phase, cursor and counts (domain/privacy/erasure.ts). */
  erasureRequest: (tenantId: string, requestId: string): Key => ({ pk: `${T(tenantId)}#ERASURE#${part(requestId)}`, sk: 'REQUEST' }),
};

export const PRIVACY_ENTITIES = [
  { name: 'PrivacySettings', key: 'T#{tenant} / SETTINGS#PRIVACY', serves: "retention days of interactions without social_profiling consent; the tenant's suppression salt", personal: false, erasure: 'not-personal' },
  { name: 'SuppressionTombstone', key: 'T#{tenant}#SUPPRESS#{fingerprint} / SUPPRESSED', serves: 'an erased identity, as a keyed hash: a later webhook or sign-up of the person is flagged suppressed', personal: true, erasure: 'retained-pseudonymous' },
  { name: 'ErasureRequest', key: 'T#{tenant}#ERASURE#{requestId} / REQUEST', serves: 'progress of an erasure job and counts per entity type (ids only)', personal: true, erasure: 'retained-pseudonymous' },
] as const;
