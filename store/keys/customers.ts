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

  /**
   * A search key of a customer's name or handle (domain/customers/directory.ts), in the customer's partition so
   * erasure takes it with the rest; GSI2 finds it by prefix within the tenant, sharded by its first two letters.
   */
  nameKey: (tenantId: string, customerId: string, token: string) => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `FIND#${part(token)}`,
    gsi2pk: `${T(tenantId)}#FIND#${part(token.slice(0, 2))}`,
    gsi2sk: `${part(token)}#${part(customerId)}`,
  }),
  nameSearch: (tenantId: string, prefix: string) => ({ gsi2pk: `${T(tenantId)}#FIND#${part(prefix.slice(0, 2))}`, gsi2skPrefix: part(prefix) }),

  /** Identity (channel + external id, email, phone, shop id, cookie id) → customer (access pattern 3). */
  identity: (tenantId: string, channel: string, externalId: string): Key => ({
    pk: `${T(tenantId)}#ID#${part(channel)}#${part(externalId)}`,
    sk: 'IDENTITY',
  }),
};

export const CUSTOMERS_ENTITIES = [
  { name: 'Customer', key: 'T#{tenant}#C#{customer} / PROFILE', gsi1: 'T#{tenant}#STAGE#{stage}#{shard} / C#{customer}', serves: '1 profile by id; 7 customers by stage', personal: true, erasure: 'customer-partition' },
  { name: 'TimelineItem', key: 'T#{tenant}#C#{customer} / TL#{occurredAt}#{type}#{id}', gsi1: 'T#{tenant}#NEWS#{channel}#{shard} / {occurredAt}#{id} (interactions)', serves: '2 timeline newest first; 10 newsroom per channel', personal: true, erasure: 'customer-partition' },
  { name: 'CustomerNameKey', key: 'T#{tenant}#C#{customer} / FIND#{token}', gsi2: 'T#{tenant}#FIND#{first two letters} / {token}#{customer}', serves: '14 customers by the start of a name, family name or handle', personal: true, erasure: 'customer-partition' },
  { name: 'Identity', key: 'T#{tenant}#ID#{channel}#{externalId} / IDENTITY', serves: '3 resolve channel+id, email, phone, shop id, cookie id', personal: true, erasure: 'identity-items' },
] as const;
