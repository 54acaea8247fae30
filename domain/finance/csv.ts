/** CSV of a cost answer, with the same figures as its JSON (RFC 4180 quoting, CRLF line ends). */
import type { CostGroup } from './costs.js';

const cell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const lines = (rows: (string | number | null | undefined)[][]) => `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;

/** One row per group and dimension: units, the price used and the exact amount; the group's rounded total beside it. */
export function costGroupsCsv(groupBy: string, currency: string, groups: CostGroup[]): string {
  const rows: (string | number | null)[][] = [[groupBy, 'dimension', 'service', 'units', 'price', 'per', 'unit', 'priceVersion', 'exactAmount', 'groupAmount', 'currency']];
  for (const g of groups) {
    for (const p of g.prices) {
      rows.push([g.key, p.dimension, p.service, g.units[p.dimension] ?? '0', p.price, p.per, p.unit, p.version, g.amounts[p.dimension] ?? '0', g.amount, currency]);
    }
  }
  return lines(rows);
}

export function recordsCsv(header: string[], records: (string | number | null)[][]): string {
  return lines([header, ...records]);
}
