/**
 * Budgets: the tenant's monthly spend, or a campaign's lifetime spend, against an amount with thresholds
 * (50/80/100 % by default). Each threshold is announced once per budget and period: BudgetThresholdReached.
 * The campaigns context stops a campaign's sending when its budget is reached (it reads `budgetStatus`).
 */
import { z } from 'zod';
import { buildEvent, BudgetThresholdReached } from '../../events/catalog.js';
import type { EventPublisher } from '../shared/ports.js';
import { InvalidInput } from '../shared/errors.js';
import { isDecimal } from '../shared/money.js';
import { priceUsage } from './costs.js';
import { compareDecimal, divideRounded, multiplyDecimal, roundDecimal, sumExact } from './decimal.js';
import { budgetScopeKey, type Budget, type BudgetStore, type Pricing, type UsageReader } from './ports.js';
import { MAX_DAYS } from './reports.js';

export const BudgetInput = z.object({
  scope: z.enum(['tenant', 'campaign']),
  campaignId: z.string().min(1).max(200).optional(),
  amount: z.string().refine((v) => isDecimal(v) && compareDecimal(v, '0') > 0, 'a positive exact decimal such as "250.00"'),
  currency: z.string().regex(/^[A-Z]{3}$/),
  thresholds: z.array(z.number().int().min(1).max(1000)).min(1).max(10).default([50, 80, 100]),
});
export type BudgetInput = z.infer<typeof BudgetInput>;

export async function setBudget(ports: { budgets: BudgetStore; pricing: Pricing }, tenantId: string, input: BudgetInput, now: Date): Promise<Budget> {
  if (input.scope === 'campaign' && !input.campaignId) throw new InvalidInput('campaignId is required for a campaign budget');
  if (input.scope === 'tenant' && input.campaignId) throw new InvalidInput('campaignId is only for a campaign budget');
  const currency = ports.pricing.tableFor(now.toISOString().slice(0, 10)).currency;
  if (input.currency !== currency) throw new InvalidInput(`currency: costs are priced in ${currency}`);
  const existing = await ports.budgets.get(tenantId, budgetScopeKey(input));
  const budget: Budget = {
    tenantId,
    scope: input.scope,
    ...(input.campaignId && { campaignId: input.campaignId }),
    amount: input.amount,
    currency,
    thresholds: [...new Set(input.thresholds)].sort((a, b) => a - b),
    since: existing?.since ?? now.toISOString().slice(0, 10),
    announced: existing?.announced ?? {},
    updatedAt: now.toISOString(),
  };
  await ports.budgets.put(budget);
  return budget;
}

/** The period a budget's spend is counted over, and its days (a campaign's: since it was set, at most MAX_DAYS). */
function periodOf(budget: Budget, today: string): { period: string; from: string; to: string } {
  if (budget.scope === 'tenant') return { period: today.slice(0, 7), from: `${today.slice(0, 7)}-01`, to: today };
  const earliest = new Date(Date.parse(`${today}T00:00:00Z`) - (MAX_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  return { period: 'lifetime', from: budget.since > earliest ? budget.since : earliest, to: today };
}

export interface BudgetStatus {
  scope: 'tenant' | 'campaign';
  campaignId?: string;
  period: string;
  budget: { amount: string; currency: string };
  spent: { amount: string; exactAmount: string; currency: string };
  percent: string;
  reached: number[];
  exhausted: boolean;
}

async function statusOf(ports: { usage: UsageReader; pricing: Pricing }, budget: Budget, today: string): Promise<BudgetStatus> {
  const { period, from, to } = periodOf(budget, today);
  const rows = (await ports.usage.read(budget.tenantId, from, to)).filter((r) => budget.scope === 'tenant' || r.campaignId === budget.campaignId);
  const spent = sumExact(priceUsage(rows, (d) => ports.pricing.tableFor(d)).lines.map((l) => l.amount));
  const percent = divideRounded(multiplyDecimal(spent, '100'), budget.amount, 2);
  return {
    scope: budget.scope,
    ...(budget.campaignId && { campaignId: budget.campaignId }),
    period,
    budget: { amount: budget.amount, currency: budget.currency },
    spent: { amount: roundDecimal(spent, 2), exactAmount: spent, currency: budget.currency },
    percent,
    reached: budget.thresholds.filter((t) => compareDecimal(percent, String(t)) >= 0),
    exhausted: compareDecimal(spent, budget.amount) >= 0,
  };
}

export async function budgetStatuses(ports: { usage: UsageReader; pricing: Pricing; budgets: BudgetStore }, tenantId: string, now: Date): Promise<BudgetStatus[]> {
  const today = now.toISOString().slice(0, 10);
  return Promise.all((await ports.budgets.list(tenantId)).map((b) => statusOf(ports, b, today)));
}

/**
 * 1. price the spend of each budget's period, 2. for each threshold reached and not yet announced in the
 * period: publish BudgetThresholdReached (its event id derived from budget, period and threshold, so a
 * retry after a failure between 2 and 3 is a duplicate consumers drop), 3. record it as announced.
 * Running again announces nothing new: each threshold fires once.
 */
export async function checkBudgets(
  ports: { usage: UsageReader; pricing: Pricing; budgets: BudgetStore; events: EventPublisher },
  tenantId: string,
  now: Date,
): Promise<{ announced: { scope: string; campaignId?: string; threshold: number }[] }> {
  const today = now.toISOString().slice(0, 10);
  const announced: { scope: string; campaignId?: string; threshold: number }[] = [];
  for (const budget of await ports.budgets.list(tenantId)) {
    const status = await statusOf(ports, budget, today);
    const done = new Set(budget.announced[status.period] ?? []);
    for (const threshold of status.reached) {
      if (done.has(threshold)) continue;
      const scopeKey = budgetScopeKey(budget);
      const event = buildEvent(
        BudgetThresholdReached,
        { tenantId, eventId: `budget:${scopeKey}:${status.period}:${threshold}`, occurredAt: now.toISOString(), correlationId: `budget:${scopeKey}` },
        {
          scope: budget.scope,
          ...(budget.campaignId && { campaignId: budget.campaignId }),
          period: status.period,
          thresholdPercent: threshold,
          budget: status.budget,
          spent: { amount: status.spent.amount, currency: status.spent.currency },
        },
      );
      await ports.events.publish([event]);
      if (await ports.budgets.markAnnounced(tenantId, scopeKey, status.period, threshold)) announced.push({ scope: budget.scope, ...(budget.campaignId && { campaignId: budget.campaignId }), threshold });
    }
  }
  return { announced };
}
