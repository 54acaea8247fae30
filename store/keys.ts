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
  ...loyaltyKeys,
  ...serviceKeys,
  tenant: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'TENANT' }),

  customer: (tenantId: string, customerId: string): Key => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: 'PROFILE',
  }),
  /** GSI1 on the profile: customers of a tenant by lifecycle stage, sharded (access pattern 7). */
  customerStageIndex: (tenantId: string, stage: string, customerId: string) => ({
    gsi1pk: `${T(tenantId)}#STAGE#${part(stage)}#${shardOf(customerId, SHARDS.stage)}`,
    gsi1sk: `C#${part(customerId)}`,
  }),
  customerStageShards: (tenantId: string, stage: string): string[] =>
    Array.from({ length: SHARDS.stage }, (_, s) => `${T(tenantId)}#STAGE#${part(stage)}#${s}`),

  /** A customer's timeline: everything that happened to them, newest first (access pattern 2). */
  timelineItem: (tenantId: string, customerId: string, occurredAt: string, type: string, itemId: string): Key => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `TL#${occurredAt}#${part(type)}#${part(itemId)}`,
  }),
  timelinePrefix: 'TL#',
  customerPartition: (tenantId: string, customerId: string): string => `${T(tenantId)}#C#${part(customerId)}`,

  /** Identity (channel + external id, email, phone, shop id, cookie id) → customer (access pattern 3). */
  identity: (tenantId: string, channel: string, externalId: string): Key => ({
    pk: `${T(tenantId)}#ID#${part(channel)}#${part(externalId)}`,
    sk: 'IDENTITY',
  }),

  /**
   * Natural-key record of an interaction (channel + platform id): dedupes redelivery and points at the
   * timeline item, so an edit or delete from the platform finds what to change.
   */
  interactionRef: (tenantId: string, channel: string, externalId: string): Key => ({
    pk: `${T(tenantId)}#IX#${part(channel)}#${part(externalId)}`,
    sk: 'REF',
  }),
  /** GSI1 on the timeline interaction: the tenant's social newsroom per channel, sharded (pattern 10). */
  newsroomIndex: (tenantId: string, channel: string, occurredAt: string, itemId: string) => ({
    gsi1pk: `${T(tenantId)}#NEWS#${part(channel)}#${shardOf(itemId, SHARDS.newsroom)}`,
    gsi1sk: `${occurredAt}#${part(itemId)}`,
  }),
  newsroomShards: (tenantId: string, channel: string): string[] =>
    Array.from({ length: SHARDS.newsroom }, (_, s) => `${T(tenantId)}#NEWS#${part(channel)}#${s}`),

  /**
   * An outbound message by the platform's id for it (channel + provider message id): the platform's
   * delivery reports (WhatsApp statuses) find it there.
   */
  message: (tenantId: string, channel: string, providerMessageId: string): Key => ({
    pk: `${T(tenantId)}#MSG#${part(channel)}#${part(providerMessageId)}`,
    sk: 'MESSAGE',
  }),

  /** A WebSub lease on a YouTube channel feed; the tenant's leases share one small partition. */
  youtubeSubscription: (tenantId: string, channelId: string): Key => ({
    pk: `${T(tenantId)}#YTSUB`,
    sk: `CH#${part(channelId)}`,
  }),
  /** GSI1 on the lease: the tenant's leases by expiry, so a resubscriber finds those running out. */
  youtubeLeaseIndex: (tenantId: string, leaseExpiresAt: string, channelId: string) => ({
    gsi1pk: `${T(tenantId)}#YTLEASE`,
    gsi1sk: `${leaseExpiresAt}#${part(channelId)}`,
  }),
  youtubeLeasePartition: (tenantId: string): string => `${T(tenantId)}#YTLEASE`,
  /** A YouTube video's notifications (interaction externalIds) and deletion, so a delete reaches them all. */
  youtubeVideo: (tenantId: string, videoId: string): Key => ({
    pk: `${T(tenantId)}#YTVIDEO#${part(videoId)}`,
    sk: 'VIDEO',
  }),

  /** An order by the store and the store's own order id (access pattern 4); its status, refunds, pending events. */
  order: (tenantId: string, store: string, orderId: string): Key => ({
    pk: `${T(tenantId)}#ORDER#${part(store)}#${part(orderId)}`,
    sk: 'ORDER',
  }),
  /**
   * One webhook delivery by its source and dedupe key (Shopify event id, WooCommerce resource id +
   * date_modified_gmt, Standard Webhooks webhook-id, a registration's customer id): written with the
   * delivery's effect, it dedupes redelivery and keeps the events still to publish (outbox).
   */
  webhookDelivery: (tenantId: string, source: string, deliveryKey: string): Key => ({
    pk: `${T(tenantId)}#DELIVERY#${part(source)}#${part(deliveryKey)}`,
    sk: 'DELIVERY',
  }),

  /** A customer's knowledge inputs and segment list, in the customer's partition (domain/knowledge/knowledge.ts). */
  customerKnowledge: (tenantId: string, customerId: string): Key => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: 'KNOWLEDGE',
  }),
  /** GSI2 on the knowledge record: every customer's inputs, sharded, for the tenant's RFM quintiles. */
  knowledgeIndex: (tenantId: string, customerId: string) => ({
    gsi2pk: `${T(tenantId)}#KNOW#${shardOf(customerId, SHARDS.knowledge)}`,
    gsi2sk: `C#${part(customerId)}`,
  }),
  knowledgeIndexShards: (tenantId: string): string[] =>
    Array.from({ length: SHARDS.knowledge }, (_, s) => `${T(tenantId)}#KNOW#${s}`),
  /** Tenant knowledge settings (keywords, category spend, lifetime) and the last computed distribution. */
  knowledgeSettings: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'SETTINGS#KNOWLEDGE' }),
  knowledgeStats: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'STATS#KNOWLEDGE' }),
  /** A recompute or back-fill job and the stage partitions it finished. */
  knowledgeJob: (tenantId: string, jobId: string): Key => ({
    pk: `${T(tenantId)}#KJOB#${part(jobId)}`,
    sk: 'JOB',
  }),

  /** A segment definition; a tenant's few segments share one partition (one Query loads them). */
  segment: (tenantId: string, segmentId: string): Key => ({
    pk: `${T(tenantId)}#SEGDEF`,
    sk: `SEG#${part(segmentId)}`,
  }),
  segmentsPartition: (tenantId: string): string => `${T(tenantId)}#SEGDEF`,
  segmentPrefix: 'SEG#',
  /** A segment member, write-sharded by customer; a campaign pages the shards with Query (pattern 7). */
  segmentMember: (tenantId: string, segmentId: string, customerId: string): Key => ({
    pk: `${T(tenantId)}#SEG#${part(segmentId)}#${shardOf(customerId, SHARDS.segment)}`,
    sk: `C#${part(customerId)}`,
  }),
  segmentMemberPrefix: 'C#',
  /** The member count of one shard, beside its members (the preview adds the shards up). */
  segmentCounter: (tenantId: string, segmentId: string, shard: number): Key => ({
    pk: `${T(tenantId)}#SEG#${part(segmentId)}#${shard}`,
    sk: 'COUNT',
  }),
  segmentShards: (tenantId: string, segmentId: string): string[] =>
    Array.from({ length: SHARDS.segment }, (_, s) => `${T(tenantId)}#SEG#${part(segmentId)}#${s}`),

  /** How many customers bought both products (product → other); gsi2 orders a product's pairs by count. */
  productAffinity: (tenantId: string, productId: string, otherId: string): Key => ({
    pk: `${T(tenantId)}#COOC#${part(productId)}`,
    sk: `P#${part(otherId)}`,
  }),
  productAffinityIndex: (tenantId: string, productId: string, customers: number, otherId: string) => ({
    gsi2pk: `${T(tenantId)}#COOC#${part(productId)}`,
    gsi2sk: `${String(customers).padStart(10, '0')}#${part(otherId)}`,
  }),
  productAffinityPartition: (tenantId: string, productId: string): string => `${T(tenantId)}#COOC#${part(productId)}`,
  /** A product's buyers and last price, as orders showed them. */
  product: (tenantId: string, productId: string): Key => ({
    pk: `${T(tenantId)}#PRODUCT#${part(productId)}`,
    sk: 'PRODUCT',
  }),

  /** Marks an event as applied by one consumer, written in the same transaction as its effect. */
  processedEvent: (tenantId: string, consumer: string, eventId: string): Key => ({
    pk: `${T(tenantId)}#DONE#${part(consumer)}#${part(eventId)}`,
    sk: 'DONE',
  }),

  ...FINANCE_KEYS,

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

  /**
   * GSI2 on items about a person kept outside their partition (outbound messages, webhook deliveries whose
   * events name them): export and erasure find them with one Query (ENTITIES erasure 'customer-index').
   */
  personalIndex: (tenantId: string, customerId: string, entity: string, itemId: string) => ({
    gsi2pk: `${T(tenantId)}#PERSON#${part(customerId)}`,
    gsi2sk: `${part(entity)}#${part(itemId)}`,
  }),
  personalIndexPartition: (tenantId: string, customerId: string): string => `${T(tenantId)}#PERSON#${part(customerId)}`,
  /** Tenant privacy settings: retention of interactions without social_profiling consent, the suppression salt. */
  privacySettings: (tenantId: string): Key => ({ pk: T(tenantId), sk: 'SETTINGS#PRIVACY' }),
  /** An erased identity as a keyed hash (domain/privacy/erasure.ts identityFingerprint): checked when customers are made. */
  suppression: (tenantId: string, fingerprint: string): Key => ({ pk: `${T(tenantId)}#SUPPRESS#${part(fingerprint)}`, sk: 'SUPPRESSED' }),
  /** An erasure job: status, phase, cursor and counts (domain/privacy/erasure.ts). */
  erasureRequest: (tenantId: string, requestId: string): Key => ({ pk: `${T(tenantId)}#ERASURE#${part(requestId)}`, sk: 'REQUEST' }),
};

