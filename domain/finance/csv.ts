/** CSV of a cost answer, with the same figures as its JSON (RFC 4180 quoting, CRLF line ends). */
import type { CostGroup } from './costs.js';

const cell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const lines = (rows: (string | number | null | undefined)[][]) => `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;

/**
 * One row per group and dimension: units, the price used and the exact amount; the group's rounded total beside
 * it. With a second grouping, one row per group, part and dimension, the part's rounded total beside it.
 */
export function costGroupsCsv(groupBy: string, currency: string, groups: CostGroup[], thenBy?: string): string {
  const rows: (string | number | null)[][] = [[groupBy, ...(thenBy ? [thenBy] : []), 'dimension', 'service', 'units', 'price', 'per', 'unit', 'priceVersion', 'exactAmount', 'groupAmount', 'currency']];
  for (const g of groups) {
    for (const [keys, part] of thenBy ? (g.breakdown ?? []).map((b) => [[g.key, b.key], b] as const) : [[[g.key], g] as const]) {
      for (const p of part.prices) {
        rows.push([...keys, p.dimension, p.service, part.units[p.dimension] ?? '0', p.price, p.per, p.unit, p.version, part.amounts[p.dimension] ?? '0', part.amount, currency]);
      }
    }
  }
  return lines(rows);
}

export function recordsCsv(header: string[], records: (string | number | null)[][]): string {
  return lines([header, ...records]);
}
