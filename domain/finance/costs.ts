/**
 * Usage → money. A usage row is what the meter flushed for one tenant, day, function, feature and campaign;
 * each of its counts times the price in force that day is a cost line, exact. Grouping sums lines exactly
 * and rounds only the figure shown (`amount`, to the cent), keeping `exactAmount` beside it.
 */
import { decimalOfCount, divideExact, multiplyDecimal, roundDecimal, sumExact } from './decimal.js';
import { isPriced, type PriceTable, type ResolvedPrice } from './prices.js';

export interface UsageRow {
  tenantId: string;
  day: string;
  functionName: string;
  feature: string;
  campaignId?: string;
  counts: Record<string, number>;
}

export interface CostLine {
  tenantId: string;
  day: string;
  functionName: string;
  feature: string;
  campaignId?: string;
  service: string;
  dimension: string;
  /** The counted units, exact. */
  units: string;
  price: ResolvedPrice;
  /** units × price / per, exact. */
  amount: string;
}

export const GROUP_BY = ['day', 'feature', 'campaign', 'service', 'function', 'tenant'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface PricedUsage {
  lines: CostLine[];
  /** Dimensions that were counted but have no price (shown, never silently dropped). */
  unpriced: { dimension: string; units: string }[];
}

export function priceUsage(rows: readonly UsageRow[], tableFor: (day: string) => PriceTable): PricedUsage {
  const lines: CostLine[] = [];
  const unpriced = new Map<string, string>();
  for (const row of rows) {
    const table = tableFor(row.day);
    for (const [dimension, count] of Object.entries(row.counts)) {
      if (!isPriced(dimension) || count === 0) continue;
      const units = decimalOfCount(count);
      const price = table.priceOf(dimension);
      if (!price) {
        unpriced.set(dimension, sumExact([unpriced.get(dimension) ?? '0', units]));
        continue;
      }
      lines.push({
        tenantId: row.tenantId,
        day: row.day,
        functionName: row.functionName,
        feature: row.feature,
        ...(row.campaignId && { campaignId: row.campaignId }),
        service: price.service,
        dimension,
        units,
        price,
        amount: divideExact(multiplyDecimal(units, price.price), price.per),
      });
    }
  }
  return { lines, unpriced: [...unpriced].map(([dimension, units]) => ({ dimension, units })) };
}

export function groupKey(line: CostLine, by: GroupBy): string {
  switch (by) {
    case 'day':
      return line.day;
    case 'feature':
      return line.feature;
    case 'campaign':
      return line.campaignId ?? '(none)';
    case 'service':
      return line.service;
    case 'function':
      return line.functionName;
    case 'tenant':
      return line.tenantId;
  }
}

export interface PriceUsed {
  dimension: string;
  service: string;
  price: string;
  per: string;
  unit: string;
  version: string;
  source: string;
}

export interface CostGroup {
  key: string;
  /** Rounded to the cent, for display. */
  amount: string;
  /** The exact sum of the lines. */
  exactAmount: string;
  /** Units per dimension behind the amount. */
  units: Record<string, string>;
  /** Cost per dimension, exact. */
  amounts: Record<string, string>;
  prices: PriceUsed[];
  /** With a second grouping (`thenBy`): the same group split by it, each part explained the same way. */
  breakdown?: CostGroup[];
}

export interface CostReport {
  currency: string;
  groupBy: GroupBy;
  thenBy?: GroupBy;
  total: { amount: string; exactAmount: string };
  groups: CostGroup[];
  unpriced: { dimension: string; units: string }[];
}

export function groupCosts(priced: PricedUsage, by: GroupBy, currency: string, thenBy?: GroupBy): CostReport {
  const exactTotal = sumExact(priced.lines.map((l) => l.amount));
  return {
    currency,
    groupBy: by,
    ...(thenBy && { thenBy }),
    total: { amount: roundDecimal(exactTotal, 2), exactAmount: exactTotal },
    groups: costGroups(priced.lines, by, thenBy),
    unpriced: priced.unpriced,
  };
}

/** The lines grouped by one key, sorted by it; each group split again by `thenBy` when given. */
function costGroups(lines: readonly CostLine[], by: GroupBy, thenBy?: GroupBy): CostGroup[] {
  const groups = new Map<string, CostLine[]>();
  for (const line of lines) {
    const key = groupKey(line, by);
    const list = groups.get(key);
    if (list) list.push(line);
    else groups.set(key, [line]);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, lines]) => {
      const exactAmount = sumExact(lines.map((l) => l.amount));
      const units: Record<string, string> = {};
      const amounts: Record<string, string> = {};
      const prices = new Map<string, PriceUsed>();
      for (const l of lines) {
        units[l.dimension] = sumExact([units[l.dimension] ?? '0', l.units]);
        amounts[l.dimension] = sumExact([amounts[l.dimension] ?? '0', l.amount]);
        const p = l.price;
        prices.set(`${p.dimension}|${p.version}`, { dimension: l.dimension, service: p.service, price: p.price, per: p.per, unit: p.unit, version: p.version, source: p.source });
      }
      const group: CostGroup = { key, amount: roundDecimal(exactAmount, 2), exactAmount, units, amounts, prices: [...prices.values()].sort((a, b) => a.dimension.localeCompare(b.dimension)) };
      return thenBy ? { ...group, breakdown: costGroups(lines, thenBy) } : group;
    });
}

/** The service a dimension is billed under (for rows without a price, and for the reconciliation). */
export function serviceOf(dimension: string, table: PriceTable): string | undefined {
  return table.priceOf(dimension)?.service;
}
