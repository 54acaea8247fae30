/**
 * RFM quintiles, scores and classes, checked against figures computed by hand for a ten-buyer tenant.
 */
import { describe, expect, it } from 'vitest';
import { computeThresholds, quintileCuts, rfmClass, rfmScores, type RfmMeasures } from '../../../domain/knowledge/rfm.js';

const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const ago = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

/** The fixture tenant of test/support/knowledge.ts: days since last order, counted orders, net spend. */
const FIXTURE: Record<string, RfmMeasures> = {
  C1: { lastOrderAt: ago(10), orders: 5, netSpend: '480.00' },
  C2: { lastOrderAt: ago(5), orders: 4, netSpend: '200.00' },
  C3: { lastOrderAt: ago(15), orders: 3, netSpend: '240.00' },
  C4: { lastOrderAt: ago(30), orders: 2, netSpend: '400.00' },
  C5: { lastOrderAt: ago(2), orders: 1, netSpend: '60.00' },
  C6: { lastOrderAt: ago(45), orders: 1, netSpend: '20.00' },
  C7: { lastOrderAt: ago(200), orders: 2, netSpend: '70.00' },
  C8: { lastOrderAt: ago(400), orders: 1, netSpend: '300.00' },
  C9: { lastOrderAt: ago(250), orders: 3, netSpend: '30.00' },
  C10: { lastOrderAt: ago(120), orders: 2, netSpend: '90.00' },
};

describe('quintile cuts (nearest rank: v[ceil(k·n/5) − 1])', () => {
  it('takes positions 1, 3, 5, 7 of ten values', () => {
    expect(quintileCuts([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([20, 40, 60, 80]);
  });

  it('takes positions 1, 2, 4, 5 of seven values (ceil 1.4, 2.8, 4.2, 5.6)', () => {
    expect(quintileCuts(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual(['b', 'c', 'e', 'f']);
  });

  it('repeats the only value of one buyer, and has no cuts without buyers', () => {
    expect(quintileCuts([7])).toEqual([7, 7, 7, 7]);
    expect(quintileCuts([])).toEqual([]);
  });
});

describe('the fixture tenant', () => {
  const thresholds = computeThresholds(Object.values(FIXTURE), 'EUR', new Date(NOW).toISOString())!;

  it('cuts recency by last-order date, frequency by orders and monetary by exact net spend', () => {
    // recency, oldest first: 400 250 200 120 45 30 15 10 5 2 days ago → cuts at 250, 120, 30, 10 days
    expect(thresholds.recency).toEqual([ago(250), ago(120), ago(30), ago(10)]);
    // orders sorted: 1 1 1 2 2 2 3 3 4 5 → cuts 1, 2, 2, 3
    expect(thresholds.frequency).toEqual([1, 2, 2, 3]);
    // spend sorted: 20 30 60 70 90 200 240 300 400 480 → cuts 30, 70, 200, 300
    expect(thresholds.monetary).toEqual(['30.00', '70.00', '200.00', '300.00']);
    expect(thresholds.buyers).toBe(10);
  });

  // score = 1 + cuts strictly exceeded (a later last order exceeds a recency cut)
  it.each([
    ['C1', 4, 5, 5, 'champions'], // 10 days: beats 250,120,30 not 10 → 4; 5 orders > 1,2,2,3 → 5; 480 > all → 5
    ['C2', 5, 5, 3, 'loyal'], // 200.00 is not above the 200.00 cut → M 3; R≥3 F≥4 but M<4 → loyal
    ['C3', 4, 4, 4, 'champions'],
    ['C4', 3, 2, 5, 'needs_attention'], // 30 days is not after the 30-day cut → R 3
    ['C5', 5, 1, 2, 'new'], // recent, exactly one order
    ['C6', 3, 1, 1, 'needs_attention'],
    ['C7', 2, 2, 2, 'hibernating'],
    ['C8', 1, 1, 4, 'hibernating'],
    ['C9', 1, 4, 1, 'at_risk'], // R≤2 with F≥3
    ['C10', 2, 2, 3, 'hibernating'],
  ] as const)('%s scores R%i F%i M%i, %s', (id, r, f, m, cls) => {
    expect(rfmScores(FIXTURE[id]!, thresholds)).toEqual({ recency: r, frequency: f, monetary: m, class: cls });
  });

  it('gives each fifth of distinct values one score: two buyers per recency score', () => {
    const recency = Object.values(FIXTURE).map((b) => rfmScores(b, thresholds).recency);
    expect([1, 2, 3, 4, 5].map((s) => recency.filter((r) => r === s).length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('compares spend as exact decimals ("200" equals "200.00", "200.001" is above)', () => {
    expect(rfmScores({ ...FIXTURE.C2!, netSpend: '200' }, thresholds).monetary).toBe(3);
    expect(rfmScores({ ...FIXTURE.C2!, netSpend: '200.001' }, thresholds).monetary).toBe(4);
  });
});

describe('classes (first match)', () => {
  it.each([
    [{ recency: 5, frequency: 4, monetary: 4 }, 3, 'champions'],
    [{ recency: 3, frequency: 5, monetary: 1 }, 9, 'loyal'],
    [{ recency: 4, frequency: 1, monetary: 5 }, 1, 'new'],
    [{ recency: 4, frequency: 1, monetary: 5 }, 2, 'potential_loyalist'],
    [{ recency: 5, frequency: 3, monetary: 3 }, 3, 'potential_loyalist'],
    [{ recency: 3, frequency: 3, monetary: 5 }, 3, 'needs_attention'],
    [{ recency: 2, frequency: 3, monetary: 1 }, 3, 'at_risk'],
    [{ recency: 1, frequency: 5, monetary: 5 }, 8, 'at_risk'],
    [{ recency: 2, frequency: 2, monetary: 5 }, 2, 'hibernating'],
  ] as const)('%o with %i orders is %s', (scores, orders, cls) => {
    expect(rfmClass(scores, orders)).toBe(cls);
  });
});
