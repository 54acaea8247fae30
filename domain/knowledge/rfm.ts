/**
 * RFM: recency, frequency and monetary scores 1–5 by quintiles within the tenant, and a named class.
 *
 * Thresholds (the tenant's distribution, recomputed on demand and daily; they are inputs, shown with every
 * score): over the tenant's buyers, sort each measure ascending and take the nearest-rank 20th, 40th, 60th
 * and 80th percentiles, cut_k = v[ceil(k·n/5) − 1] for k = 1..4.
 *
 * Scores: score = 1 + (number of cuts the customer's value is strictly above). Recency is measured by the
 * date of the last order (a later date is better), so the cuts stay valid as days pass; frequency by the
 * number of counted orders; monetary by net spend in the tenant's currency. With distinct values, each
 * fifth of the buyers gets one score; ties share the lower score.
 *
 * Class (first match): champions R≥4 F≥4 M≥4 · loyal R≥3 F≥4 · new R≥4 and exactly one order ·
 * potential_loyalist R≥4 · needs_attention R=3 · at_risk R≤2 F≥3 · hibernating (the rest: R≤2 F≤2).
 */
import { compareDecimal } from '../shared/money.js';

import { RFM_CLASSES, type RfmClass } from '../shared/vocabulary.js';

export { RFM_CLASSES, type RfmClass } from '../shared/vocabulary.js';

export interface RfmThresholds {
  /** Last-order dates (ISO): a last order after cut k earns a point. */
  recency: string[];
  /** Order counts. */
  frequency: number[];
  /** Net spend, exact decimals in `currency`. */
  monetary: string[];
  currency: string;
  /** How many buyers the cuts were taken from. */
  buyers: number;
  computedAt: string;
}

export interface RfmMeasures {
  lastOrderAt: string;
  orders: number;
  /** Net spend in the thresholds' currency. */
  netSpend: string;
}

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
  class: RfmClass;
}

/** The four nearest-rank quintile cuts of values already sorted ascending (empty when there are none). */
export function quintileCuts<T>(sortedAscending: readonly T[]): T[] {
  const n = sortedAscending.length;
  if (n === 0) return [];
  return [1, 2, 3, 4].map((k) => sortedAscending[Math.ceil((k * n) / 5) - 1] as T);
}

export function computeThresholds(buyers: readonly RfmMeasures[], currency: string, computedAt: string): RfmThresholds | undefined {
  if (buyers.length === 0) return undefined;
  const recency = buyers.map((b) => b.lastOrderAt).sort();
  const frequency = buyers.map((b) => b.orders).sort((a, b) => a - b);
  const monetary = buyers.map((b) => b.netSpend).sort(compareDecimal);
  return {
    recency: quintileCuts(recency),
    frequency: quintileCuts(frequency),
    monetary: quintileCuts(monetary),
    currency,
    buyers: buyers.length,
    computedAt,
  };
}

/** 1 + how many cuts the value is strictly above. */
export function scoreAbove<T>(value: T, cuts: readonly T[], compare: (a: T, b: T) => number): number {
  return 1 + cuts.filter((cut) => compare(value, cut) > 0).length;
}

export function rfmScores(measures: RfmMeasures, thresholds: RfmThresholds): RfmScores {
  const recency = scoreAbove(measures.lastOrderAt, thresholds.recency, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const frequency = scoreAbove(measures.orders, thresholds.frequency, (a, b) => a - b);
  const monetary = scoreAbove(measures.netSpend, thresholds.monetary, compareDecimal);
  return { recency, frequency, monetary, class: rfmClass({ recency, frequency, monetary }, measures.orders) };
}

export function rfmClass(s: { recency: number; frequency: number; monetary: number }, orders: number): RfmClass {
  const { recency: r, frequency: f, monetary: m } = s;
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (r >= 3 && f >= 4) return 'loyal';
  if (r >= 4 && orders === 1) return 'new';
  if (r >= 4) return 'potential_loyalist';
  if (r === 3) return 'needs_attention';
  if (f >= 3) return 'at_risk';
  return 'hibernating';
}

export const RFM_FORMULA =
  'score = 1 + number of tenant quintile cuts (nearest-rank 20/40/60/80th percentiles over buyers) the value is strictly above; recency by last-order date, frequency by counted orders, monetary by net spend. Class, first match: champions R≥4 F≥4 M≥4; loyal R≥3 F≥4; new R≥4 and one order; potential_loyalist R≥4; needs_attention R=3; at_risk R≤2 F≥3; hibernating otherwise';
