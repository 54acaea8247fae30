/**
 * Keys of the loyalty context (access patterns 5 and 6). Built from the same escaping and tenant prefix as every
 * other key (store/keys.ts), and spread into `keys` there.
 */
import { part, shardOf } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;
const C = (tenantId: string, customerId: string) => `${T(tenantId)}#C#${part(customerId)}`;

/** Expiry index shards: a tenant's whole membership lands on these few partitions. */
export const LOYALTY_EXPIRY_SHARDS = 4;

export const loyaltyKeys = {
  /** The tenant's program, versioned (one item, rewritten per version). */
  loyaltyProgram: (tenantId: string) => ({ pk: T(tenantId), sk: 'SETTINGS#LOYALTY' }),
  /** A member's account: lots, caps used, tier, badges, with a revision (pattern 5). */
  loyaltyAccount: (tenantId: string, customerId: string) => ({ pk: C(tenantId, customerId), sk: 'LOYALTY' }),
  /** GSI1 on the account: accounts by their next lot expiry, sharded, so the expiry job never scans. */
  loyaltyExpiryIndex: (tenantId: string, nextExpiry: string, customerId: string) => ({
    gsi1pk: `${T(tenantId)}#LOYEXP#${shardOf(customerId, LOYALTY_EXPIRY_SHARDS)}`,
    gsi1sk: `${nextExpiry}#${part(customerId)}`,
  }),
  loyaltyExpiryShards: (tenantId: string): string[] => Array.from({ length: LOYALTY_EXPIRY_SHARDS }, (_, s) => `${T(tenantId)}#LOYEXP#${s}`),
  /** A source applied to an account (event id, redemption, adjustment): exactly once, with its outbox. */
  loyaltySource: (tenantId: string, customerId: string, sourceId: string) => ({ pk: C(tenantId, customerId), sk: `LOYSRC#${part(sourceId)}` }),
  loyaltySourcePrefix: 'LOYSRC#',
  /** A redemption, by the id its Idempotency-Key names. */
  loyaltyRedemption: (tenantId: string, customerId: string, redemptionId: string) => ({ pk: C(tenantId, customerId), sk: `REDEMPTION#${part(redemptionId)}` }),
  /** The rewards catalogue: a tenant's few rewards share one partition (one Query lists them). */
  reward: (tenantId: string, rewardId: string) => ({ pk: `${T(tenantId)}#REWARDS`, sk: `R#${part(rewardId)}` }),
  rewardsPartition: (tenantId: string) => `${T(tenantId)}#REWARDS`,
  /** Referral code → member (pattern 6: one GetItem). */
  referralCode: (tenantId: string, code: string) => ({ pk: `${T(tenantId)}#REFCODE#${part(code)}`, sk: 'REFERRAL' }),
  /**
   * The directory of tenants with loyalty accounts, for the expiry job (a schedule works for every tenant).
   * The one index whose partition is not a tenant's: only the scheduled job reads it, never a request.
   */
  loyaltyTenant: (tenantId: string) => ({ pk: T(tenantId), sk: 'LOYALTY#ACTIVE', gsi2pk: 'LOYALTY#TENANTS', gsi2sk: part(tenantId) }),
  loyaltyTenantsPartition: 'LOYALTY#TENANTS',
};

export const LOYALTY_ENTITIES = [
  { name: 'LoyaltyProgram', key: 'T#{tenant} / SETTINGS#LOYALTY', serves: "the tenant's loyalty program, versioned", personal: false, erasure: 'not-personal' },
  { name: 'LoyaltyAccount', key: 'T#{tenant}#C#{customer} / LOYALTY', gsi1: 'T#{tenant}#LOYEXP#{shard} / {nextExpiry}#{customer}', serves: '5 balance, lots, tier, badges of a member; accounts by next expiry (expiry job)', personal: true, erasure: 'customer-partition' },
  { name: 'LoyaltySource', key: 'T#{tenant}#C#{customer} / LOYSRC#{sourceId}', serves: 'exactly-once award per source event, with its outbox (events, messages)', personal: true, erasure: 'customer-partition' },
  { name: 'LoyaltyRedemption', key: 'T#{tenant}#C#{customer} / REDEMPTION#{id}', serves: 'a redemption and the lots it drew (cancellation gives them back)', personal: true, erasure: 'customer-partition' },
  { name: 'ReferralCode', key: 'T#{tenant}#REFCODE#{code} / REFERRAL', gsi2: 'T#{tenant}#PERSON#{customer} / ReferralCode#{code}', serves: '6 the member a referral code names (one GetItem)', personal: true, erasure: 'customer-index' },
  { name: 'Reward', key: 'T#{tenant}#REWARDS / R#{reward}', serves: 'the rewards catalogue with stock', personal: false, erasure: 'not-personal' },
  { name: 'LoyaltyTenant', key: 'T#{tenant} / LOYALTY#ACTIVE', gsi2: 'LOYALTY#TENANTS / {tenant}', serves: 'tenants with loyalty accounts (the expiry schedule)', personal: false, erasure: 'not-personal' },
] as const;
