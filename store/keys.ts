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
import { createHash } from 'node:crypto';

/** Escape the separator so external ids cannot inject key structure. `%` first, then `#`. */
export function part(value: string | number): string {
  return String(value).replaceAll('%', '%25').replaceAll('#', '%23');
}

export function unpart(value: string): string {
  return value.replaceAll('%23', '#').replaceAll('%25', '%');
}

/** Shard count per hot key family; a partition takes ~1,000 WCU/s, so N shards take N× that. */
export const SHARDS = {
  stage: 8,
  newsroom: 8,
  usage: 4,
} as const;

/** Stable shard for a value (so one customer always lands on the same stage shard). */
export function shardOf(value: string, shards: number): number {
  const digest = createHash('sha1').update(value).digest();
  return digest.readUInt32BE(0) % shards;
}

export function randomShard(shards: number): number {
  return Math.floor(Math.random() * shards);
}

const T = (tenantId: string) => `T#${part(tenantId)}`;

export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
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

  /** Marks an event as applied by one consumer, written in the same transaction as its effect. */
  processedEvent: (tenantId: string, consumer: string, eventId: string): Key => ({
    pk: `${T(tenantId)}#DONE#${part(consumer)}#${part(eventId)}`,
    sk: 'DONE',
  }),

  /** Metered usage per tenant, day, function; the partition is write-sharded (access pattern 11). */
  usage: (tenantId: string, day: string, functionName: string, shard: number): Key => ({
    pk: `${T(tenantId)}#USAGE#${day}#${shard}`,
    sk: `FN#${part(functionName)}`,
  }),
  usageShards: (tenantId: string, day: string): string[] =>
    Array.from({ length: SHARDS.usage }, (_, s) => `${T(tenantId)}#USAGE#${day}#${s}`),
};

/** What the day of an ISO timestamp is, for day-partitioned keys. */
export function dayOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}

/**
 * The entity catalogue: one line each, with the access patterns of DESIGN §3 it serves and whether
 * it can hold personal data (erasure must reach every entity that can).
 */
export const ENTITIES = [
  { name: 'Tenant', key: 'T#{tenant} / TENANT', serves: 'tenant settings and connected accounts', personal: false },
  { name: 'Customer', key: 'T#{tenant}#C#{customer} / PROFILE', gsi1: 'T#{tenant}#STAGE#{stage}#{shard} / C#{customer}', serves: '1 profile by id; 7 customers by stage', personal: true },
  { name: 'TimelineItem', key: 'T#{tenant}#C#{customer} / TL#{occurredAt}#{type}#{id}', gsi1: 'T#{tenant}#NEWS#{channel}#{shard} / {occurredAt}#{id} (interactions)', serves: '2 timeline newest first; 10 newsroom per channel', personal: true },
  { name: 'Identity', key: 'T#{tenant}#ID#{channel}#{externalId} / IDENTITY', serves: '3 resolve channel+id, email, phone, shop id, cookie id', personal: true },
  { name: 'InteractionRef', key: 'T#{tenant}#IX#{channel}#{externalId} / REF', serves: 'dedupe of platform deliveries; edits and deletes', personal: true },
  { name: 'ProcessedEvent', key: 'T#{tenant}#DONE#{consumer}#{eventId} / DONE', serves: 'exactly-once effects of queue consumers', personal: false },
  { name: 'Usage', key: 'T#{tenant}#USAGE#{day}#{shard} / FN#{function}', serves: '11 usage counters per tenant/day/function', personal: false },
] as const;
