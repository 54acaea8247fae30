/** The finance context's routes (spread into wiring/routes.ts). */
import type { RouteDeclaration } from '../routes.js';
import type { ScheduleDeclaration } from '../schedules.js';
import { BudgetBody, BudgetPage, BudgetStatusView, CampaignCostsView, CostQuery, CostReportView, OperatorCostQuery, PeriodQuery, ReconciliationRequest, ReconciliationView, UnitCostsView } from '../../api/finance/schemas.js';

const FINANCE = ['finance', 'admin'] as const;
const CSV = ' With `Accept: text/csv`, the same figures as CSV.';

export const FINANCE_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'GET',
    path: '/v1/costs',
    function: 'financeApi',
    auth: { roles: FINANCE },
    summary: `The tenant's cloud and channel cost for a period, grouped by day, feature, campaign, service or function (and within each group by a second one with thenBy): amount, the units behind it and the prices used.${CSV}`,
    openapi: { tag: 'finance', query: CostQuery, response: CostReportView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/costs/unit',
    function: 'financeApi',
    auth: { roles: FINANCE },
    summary: `Unit costs for a period: per 1,000 social events, per order, per message, per active customer per month, per campaign recipient, each with its basis.${CSV}`,
    openapi: { tag: 'finance', query: PeriodQuery, response: UnitCostsView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/campaigns/{campaignId}/costs',
    function: 'financeApi',
    auth: { roles: FINANCE },
    summary: `A campaign's cloud cost and channel fees (default: the last 93 days), for its ROI.${CSV}`,
    openapi: { tag: 'finance', query: PeriodQuery, response: CampaignCostsView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/budgets',
    function: 'financeApi',
    auth: { roles: FINANCE },
    summary: "The tenant's budgets (monthly, and per campaign) with the spend so far and the thresholds reached",
    openapi: { tag: 'finance', response: BudgetPage, errors: [401, 403] },
  },
  {
    method: 'PUT',
    path: '/v1/budgets',
    function: 'financeApi',
    auth: { roles: FINANCE },
    summary: 'Set the monthly budget of the tenant or the budget of a campaign, with thresholds (default 50/80/100 %); each publishes BudgetThresholdReached once',
    openapi: { tag: 'finance', body: BudgetBody, response: BudgetStatusView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/operator/costs',
    function: 'financeApi',
    auth: { roles: ['operator'] },
    summary: `Costs across every tenant (chargeback), grouped by tenant by default: the deployment's operator only, never a tenant token.${CSV}`,
    openapi: { tag: 'finance', query: OperatorCostQuery, response: CostReportView, errors: [400, 401, 403] },
  },
  {
    method: 'POST',
    path: '/v1/operator/reconciliations',
    function: 'financeApi',
    auth: { roles: ['operator'] },
    summary:
      "Import an AWS Data Exports file (CUR 2.0 or FOCUS 1.x CSV; S3 in AWS, a path locally): each service's billed cost shared out to tenants by metered units, unmetered storage by total cost, drift per service; the days become reconciled",
    openapi: { tag: 'finance', body: ReconciliationRequest, response: ReconciliationView, errors: [400, 401, 403] },
  },
];

export const FINANCE_SCHEDULES: readonly ScheduleDeclaration[] = [
  {
    name: 'BudgetCheck',
    function: 'budgetCheck',
    everyMinutes: 60,
    description: 'Prices the spend under every budget of the tenants active today and announces thresholds reached (once each)',
  },
];
