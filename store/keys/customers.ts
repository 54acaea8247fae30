/**
 * Keys of customers: profiles (by stage), the timeline, identities.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, shardOf, SHARDS, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const customersKeys = {
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
};

export const CUSTOMERS_ENTITIES = [
  { name: 'Customer', key: 'T#{tenant}#C#{customer} / PROFILE', gsi1: 'T#{tenant}#STAGE#{stage}#{shard} / C#{customer}', serves: '1 profile by id; 7 customers by stage', personal: true, erasure: 'customer-partition' },
  { name: 'TimelineItem', key: 'T#{tenant}#C#{customer} / TL#{occurredAt}#{type}#{id}', gsi1: 'T#{tenant}#NEWS#{channel}#{shard} / {occurredAt}#{id} (interactions)', serves: '2 timeline newest first; 10 newsroom per channel', personal: true, erasure: 'customer-partition' },
  { name: 'Identity', key: 'T#{tenant}#ID#{channel}#{externalId} / IDENTITY', serves: '3 resolve channel+id, email, phone, shop id, cookie id', personal: true, erasure: 'identity-items' },
] as const;
