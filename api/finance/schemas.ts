/** The finance API's request and response shapes (OpenAPI is generated from them). */
import { z } from 'zod';
import { apiSchemas } from '../shared/schemas.js';
import { GROUP_BY } from '../../domain/finance/costs.js';
import { BudgetInput } from '../../domain/finance/budgets.js';

const Day = z.iso.date();
const TenantGroupBy = z.enum(GROUP_BY.filter((g) => g !== 'tenant') as ['day', 'feature', 'campaign', 'service', 'function']);

const distinctGroupings = (q: { groupBy: string; thenBy?: string | undefined }) => q.thenBy === undefined || q.thenBy !== q.groupBy;
const groupingsMessage = { message: '"thenBy" must differ from "groupBy"', path: ['thenBy'] };
const CostQueryFields = z
  .object({
    from: Day.describe('first day (UTC), inclusive; default: the first of this month'),
    to: Day.describe('last day (UTC), inclusive; default: today'),
    groupBy: TenantGroupBy.default('day'),
    thenBy: TenantGroupBy.optional().describe('a second grouping: each group split by it (`breakdown`), e.g. groupBy=day&thenBy=feature for a stacked chart'),
  })
  .partial({ from: true, to: true });
export const CostQuery = CostQueryFields.refine(distinctGroupings, groupingsMessage);
export const OperatorCostQuery = CostQueryFields.extend({ groupBy: z.enum(GROUP_BY).default('tenant'), thenBy: z.enum(GROUP_BY).optional() }).refine(distinctGroupings, groupingsMessage);
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

const CostGroupView = z.object({
  key: z.string(),
  amount: z.string(),
  exactAmount: z.string(),
  units: z.record(z.string(), z.string()),
  amounts: z.record(z.string(), z.string()),
  prices: z.array(PriceUsed),
});

export const CostReportView = z
  .object({
    from: z.string(),
    to: z.string(),
    region: z.string(),
    currency: z.string(),
    groupBy: z.string(),
    total: Amount,
    thenBy: z.string().optional(),
    groups: z.array(CostGroupView.extend({ breakdown: z.array(CostGroupView).optional().describe('the group split by `thenBy`') })),
    unpriced: z.array(z.object({ dimension: z.string(), units: z.string() })),
    days: z.record(z.string(), z.enum(['estimated', 'reconciled'])).describe('each day: estimated from metering, or reconciled with an imported bill'),
    reconciled: z
      .object({
        days: z.number(),
        amount: z.string(),
        exactAmount: z.string(),
        drift: z.array(z.object({ service: z.string(), drift: z.string(), driftPercent: z.string().nullable() })),
      })
      .nullable()
      .describe("the share of the bill for the reconciled days, and the bill's drift from the estimate per service"),
  })
  .register(apiSchemas, { id: 'CostReport' });

export const ReconciliationRequest = z
  .object({ source: z.string().min(1).max(2048).describe('s3://bucket/key of a CUR 2.0 or FOCUS 1.x CSV export; locally a file path') })
  .register(apiSchemas, { id: 'ReconciliationRequest' });
export const ReconciliationView = z
  .object({
    format: z.enum(['CUR2', 'FOCUS']),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    days: z.record(z.string(), z.literal('reconciled')),
    services: z.array(
      z.object({
        day: z.string(),
        service: z.string(),
        billed: z.string(),
        estimated: z.string(),
        drift: z.string(),
        driftPercent: z.string().nullable(),
        rule: z.enum(['metered-units', 'shared-by-total-cost']),
        shares: z.record(z.string(), z.string()),
      }),
    ),
    tenants: z.record(z.string(), z.object({ estimated: z.string(), reconciled: z.string(), reconciledRounded: z.string() })),
  })
  .register(apiSchemas, { id: 'Reconciliation' });

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
