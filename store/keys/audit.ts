/**
 * Keys of the audit trail.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, SHARDS, type Key } from './common.js';
import { dayOf } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const auditKeys = {
  /** The audit trail per tenant and day, time-ordered; write-sharded, readers merge (access pattern 13). */
  auditEntry: (tenantId: string, at: string, entryId: string, shard: number): Key => ({
    pk: `${T(tenantId)}#AUDIT#${dayOf(at)}#${shard}`,
    sk: `${at}#${part(entryId)}`,
  }),
  auditDayShards: (tenantId: string, day: string): string[] =>
    Array.from({ length: SHARDS.audit }, (_, s) => `${T(tenantId)}#AUDIT#${day}#${s}`),
  /** GSI2 on the audit entry: everything done to one target (customer, campaign, ...), time-ordered. */
  auditTargetIndex: (tenantId: string, targetId: string, at: string, entryId: string) => ({
    gsi2pk: `${T(tenantId)}#AUDIT#TARGET#${part(targetId)}`,
    gsi2sk: `${at}#${part(entryId)}`,
  }),
};

export const AUDIT_ENTITIES = [
  { name: 'AuditEntry', key: 'T#{tenant}#AUDIT#{day}#{shard} / {at}#{id}', gsi2: 'T#{tenant}#AUDIT#TARGET#{targetId} / {at}#{id}', serves: '13 audit trail per tenant by time; per target', personal: true, erasure: 'retained-pseudonymous' },
] as const;
