import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalOfCount, divideExact, divideRounded, multiplyDecimal, roundDecimal, sumExact } from '../../../domain/finance/decimal.js';
import { costGroupsCsv } from '../../../domain/finance/csv.js';
import { priceUsage, groupCosts, type UsageRow } from '../../../domain/finance/costs.js';
import { priceBook } from '../../../adapters/finance/price-book.js';
import { messageDimension, countryOfPhone } from '../../../domain/finance/channels.js';

describe('exact decimals', () => {
  it('divides by any 2^i·5^j exactly: multiplying back gives the dividend', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 8 }), fc.nat(30), fc.nat(12), (units, scale, twos, fives) => {
        const divisor = (2n ** BigInt(twos) * 5n ** BigInt(fives)).toString();
        const a = divideExact(units.toString(), (10n ** BigInt(scale)).toString()); // units / 10^scale
        const q = divideExact(a, divisor);
        expect(multiplyDecimal(q, divisor)).toBe(a);
      }),
    );
  });

  it('refuses a divisor that gives no finite decimal', () => {
    expect(() => divideExact('1', '3')).toThrow(/finite decimal/);
  });

  it('rounds half away from zero only when asked', () => {
    expect(roundDecimal('0.125', 2)).toBe('0.13');
    expect(roundDecimal('-0.125', 2)).toBe('-0.13');
    expect(roundDecimal('0.124999', 2)).toBe('0.12');
    expect(roundDecimal('3', 2)).toBe('3.00');
    expect(divideRounded('1', '3', 6)).toBe('0.333333');
    expect(divideRounded('2', '3', 2)).toBe('0.67');
  });

  it('writes counts with exponents out in full', () => {
    expect(decimalOfCount(1e-7)).toBe('0.0000001');
    expect(decimalOfCount(0.5)).toBe('0.5');
    expect(decimalOfCount(12)).toBe('12');
  });
});

describe('price table', () => {
  const book = priceBook();

  it('has the two regions and a source and unit for every price', () => {
    expect(book.regions()).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1']));
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (const p of book.tableFor('2026-12-01', region).entries()) {
        expect(p.source).toMatch(/^https:\/\//);
        expect(p.unit.length).toBeGreaterThan(0);
      }
    }
  });

  it('takes the version in force on the day: DynamoDB writes before and after the 2024-11-01 cut', () => {
    expect(book.tableFor('2024-10-31', 'us-east-1').priceOf('writeUnits')).toMatchObject({ price: '1.25', version: '2024-01-01' });
    expect(book.tableFor('2024-11-01', 'us-east-1').priceOf('writeUnits')).toMatchObject({ price: '0.625', version: '2024-11-01' });
    // a later version keeps what it does not change
    expect(book.tableFor('2026-01-01', 'us-east-1').priceOf('writeUnits')).toMatchObject({ price: '0.625', version: '2024-11-01' });
    expect(book.tableFor('2026-01-01', 'eu-west-1').priceOf('httpRequests')).toMatchObject({ price: '1.11' });
    expect(() => book.tableFor('2023-12-31', 'us-east-1')).toThrow(/no price version/);
  });

  it('prices a message to an unlisted country at the dearest listed rate, and service replies free', () => {
    const t = book.tableFor('2026-01-01', 'us-east-1');
    expect(t.priceOf('sms_JP')).toMatchObject({ dimension: 'sms_ZZ' });
    expect(t.priceOf('whatsapp_service_BR')).toMatchObject({ price: '0' });
    expect(messageDimension({ channel: 'sms', to: '+34600000000', purpose: 'marketing' })).toBe('sms_ES');
    expect(messageDimension({ channel: 'whatsapp', to: '+5511999999999', purpose: 'marketing', template: { name: 'x' } })).toBe('whatsapp_marketing_BR');
    expect(countryOfPhone('+81312345678')).toBe('ZZ');
  });
});

describe('costs', () => {
  const table = (day: string) => priceBook().tableFor(day, 'us-east-1');
  const rows: UsageRow[] = [
    { tenantId: 'acme', day: '2026-01-05', functionName: 'MetaWebhook', feature: 'social', counts: { invocations: 1000, mbMs: 512 * 40_000, billedMs: 40_000, httpRequests: 1000, writeUnits: 3000, readUnits: 1500.5, eventsPublished: 1000, sqsSends: 2000 } },
    { tenantId: 'acme', day: '2026-01-06', functionName: 'Campaign', feature: 'campaigns', campaignId: 'cmp-1', counts: { sfnTransitions: 302, emails: 100, 'sms_ES': 10, unknownThing: 4 } },
  ];

  it('prices every count by hand-checkable arithmetic, exact, rounded only in the shown amount', () => {
    const report = groupCosts(priceUsage(rows, table), 'feature', 'USD');
    const social = report.groups.find((g) => g.key === 'social')!;
    // 1000 × 0.20/1M + 20,480,000 MB-ms × 0.0000133334/1,024,000 + 1000 × 1/1M + 3000 × 0.625/1M + 1500.5 × 0.125/1M + 1000 × 1/1M + 2000 × 0.4/1M
    expect(social.amounts).toEqual({
      invocations: '0.0002',
      mbMs: '0.000266668',
      httpRequests: '0.001',
      writeUnits: '0.001875',
      readUnits: '0.0001875625',
      eventsPublished: '0.001',
      sqsSends: '0.0008',
    });
    expect(social.exactAmount).toBe('0.0053292305');
    expect(social.amount).toBe('0.01');
    const campaigns = report.groups.find((g) => g.key === 'campaigns')!;
    // 302 × 0.025/1000 + 100 × 0.10/1000 + 10 × 0.072
    expect(campaigns.exactAmount).toBe('0.73755');
    expect(campaigns.amount).toBe('0.74');
    expect(report.unpriced).toEqual([{ dimension: 'unknownThing', units: '4' }]);
    expect(report.total.exactAmount).toBe('0.7428792305');
  });

  it('groups the same lines by campaign, service and day with the same total', () => {
    const priced = priceUsage(rows, table);
    const totals = (['campaign', 'service', 'day', 'function'] as const).map((by) => groupCosts(priced, by, 'USD').total.exactAmount);
    expect(new Set(totals)).toEqual(new Set(['0.7428792305']));
    expect(groupCosts(priced, 'campaign', 'USD').groups.map((g) => g.key)).toEqual(['(none)', 'cmp-1']);
  });

  it('splits each group by a second grouping whose parts add up to the group, in CSV too', () => {
    const priced = priceUsage(rows, table);
    const report = groupCosts(priced, 'day', 'USD', 'feature');
    expect(report.thenBy).toBe('feature');
    for (const group of report.groups) {
      expect(group.breakdown!.length).toBeGreaterThan(0);
      expect(sumExact(group.breakdown!.map((b) => b.exactAmount))).toBe(group.exactAmount);
    }
    const byFeature = groupCosts(priced, 'feature', 'USD').groups;
    const parts = report.groups.flatMap((g) => g.breakdown!);
    for (const f of byFeature) expect(sumExact(parts.filter((p) => p.key === f.key).map((p) => p.exactAmount))).toBe(f.exactAmount);
    const csv = costGroupsCsv('day', 'USD', report.groups, 'feature').trim().split('\r\n');
    expect(csv[0]!.split(',').slice(0, 3)).toEqual(['day', 'feature', 'dimension']);
    expect(csv.length - 1).toBe(parts.reduce((n, p) => n + p.prices.length, 0));
    expect(groupCosts(priced, 'day', 'USD').groups[0]!.breakdown).toBeUndefined();
  });
});
