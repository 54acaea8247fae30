/**
 * Every key of the table is built here and nowhere else.
 *
 * Rules:
 * - every partition key starts with `T#<tenantId>`, so no query can cross tenants;
 * - a key part taken from outside (an id a platform sent) is escaped, so `#` inside it cannot forge
 *   another key;
 * - keys that a whole busy tenant writes to are write-sharded (SHARDS), and readers merge the shards.
 *
 * `ENTITIES` lists each entity with the access patterns it serves (README "Key design" is generated
 * from the same list by hand; a test keeps the two in step).
 */
import { CUSTOMERS_ENTITIES, customersKeys } from './keys/customers.js';
import { SOCIAL_ENTITIES, socialKeys } from './keys/social.js';
import { COMMERCE_ENTITIES, commerceKeys } from './keys/commerce.js';
import { KNOWLEDGE_ENTITIES, knowledgeKeys } from './keys/knowledge.js';
import { SEGMENTS_ENTITIES, segmentsKeys } from './keys/segments.js';
import { CONSENT_ENTITIES, consentKeys } from './keys/consent.js';
import { AUDIT_ENTITIES, auditKeys } from './keys/audit.js';
import { PRIVACY_ENTITIES, privacyKeys } from './keys/privacy.js';
import { SERVICE_ENTITIES, serviceKeys } from './keys/service.js';
import { CAMPAIGN_ENTITIES } from './keys/campaigns.js';
export { campaignKeys } from './keys/campaigns.js';
import { FINANCE_KEYS } from './keys/finance.js';

import { part, randomShard, shardOf, SHARDS, unpart } from './keys/common.js';
import { LOYALTY_ENTITIES, loyaltyKeys } from './keys/loyalty.js';

export { part, randomShard, shardOf, SHARDS, unpart };

const T = (tenantId: string) => `T#${part(tenantId)}`;

export type { Key } from './keys/common.js';
import type { Key } from './keys/common.js';

export const keys = {
  ...customersKeys,
  ...socialKeys,
  ...commerceKeys,
  ...knowledgeKeys,
  ...segmentsKeys,
  ...consentKeys,
  ...auditKeys,
  ...privacyKeys,

  ...loyaltyKeys,
  ...serviceKeys,
  tenant: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'TENANT' }),

  /** Marks an event as applied by one consumer, written in the same transaction as its effect. */
  processedEvent: (tenantId: string, consumer: string, eventId: string): Key => ({
    pk: `${T(tenantId)}#DONE#${part(consumer)}#${part(eventId)}`,
    sk: 'DONE',
  }),

  ...FINANCE_KEYS,

  /**
   * GSI2 on items about a person kept outside their partition (outbound messages, webhook deliveries whose
   * events name them): export and erasure find them with one Query (ENTITIES erasure 'customer-index').
   */
  personalIndex: (tenantId: string, customerId: string, entity: string, itemId: string) => ({
    gsi2pk: `${T(tenantId)}#PERSON#${part(customerId)}`,
    gsi2sk: `${part(entity)}#${part(itemId)}`,
  }),
  personalIndexPartition: (tenantId: string, customerId: string): string => `${T(tenantId)}#PERSON#${part(customerId)}`,
};

export { dayOf } from './keys/common.js';

/**
 * The entity catalogue: one line each, with the numbered access patterns it serves (listed in the README beside the key table) and whether
 * it can hold personal data (erasure must reach every entity that can).
 *
 * `erasure`: how export and erasure reach the entity's items of one person (adapters/privacy/dynamo-erasure.ts
 * implements each; test/unit/privacy/erasure-coverage.test.ts fails for a personal entity without one):
 * - 'customer-partition': in the person's partition `T#{tenant}#C#{customer}`, read and deleted whole;
 * - 'identity-items': the identity items the person's profiles name (and that still point at them);
 * - 'by-reference': found from the person's timeline items (an interaction's ref, an order, a video);
 * - 'customer-index': written with `keys.personalIndex` (GSI2 `T#{tenant}#PERSON#{customer}`);
 * - 'segment-membership': one member item per segment, at the person's shard;
 * - 'retained-pseudonymous': kept on purpose, with ids only (the reason: domain/privacy/erasure.ts RETAINED);
 * - 'not-personal': holds nothing about a person.
 */
export const ERASURE_KINDS = [
  'customer-partition',
  'identity-items',
  'by-reference',
  'customer-index',
  'segment-membership',
  'retained-pseudonymous',
  'not-personal',
] as const;
export type ErasureKind = (typeof ERASURE_KINDS)[number];

export const ENTITIES = [
  { name: 'Tenant', key: 'T#{tenant} / TENANT', serves: 'tenant settings and connected accounts', personal: false, erasure: 'not-personal' },
  ...CUSTOMERS_ENTITIES,
  ...SOCIAL_ENTITIES,
  ...COMMERCE_ENTITIES,
  ...KNOWLEDGE_ENTITIES,
  ...SEGMENTS_ENTITIES,
  ...CONSENT_ENTITIES,
  ...AUDIT_ENTITIES,
  ...PRIVACY_ENTITIES,
  { name: 'ProcessedEvent', key: 'T#{tenant}#DONE#{consumer}#{eventId} / DONE', serves: 'exactly-once effects of queue consumers', personal: false, erasure: 'not-personal' },
  { name: 'Usage', key: 'T#{tenant}#USAGE#{day}#{shard} / U#{feature}#{function}#{campaign}', serves: '11 usage counters per tenant/day/feature/function/campaign', personal: false, erasure: 'not-personal' },
  { name: 'ActiveCustomer', key: 'T#{tenant}#ACTIVE#{month}#{shard} / C#{digest}', serves: 'distinct customers named by events per month (a digest, not the id): unit cost per active customer', personal: false, erasure: 'not-personal' },
  { name: 'Budget', key: 'T#{tenant}#BUDGET / B#{scope}', serves: 'budgets of the tenant and its campaigns, thresholds announced', personal: false, erasure: 'not-personal' },
  { name: 'BillDay', key: 'T#%platform#BILL / D#{day}', serves: "a day of an imported AWS bill (CUR 2.0 / FOCUS): per service the billed cost, drift and share-out (tenants read only their share)", personal: false, erasure: 'not-personal' },
  { name: 'ActiveTenant', key: 'T#%platform#ACTIVE#{day} / T#{tenant}', serves: 'tenants with usage on a day (operator chargeback, reconciliation)', personal: false, erasure: 'not-personal' },
  ...LOYALTY_ENTITIES,
  ...SERVICE_ENTITIES,
  ...CAMPAIGN_ENTITIES,
] as const;
