/** The finance API's request and response shapes (OpenAPI is generated from them). */
import { z } from 'zod';
import { apiSchemas } from '../schemas.js';
import { GROUP_BY } from '../../domain/finance/costs.js';
import { BudgetInput } from '../../domain/finance/budgets.js';

const Day = z.iso.date();

export const CostQuery = z
  .object({
    from: Day.describe('first day (UTC), inclusive; default: the first of this month'),
    to: Day.describe('last day (UTC), inclusive; default: today'),
    groupBy: z.enum(GROUP_BY.filter((g) => g !== 'tenant') as ['day', 'feature', 'campaign', 'service', 'function']).default('day'),
  })
  .partial({ from: true, to: true });
export const OperatorCostQuery = CostQuery.extend({ groupBy: z.enum(GROUP_BY).default('tenant') });
export const PeriodQuery = z.object({ from: Day.optional(), to: Day.optional() });

const Amount = z.object({ amount: z.string().describe('rounded to the cent'), exactAmount: z.string().describe('exact, unrounded') });

const PriceUsed = z.object({
  dimension: z.string(),
  service: z.string(),
  price: z.string(),
  per: z.string(),
  unit: z.string(),
  version: z.string(),
  source: z.string(),
});

export const CostReportView = z
  .object({
    from: z.string(),
    to: z.string(),
    region: z.string(),
    currency: z.string(),
    groupBy: z.string(),
    total: Amount,
    groups: z.array(
      z.object({
        key: z.string(),
        amount: z.string(),
        exactAmount: z.string(),
        units: z.record(z.string(), z.string()),
        amounts: z.record(z.string(), z.string()),
        prices: z.array(PriceUsed),
      }),
    ),
    unpriced: z.array(z.object({ dimension: z.string(), units: z.string() })),
  })
  .register(apiSchemas, { id: 'CostReport' });

const UnitCost = z.object({ amount: z.string().nullable(), cost: z.string(), units: z.string(), basis: z.string() });
export const UnitCostsView = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    total: Amount,
    perThousandSocialEvents: UnitCost,
    perOrder: UnitCost,
    perMessage: UnitCost,
    perActiveCustomerMonth: UnitCost,
    perCampaignRecipient: UnitCost,
  })
  .register(apiSchemas, { id: 'UnitCosts' });

export const CampaignCostsView = z
  .object({
    campaignId: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    cloud: Amount,
    channelFees: Amount,
    total: Amount,
    recipients: z.string(),
    byService: CostReportView.shape.groups,
  })
  .register(apiSchemas, { id: 'CampaignCosts' });

export const BudgetBody = BudgetInput.register(apiSchemas, { id: 'BudgetInput' });
export const BudgetStatusView = z
  .object({
    scope: z.enum(['tenant', 'campaign']),
    campaignId: z.string().optional(),
    period: z.string(),
    budget: z.object({ amount: z.string(), currency: z.string() }),
    spent: z.object({ amount: z.string(), exactAmount: z.string(), currency: z.string() }),
    percent: z.string(),
    reached: z.array(z.number()),
    exhausted: z.boolean(),
  })
  .register(apiSchemas, { id: 'BudgetStatus' });
export const BudgetPage = z.object({ items: z.array(BudgetStatusView), nextCursor: z.string().nullable() }).register(apiSchemas, { id: 'BudgetPage' });
