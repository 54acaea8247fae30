import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { priceBook } from '../../../adapters/finance/price-book.js';
import { priceUsage, type UsageRow } from '../../../domain/finance/costs.js';
import { parseCsv, readExport, reconcile } from '../../../domain/finance/reconciliation.js';
import { sumExact } from '../../../domain/finance/decimal.js';

const services = Object.fromEntries(Object.entries(priceBook().tableFor('2026-11-01', 'us-east-1').services).map(([name, s]) => [s.cur, name]));
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const table = (day: string) => priceBook().tableFor(day, 'us-east-1');

// two tenants on two days: acme does 3× globex's DynamoDB writes and all the Lambda work on the 1st
const usage: UsageRow[] = [
  { tenantId: 'acme', day: '2026-11-01', functionName: 'MetaWebhook', feature: 'social', counts: { invocations: 1_000_000, writeUnits: 3_000_000 } },
  { tenantId: 'globex', day: '2026-11-01', functionName: 'MetaWebhook', feature: 'social', counts: { writeUnits: 1_000_000 } },
  { tenantId: 'acme', day: '2026-11-02', functionName: 'MetaWebhook', feature: 'social', counts: { writeUnits: 1_000_000 } },
  { tenantId: 'globex', day: '2026-11-02', functionName: 'MetaWebhook', feature: 'social', counts: { writeUnits: 1_000_000 } },
];
const estimate = priceUsage(usage, table).lines;

describe('reading AWS Data Exports', () => {
  it('reads CUR 2.0 columns, leaves taxes out and keeps credits', () => {
    const bill = readExport(fixture('cur2-2026-11.csv'), services);
    expect(bill.format).toBe('CUR2');
    expect(bill.lines.map((l) => [l.day, l.service, l.cost])).toEqual([
      ['2026-11-01', 'Amazon DynamoDB', '2.75'],
      ['2026-11-01', 'AWS Lambda', '0.2'],
      ['2026-11-01', 'Amazon DynamoDB', '0.40'],
      ['2026-11-02', 'Amazon DynamoDB', '1.25'],
      ['2026-11-02', 'Amazon DynamoDB', '-0.05'],
    ]);
  });

  it('reads FOCUS 1.x columns to the same lines', () => {
    const focus = readExport(fixture('focus-2026-11.csv'), services);
    const cur = readExport(fixture('cur2-2026-11.csv'), services);
    expect(focus.format).toBe('FOCUS');
    expect(focus.lines.map((l) => [l.day, l.service, l.cost])).toEqual(cur.lines.map((l) => [l.day, l.service, l.cost]));
  });

  it('refuses a file that is neither', () => {
    expect(() => readExport('a,b\n1,2\n', services)).toThrow(/neither a CUR 2.0 nor a FOCUS/);
    expect(parseCsv('x,"a, ""b"""\r\n1,2\r\n')).toEqual([{ x: '1', 'a, "b"': '2' }]);
  });
});

describe('reconciliation', () => {
  const result = reconcile(readExport(fixture('cur2-2026-11.csv'), services), estimate);

  it('shares each service’s billed cost by metered units and says how far the estimate was', () => {
    const dynamo1 = result.services.find((s) => s.day === '2026-11-01' && s.service === 'Amazon DynamoDB')!;
    // estimated 4M WRU × 0.625/M = 2.50; billed 2.75 for writes (+ 0.40 storage nobody meters)
    expect(dynamo1.estimated).toBe('2.5');
    expect(dynamo1.billed).toBe('3.15');
    expect(dynamo1.drift).toBe('0.65');
    expect(dynamo1.driftPercent).toBe('26.00');
    // writes 3:1; storage by the day's whole metered cost (acme 2.075 of 2.70 → 0.307407..., globex the rest)
    expect(sumExact(Object.values(dynamo1.shares))).toBe('3.15');
    expect(dynamo1.rule).toBe('shared-by-total-cost');
    const acmeWrites = '2.0625'; // 2.75 × 3/4
    expect(Number(dynamo1.shares.acme)).toBeCloseTo(Number(acmeWrites) + (0.4 * 2.075) / 2.7, 9);
    const lambda = result.services.find((s) => s.day === '2026-11-01' && s.service === 'AWS Lambda')!;
    expect(lambda).toMatchObject({ billed: '0.2', estimated: '0.2', drift: '0', rule: 'metered-units', shares: { acme: '0.2' } });
  });

  it('gives each tenant a reconciled total that adds up to the bill, and marks the billed days reconciled', () => {
    const billTotal = '4.55'; // 2.75 + 0.2 + 0.40 + 1.25 − 0.05
    expect(sumExact(Object.values(result.tenants).map((t) => t.reconciled))).toBe(billTotal);
    expect(result.days).toEqual({ '2026-11-01': 'reconciled', '2026-11-02': 'reconciled' });
    // the credit on the 2nd lowers both tenants' share equally (equal writes)
    const day2 = result.services.find((s) => s.day === '2026-11-02')!;
    expect(day2.shares).toEqual({ acme: '0.6', globex: '0.6' });
  });
});
