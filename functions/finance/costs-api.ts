/**
 * Finance API (roles finance and admin; the operator route: the deployment's operator only): costs by
 * day/feature/campaign/service/function, unit costs, a campaign's costs, budgets. Any cost answer comes as
 * CSV with `Accept: text/csv`, with the same figures.
 */
import { campaignCosts, checkRange, costReport, unitCosts } from '../../domain/finance/reports.js';
import { priceUsage } from '../../domain/finance/costs.js';
import { readExport, reconcile, reconciliationStatus } from '../../domain/finance/reconciliation.js';
import { loadBillDays, readExportFile, saveBillDays } from '../../adapters/finance/bills.js';
import { daysOf } from '../../adapters/finance/dynamo-usage.js';
import { budgetStatuses, checkBudgets, setBudget } from '../../domain/finance/budgets.js';
import { costGroupsCsv, recordsCsv } from '../../domain/finance/csv.js';
import { operatorFromClaims } from '../../domain/finance/operator.js';
import { financePorts } from '../../adapters/finance/index.js';
import { eventPublisher } from '../../adapters/shared/event-publisher.js';
import { BudgetBody, BudgetStatusView, CampaignCostsView, CostQuery, CostReportView, OperatorCostQuery, PeriodQuery, ReconciliationRequest, ReconciliationView, UnitCostsView } from '../../api/finance/schemas.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, header, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent, type HttpResult } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

const wantsCsv = (event: HttpEvent) => (header(event, 'accept') ?? '').toLowerCase().includes('text/csv');
const csv = (body: string, name: string): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` },
  body,
});

/** Default period: this month so far (UTC). */
function period(query: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10);
  return { from: query.from ?? `${today.slice(0, 7)}-01`, to: query.to ?? today };
}

/** Marks the report's days estimated or reconciled from the imported bills (the tenant sees only its share). */
async function withStatus<R extends { from: string; to: string }>(report: R, tenantId: string | undefined) {
  const days = daysOf(report.from, report.to);
  return { ...report, ...reconciliationStatus(tenantId, days, await loadBillDays(days)) };
}

/** 1. read the export, 2. price every active tenant's usage of its days, 3. share the bill out, 4. keep each day. */
async function reconcileBill(finance: ReturnType<typeof financePorts>, text: string, now: Date) {
  const table = finance.pricing.tableFor(now.toISOString().slice(0, 10));
  const services = Object.fromEntries(Object.entries(table.services).map(([name, s]) => [s.cur, name]));
  const bill = readExport(text, services);
  const days = [...new Set(bill.lines.map((l) => l.day))].sort();
  checkRange(days[0]!, days.at(-1)!);
  const tenants = await finance.usage.activeTenants(days[0]!, days.at(-1)!);
  const rows = (await Promise.all(tenants.map((t) => finance.usage.read(t, days[0]!, days.at(-1)!)))).flat();
  const result = reconcile(bill, priceUsage(rows, (d) => finance.pricing.tableFor(d)).lines);
  await saveBillDays(days.map((day) => ({ day, format: result.format, importedAt: now.toISOString(), services: result.services.filter((s) => s.day === day) })));
  return result;
}

export const handler = httpFunction(FUNCTIONS.financeApi.id, async (event: HttpEvent) => {
  const now = ports.clock.now();
  const finance = financePorts();

  if (event.routeKey.includes(' /v1/operator/')) {
    const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
    operatorFromClaims(claims, process.env.OPERATOR_ISSUER);
    if (event.routeKey === 'POST /v1/operator/reconciliations') {
      const { source } = validate(ReconciliationRequest, parseJsonBytes(rawBody(event)), 'reconciliation');
      const result = await reconcileBill(finance, await readExportFile(source), now);
      return json(200, ReconciliationView.parse(result));
    }
    const query = validate(OperatorCostQuery, event.queryStringParameters ?? {}, 'cost query');
    const { from, to } = period(query, now);
    const tenantIds = await finance.usage.activeTenants(from, to);
    const report = await withStatus(await costReport(finance, { tenantIds, from, to, groupBy: query.groupBy, thenBy: query.thenBy }), undefined);
    return wantsCsv(event) ? csv(costGroupsCsv(report.groupBy, report.currency, report.groups, report.thenBy), 'platform-costs') : json(200, CostReportView.parse(report));
  }

  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  switch (event.routeKey) {
    case 'GET /v1/costs': {
      const query = validate(CostQuery, event.queryStringParameters ?? {}, 'cost query');
      const report = await withStatus(await costReport(finance, { tenantIds: [actor.tenantId], ...period(query, now), groupBy: query.groupBy, thenBy: query.thenBy }), actor.tenantId);
      return wantsCsv(event) ? csv(costGroupsCsv(report.groupBy, report.currency, report.groups, report.thenBy), 'costs') : json(200, CostReportView.parse(report));
    }
    case 'GET /v1/costs/unit': {
      const query = validate(PeriodQuery, event.queryStringParameters ?? {}, 'period');
      const units = await unitCosts(finance, { tenantId: actor.tenantId, ...period(query, now) });
      if (!wantsCsv(event)) return json(200, UnitCostsView.parse(units));
      const metrics = ['perThousandSocialEvents', 'perOrder', 'perMessage', 'perActiveCustomerMonth', 'perCampaignRecipient'] as const;
      return csv(recordsCsv(['metric', 'amount', 'cost', 'units', 'basis', 'currency'], metrics.map((m) => [m, units[m].amount, units[m].cost, units[m].units, units[m].basis, units.currency])), 'unit-costs');
    }
    case 'GET /v1/campaigns/{campaignId}/costs': {
      const query = validate(PeriodQuery, event.queryStringParameters ?? {}, 'period');
      const today = now.toISOString().slice(0, 10);
      const from = query.from ?? new Date(now.getTime() - 92 * 86_400_000).toISOString().slice(0, 10);
      const costs = await campaignCosts(finance, { tenantId: actor.tenantId, campaignId: pathParam(event, 'campaignId'), from, to: query.to ?? today });
      return wantsCsv(event) ? csv(costGroupsCsv('service', costs.currency, costs.byService), 'campaign-costs') : json(200, CampaignCostsView.parse(costs));
    }
    case 'GET /v1/budgets': {
      const items = await budgetStatuses(finance, actor.tenantId, now);
      return json(200, { items: items.map((b) => BudgetStatusView.parse(b)), nextCursor: null });
    }
    case 'PUT /v1/budgets': {
      const input = validate(BudgetBody, parseJsonBytes(rawBody(event)), 'budget');
      await setBudget(finance, actor.tenantId, input, now);
      // a budget set below what is already spent announces its thresholds at once
      await checkBudgets({ ...finance, events: eventPublisher() }, actor.tenantId, now);
      const statuses = await budgetStatuses(finance, actor.tenantId, now);
      const mine = statuses.find((s) => s.scope === input.scope && s.campaignId === input.campaignId)!;
      return json(200, BudgetStatusView.parse(mine));
    }
  }
  return json(404, { error: { code: 'not_found', message: 'No such route' } });
});
