import { describe, expect, it } from 'vitest';
import { normalCdf, twoProportionZTest } from '../../../domain/campaigns/statistics.js';

describe('two-proportion z-test', () => {
  it('matches a hand computation: 120/1000 against 90/1000', () => {
    // p1 = 0.12, p0 = 0.09, pooled p = 210/2000 = 0.105
    // SE pooled = sqrt(0.105 × 0.895 × (2/1000)) = sqrt(0.00018795) = 0.0137095
    // z = 0.03 / 0.0137095 = 2.18827;  p = 2 × (1 − Φ(2.18827)) = 2 × 0.014326 = 0.028652
    // SE unpooled = sqrt(0.12×0.88/1000 + 0.09×0.91/1000) = sqrt(0.0001875) = 0.0136931
    // CI = 0.03 ± 1.959964 × 0.0136931 = [0.0031620, 0.0568380]
    const t = twoProportionZTest({ conversions: 120, trials: 1000 }, { conversions: 90, trials: 1000 })!;
    expect(t.test).toBe('two-proportion z-test');
    expect(t.absolute).toBeCloseTo(0.03, 10);
    expect(t.zScore).toBeCloseTo(2.18827, 4);
    expect(t.pValue).toBeCloseTo(0.028652, 4);
    expect(t.confidenceInterval95[0]).toBeCloseTo(0.003162, 5);
    expect(t.confidenceInterval95[1]).toBeCloseTo(0.056838, 5);
    expect(t.significant).toBe(true);
  });

  it('is not significant for a small difference: 52/500 against 48/500', () => {
    // pooled p = 0.1, SE = sqrt(0.1 × 0.9 × 0.004) = 0.0189737, z = 0.008 / 0.0189737 = 0.421637, p = 0.673290
    const t = twoProportionZTest({ conversions: 52, trials: 500 }, { conversions: 48, trials: 500 })!;
    expect(t.zScore).toBeCloseTo(0.421637, 4);
    expect(t.pValue).toBeCloseTo(0.67329, 3);
    expect(t.significant).toBe(false);
  });

  it('has no answer without trials on a side, and p = 1 when nobody converted', () => {
    expect(twoProportionZTest({ conversions: 0, trials: 10 }, { conversions: 0, trials: 0 })).toBeUndefined();
    expect(twoProportionZTest({ conversions: 0, trials: 10 }, { conversions: 0, trials: 10 })!.pValue).toBe(1);
  });

  it('uses a normal CDF good to 1e-6 at known points (A&S 26.2.17: error < 7.5e-8)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
  });
});
