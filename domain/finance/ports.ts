/** What the finance use cases need from outside: usage counters, budgets, bill imports. */
import type { UsageRow } from './costs.js';
import type { PriceTable } from './prices.js';

export interface UsageReader {
  /** Every usage row of the tenant for the days from..to (inclusive, YYYY-MM-DD), shards merged. */
  read(tenantId: string, from: string, to: string): Promise<UsageRow[]>;
  /** Tenants with any usage in from..to (the operator's view, the reconciliation). */
  activeTenants(from: string, to: string): Promise<string[]>;
  /** Distinct customers the tenant's events named in the month (YYYY-MM). */
  activeCustomers(tenantId: string, month: string): Promise<number>;
}

export interface Pricing {
  tableFor(day: string): PriceTable;
  region: string;
}

export interface Budget {
  tenantId: string;
  /** 'tenant' (monthly spend of the whole tenant) or 'campaign' (lifetime spend of one campaign). */
  scope: 'tenant' | 'campaign';
  campaignId?: string;
  /** Exact decimal, in the price table's currency. */
  amount: string;
  currency: string;
  thresholds: number[];
  /** Campaign budgets count spend from this day. */
  since: string;
  /** period → thresholds already announced in it. */
  announced: Record<string, number[]>;
  updatedAt: string;
}

export interface BudgetStore {
  list(tenantId: string): Promise<Budget[]>;
  get(tenantId: string, scopeKey: string): Promise<Budget | undefined>;
  put(budget: Budget): Promise<void>;
  /** Records the threshold as announced for the period; false when it already was (a repeat does nothing). */
  markAnnounced(tenantId: string, scopeKey: string, period: string, threshold: number): Promise<boolean>;
}

export function budgetScopeKey(b: { scope: 'tenant' | 'campaign'; campaignId?: string }): string {
  return b.scope === 'tenant' ? 'tenant' : `campaign#${b.campaignId}`;
}