/** What the day of an ISO timestamp is, for day-partitioned keys. */
export function dayOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

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
  { name: 'Customer', key: 'T#{tenant}#C#{customer} / PROFILE', gsi1: 'T#{tenant}#STAGE#{stage}#{shard} / C#{customer}', serves: '1 profile by id; 7 customers by stage', personal: true, erasure: 'customer-partition' },
  { name: 'TimelineItem', key: 'T#{tenant}#C#{customer} / TL#{occurredAt}#{type}#{id}', gsi1: 'T#{tenant}#NEWS#{channel}#{shard} / {occurredAt}#{id} (interactions)', serves: '2 timeline newest first; 10 newsroom per channel', personal: true, erasure: 'customer-partition' },
  { name: 'Identity', key: 'T#{tenant}#ID#{channel}#{externalId} / IDENTITY', serves: '3 resolve channel+id, email, phone, shop id, cookie id', personal: true, erasure: 'identity-items' },
  { name: 'InteractionRef', key: 'T#{tenant}#IX#{channel}#{externalId} / REF', serves: 'dedupe of platform deliveries; edits and deletes', personal: true, erasure: 'by-reference' },
  { name: 'Message', key: 'T#{tenant}#MSG#{channel}#{providerMessageId} / MESSAGE', gsi2: 'T#{tenant}#PERSON#{customer} / Message#{channel}#{providerMessageId}', serves: 'outbound message and its delivery state, by the platform message id (status webhooks)', personal: true, erasure: 'customer-index' },
  { name: 'YoutubeSubscription', key: 'T#{tenant}#YTSUB / CH#{channelId}', gsi1: 'T#{tenant}#YTLEASE / {leaseExpiresAt}#{channelId}', serves: 'WebSub leases of watched YouTube channels, by expiry (resubscription)', personal: false, erasure: 'not-personal' },
  { name: 'YoutubeVideo', key: 'T#{tenant}#YTVIDEO#{videoId} / VIDEO', serves: "a video's notification ids, so a deleted video's interactions lose their text (found from the interactions' postId)", personal: true, erasure: 'by-reference' },
  { name: 'Order', key: 'T#{tenant}#ORDER#{store}#{orderId} / ORDER', serves: '4 order by the store and its order id (dedupe, status and refunds)', personal: true, erasure: 'by-reference' },
  { name: 'WebhookDelivery', key: 'T#{tenant}#DELIVERY#{source}#{deliveryKey} / DELIVERY', gsi2: 'T#{tenant}#PERSON#{customer} / WebhookDelivery#{source}#{deliveryKey} (deliveries whose events name a customer)', serves: 'dedupe of store and generic webhook deliveries; their unpublished events (outbox); expires after 30 days', personal: true, erasure: 'customer-index' },
  { name: 'CustomerKnowledge', key: 'T#{tenant}#C#{customer} / KNOWLEDGE', gsi2: 'T#{tenant}#KNOW#{shard} / C#{customer}', serves: 'knowledge inputs and segment list of a customer; every customer for the tenant quintiles', personal: true, erasure: 'customer-partition' },
  { name: 'KnowledgeSettings', key: 'T#{tenant} / SETTINGS#KNOWLEDGE', serves: 'brand and competitor keywords, category spend estimate, expected lifetime', personal: false, erasure: 'not-personal' },
  { name: 'KnowledgeStats', key: 'T#{tenant} / STATS#KNOWLEDGE', serves: 'RFM quintile cuts and total voice of the tenant (recomputed)', personal: false, erasure: 'not-personal' },
  { name: 'KnowledgeJob', key: 'T#{tenant}#KJOB#{jobId} / JOB', serves: 'progress of a recompute or segment back-fill', personal: false, erasure: 'not-personal' },
  { name: 'Segment', key: 'T#{tenant}#SEGDEF / SEG#{segment}', serves: "a tenant's segment definitions (one Query)", personal: false, erasure: 'not-personal' },
  { name: 'SegmentMember', key: 'T#{tenant}#SEG#{segment}#{shard} / C#{customer}', serves: '7 customers of a segment, paged per shard (campaign audiences)', personal: true, erasure: 'segment-membership' },
  { name: 'SegmentCount', key: 'T#{tenant}#SEG#{segment}#{shard} / COUNT', serves: 'member count per segment shard (preview)', personal: false, erasure: 'not-personal' },
  { name: 'ProductAffinity', key: 'T#{tenant}#COOC#{product} / P#{other}', gsi2: 'T#{tenant}#COOC#{product} / {count}#{other}', serves: 'customers who bought both products; top co-bought first (recommendations)', personal: false, erasure: 'not-personal' },
  { name: 'ProductStats', key: 'T#{tenant}#PRODUCT#{product} / PRODUCT', serves: 'buyers and last price of a product (recommendations)', personal: false, erasure: 'not-personal' },
  { name: 'ProcessedEvent', key: 'T#{tenant}#DONE#{consumer}#{eventId} / DONE', serves: 'exactly-once effects of queue consumers', personal: false, erasure: 'not-personal' },
  { name: 'Usage', key: 'T#{tenant}#USAGE#{day}#{shard} / U#{feature}#{function}#{campaign}', serves: '11 usage counters per tenant/day/feature/function/campaign', personal: false, erasure: 'not-personal' },
  { name: 'ActiveCustomer', key: 'T#{tenant}#ACTIVE#{month}#{shard} / C#{digest}', serves: 'distinct customers named by events per month (a digest, not the id): unit cost per active customer', personal: false, erasure: 'not-personal' },
  { name: 'Budget', key: 'T#{tenant}#BUDGET / B#{scope}', serves: 'budgets of the tenant and its campaigns, thresholds announced', personal: false, erasure: 'not-personal' },
  { name: 'BillDay', key: 'T#%platform#BILL / D#{day}', serves: "a day of an imported AWS bill (CUR 2.0 / FOCUS): per service the billed cost, drift and share-out (tenants read only their share)", personal: false, erasure: 'not-personal' },
  { name: 'ActiveTenant', key: 'T#%platform#ACTIVE#{day} / T#{tenant}', serves: 'tenants with usage on a day (operator chargeback, reconciliation)', personal: false, erasure: 'not-personal' },
  { name: 'ConsentRecord', key: 'T#{tenant}#C#{customer} / CONSENT#{at}#{id}', serves: '12 consent records of a customer, in time order (append-only)', personal: true, erasure: 'customer-partition' },
  { name: 'ConsentTokenUse', key: 'T#{tenant}#C#{customer} / CTOKEN#{nonce}', serves: 'single use of double opt-in confirmation links', personal: true, erasure: 'customer-partition' },
  { name: 'AuditEntry', key: 'T#{tenant}#AUDIT#{day}#{shard} / {at}#{id}', gsi2: 'T#{tenant}#AUDIT#TARGET#{targetId} / {at}#{id}', serves: '13 audit trail per tenant by time; per target', personal: true, erasure: 'retained-pseudonymous' },
  { name: 'PrivacySettings', key: 'T#{tenant} / SETTINGS#PRIVACY', serves: "retention days of interactions without social_profiling consent; the tenant's suppression salt", personal: false, erasure: 'not-personal' },
  { name: 'SuppressionTombstone', key: 'T#{tenant}#SUPPRESS#{fingerprint} / SUPPRESSED', serves: 'an erased identity, as a keyed hash: a later webhook or sign-up of the person is flagged suppressed', personal: true, erasure: 'retained-pseudonymous' },
  ...LOYALTY_ENTITIES,
  { name: 'ErasureRequest', key: 'T#{tenant}#ERASURE#{requestId} / REQUEST', serves: 'progress of an erasure job and counts per entity type (ids only)', personal: true, erasure: 'retained-pseudonymous' },
  ...SERVICE_ENTITIES,
  ...CAMPAIGN_ENTITIES,
] as const;
