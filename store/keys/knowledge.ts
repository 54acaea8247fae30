/**
 * Keys of customer knowledge: records, settings, stats, jobs, product affinity.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, shardOf, SHARDS, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const knowledgeKeys = {
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
};

export const KNOWLEDGE_ENTITIES = [
  { name: 'CustomerKnowledge', key: 'T#{tenant}#C#{customer} / KNOWLEDGE', gsi2: 'T#{tenant}#KNOW#{shard} / C#{customer}', serves: 'knowledge inputs and segment list of a customer; every customer for the tenant quintiles', personal: true, erasure: 'customer-partition' },
  { name: 'KnowledgeSettings', key: 'T#{tenant} / SETTINGS#KNOWLEDGE', serves: 'brand and competitor keywords, category spend estimate, expected lifetime', personal: false, erasure: 'not-personal' },
  { name: 'KnowledgeStats', key: 'T#{tenant} / STATS#KNOWLEDGE', serves: 'RFM quintile cuts and total voice of the tenant (recomputed)', personal: false, erasure: 'not-personal' },
  { name: 'KnowledgeJob', key: 'T#{tenant}#KJOB#{jobId} / JOB', serves: 'progress of a recompute or segment back-fill', personal: false, erasure: 'not-personal' },
  { name: 'ProductAffinity', key: 'T#{tenant}#COOC#{product} / P#{other}', gsi2: 'T#{tenant}#COOC#{product} / {count}#{other}', serves: 'customers who bought both products; top co-bought first (recommendations)', personal: false, erasure: 'not-personal' },
  { name: 'ProductStats', key: 'T#{tenant}#PRODUCT#{product} / PRODUCT', serves: 'buyers and last price of a product (recommendations)', personal: false, erasure: 'not-personal' },
] as const;
