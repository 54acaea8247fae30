/**
 * Keys of the finance context (usage counters, budgets, reconciliations). Spread into `keys` by store/keys.ts,
 * so every key is still built in the one key module.
 */
import { part, SHARDS } from './common.js';
import type { Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

/**
 * The platform's own partitions (bill imports, active tenants), read only by the operator. `%` is escaped in
 * every tenant id (part), so no tenant's key can ever be `T#%platform`.
 */
const PLATFORM = 'T#%platform';

export const FINANCE_KEYS = {
  /**
   * Metered usage per tenant and day (access pattern 11), one item per function × feature × campaign in a
   * write-sharded partition: flushes ADD to a random shard, readers Query every shard and sum.
   */
  usage: (tenantId: string, day: string, functionName: string, feature: string, campaignId: string | undefined, shard: number): Key => ({
    pk: `${T(tenantId)}#USAGE#${day}#${shard}`,
    sk: `U#${part(feature)}#${part(functionName)}#${part(campaignId ?? '-')}`,
  }),
  usageShards: (tenantId: string, day: string): string[] =>
    Array.from({ length: SHARDS.usage }, (_, s) => `${T(tenantId)}#USAGE#${day}#${s}`),

  /** A customer an event named in the month (unit cost per active customer); write-sharded by customer. */
  activeCustomer: (tenantId: string, month: string, customerId: string, shard: number): Key => ({
    pk: `${T(tenantId)}#ACTIVE#${month}#${shard}`,
    sk: `C#${part(customerId)}`,
  }),
  activeCustomerShards: (tenantId: string, month: string): string[] =>
    Array.from({ length: SHARDS.usage }, (_, s) => `${T(tenantId)}#ACTIVE#${month}#${s}`),

  /** A budget of the tenant (scope 'tenant') or of one campaign, with the thresholds already announced. */
  budget: (tenantId: string, scope: string): Key => ({ pk: `${T(tenantId)}#BUDGET`, sk: `B#${part(scope)}` }),
  budgetPartition: (tenantId: string): string => `${T(tenantId)}#BUDGET`,

  /** One day of an imported bill (CUR 2.0 / FOCUS): per service, the billed cost, the estimate and the share-out. */
  billDay: (day: string): Key => ({ pk: `${PLATFORM}#BILL`, sk: `D#${day}` }),
  billPartition: (): string => `${PLATFORM}#BILL`,
  /** Which tenants have usage on a day (the operator's cross-tenant view and the reconciliation read it). */
  activeTenant: (day: string, tenantId: string): Key => ({ pk: `${PLATFORM}#ACTIVE#${day}`, sk: `T#${part(tenantId)}` }),
  activePartition: (day: string): string => `${PLATFORM}#ACTIVE#${day}`,
};
