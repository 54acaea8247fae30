/**
 * The finance use cases behind the cost API: cost reports, unit costs and a campaign's costs, all from the
 * same priced usage lines, so every figure adds up to the same total and can be explained line by line.
 */
import { InvalidInput } from '../shared/errors.js';
import { groupCosts, priceUsage, type CostReport, type GroupBy, type PricedUsage, type UsageRow } from './costs.js';
import { compareDecimal, divideRounded, multiplyDecimal, roundDecimal, sumExact } from './decimal.js';
import type { Pricing, UsageReader } from './ports.js';

/** At most a quarter (and a bit) per query: each day is one Query per usage shard. */
export const MAX_DAYS = 93;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function checkRange(from: string, to: string): void {
  const days = daysBetween(from, to);
  if (!(days >= 1)) throw new InvalidInput('"to" must not be before "from"');
  if (days > MAX_DAYS) throw new InvalidInput(`at most ${MAX_DAYS} days per query ("from".."to")`);
}

/** 1. read the tenants' usage for the days, 2. price each count at the price in force that day, 3. group. */
export async function costReport(
  ports: { usage: UsageReader; pricing: Pricing },
  query: { tenantIds: string[]; from: string; to: string; groupBy: GroupBy; thenBy?: GroupBy | undefined },
): Promise<CostReport & { from: string; to: string; region: string }> {
  checkRange(query.from, query.to);
  const rows = (await Promise.all(query.tenantIds.map((t) => ports.usage.read(t, query.from, query.to)))).flat();
  const priced = priceUsage(rows, (day) => ports.pricing.tableFor(day));
  return { from: query.from, to: query.to, region: ports.pricing.region, ...groupCosts(priced, query.groupBy, currencyOf(ports.pricing, query.to), query.thenBy) };
}

function currencyOf(pricing: Pricing, day: string): string {
  return pricing.tableFor(day).currency;
}

const isMessage = (dimension: string) => dimension === 'emails' || dimension.startsWith('sms_') || dimension.startsWith('whatsapp_');
const countOf = (rows: UsageRow[], test: (dimension: string) => boolean, where: (r: UsageRow) => boolean = () => true) =>
  sumExact(rows.filter(where).flatMap((r) => Object.entries(r.counts).filter(([d]) => test(d)).map(([, n]) => String(n))));
const costOf = (priced: PricedUsage, where: (l: PricedUsage['lines'][number]) => boolean) => sumExact(priced.lines.filter(where).map((l) => l.amount));

export interface UnitCost {
  /** Cost per unit, to 6 decimals (null when nothing was counted). */
  amount: string | null;
  /** The cost shared over the units, exact. */
  cost: string;
  /** How many units. */
  units: string;
  basis: string;
}

/**
 * Unit costs over the period. Each says what it shares over what (basis):
 * per 1,000 social events: the social feature's cost over the interactions it recorded, × 1,000;
 * per order: the commerce feature's cost over the orders placed; per message: the channel fees and the
 * campaign feature's cloud cost over the messages sent; per active customer per month: the tenant's whole
 * cost over the distinct customers its events named, per month; per campaign recipient: the cost billed to
 * campaigns over the messages sent for campaigns.
 */
export async function unitCosts(ports: { usage: UsageReader; pricing: Pricing }, query: { tenantId: string; from: string; to: string }) {
  checkRange(query.from, query.to);
  const rows = await ports.usage.read(query.tenantId, query.from, query.to);
  const priced = priceUsage(rows, (day) => ports.pricing.tableFor(day));
  const unit = (cost: string, units: string, basis: string, per = '1'): UnitCost => ({
    amount: compareDecimal(units, '0') > 0 ? divideRounded(multiplyDecimal(cost, per), units, 6) : null,
    cost,
    units,
    basis,
  });
  const months = [...new Set(rows.map((r) => r.day.slice(0, 7)))].sort();
  const activeByMonth = await Promise.all(months.map((m) => ports.usage.activeCustomers(query.tenantId, m)));
  const activeCustomerMonths = String(activeByMonth.reduce((a, b) => a + b, 0));
  const messages = countOf(rows, isMessage);
  const campaignRecipients = countOf(rows, isMessage, (r) => Boolean(r.campaignId));
  const total = costOf(priced, () => true);
  return {
    from: query.from,
    to: query.to,
    currency: currencyOf(ports.pricing, query.to),
    total: { amount: roundDecimal(total, 2), exactAmount: total },
    perThousandSocialEvents: unit(costOf(priced, (l) => l.feature === 'social'), countOf(rows, (d) => d === 'n_InteractionRecorded'), 'social feature cost / InteractionRecorded events × 1,000', '1000'),
    perOrder: unit(costOf(priced, (l) => l.feature === 'commerce'), countOf(rows, (d) => d === 'n_OrderPlaced'), 'commerce feature cost / OrderPlaced events'),
    perMessage: unit(costOf(priced, (l) => isMessage(l.dimension) || l.feature === 'campaigns'), messages, 'channel fees + campaigns feature cost / messages sent'),
    perActiveCustomerMonth: unit(total, activeCustomerMonths, 'whole cost / distinct customers named by events, summed per month'),
    perCampaignRecipient: unit(costOf(priced, (l) => Boolean(l.campaignId)), campaignRecipients, 'cost billed to campaigns / campaign messages sent'),
  };
}

/** Campaign costs for the campaigns context (ROI): cloud cost and channel fees billed to the campaign. */
export async function campaignCosts(ports: { usage: UsageReader; pricing: Pricing }, query: { tenantId: string; campaignId: string; from: string; to: string }) {
  checkRange(query.from, query.to);
  const rows = (await ports.usage.read(query.tenantId, query.from, query.to)).filter((r) => r.campaignId === query.campaignId);
  const priced = priceUsage(rows, (day) => ports.pricing.tableFor(day));
  const channelFees = costOf(priced, (l) => isMessage(l.dimension));
  const cloud = costOf(priced, (l) => !isMessage(l.dimension));
  const total = sumExact([channelFees, cloud]);
  const currency = currencyOf(ports.pricing, query.to);
  return {
    campaignId: query.campaignId,
    from: query.from,
    to: query.to,
    currency,
    cloud: { amount: roundDecimal(cloud, 2), exactAmount: cloud },
    channelFees: { amount: roundDecimal(channelFees, 2), exactAmount: channelFees },
    total: { amount: roundDecimal(total, 2), exactAmount: total },
    recipients: countOf(rows, isMessage),
    byService: groupCosts(priced, 'service', currency).groups,
  };
}
