/**
 * The test behind "uplift" and "winner": a two-proportion z-test on conversion (pooled standard error for the
 * test, unpooled for the 95% confidence interval of the difference), two-sided.
 */
export interface Proportion {
  conversions: number;
  trials: number;
}

export interface TwoProportionTest {
  test: 'two-proportion z-test';
  /** p1 - p0. */
  absolute: number;
  confidenceInterval95: [number, number];
  zScore: number;
  pValue: number;
  significant: boolean;
}

export const ALPHA = 0.05;
const Z_95 = 1.959963984540054;

/** The standard normal CDF. */
export function normalCdf(z: number): number {
  // Zelen & Severo (A&S 26.2.17), absolute error < 7.5e-8
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return z >= 0 ? 1 - tail : tail;
}

/** Treatment (1) against control (0); undefined when either side has no trials. */
export function twoProportionZTest(treatment: Proportion, control: Proportion): TwoProportionTest | undefined {
  const [n1, n0] = [treatment.trials, control.trials];
  if (n1 === 0 || n0 === 0) return undefined;
  const p1 = treatment.conversions / n1;
  const p0 = control.conversions / n0;
  const pooled = (treatment.conversions + control.conversions) / (n1 + n0);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const zScore = sePooled === 0 ? 0 : (p1 - p0) / sePooled;
  const pValue = sePooled === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(zScore)));
  const seDiff = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const absolute = p1 - p0;
  return {
    test: 'two-proportion z-test',
    absolute,
    confidenceInterval95: [absolute - Z_95 * seDiff, absolute + Z_95 * seDiff],
    zScore,
    pValue,
    significant: pValue < ALPHA,
  };
}
