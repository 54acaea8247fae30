/**
 * Customer lifetime value, historic and predictive, in exact decimals (domain/shared/money.ts adds and compares;
 * the scaling below multiplies and divides, which money.ts does not do).
 *
 * - historic = net spend: Σ (total − refunded) over the customer's counted orders (see orderSummary in
 *   domain/knowledge/knowledge.ts: cancelled, failed, pending and fully refunded orders do not count);
 * - predictive = average order value × purchases per year × expected lifetime (years, a tenant setting):
 *     averageOrderValue = netSpend / orders
 *     purchasesPerYear  = orders × 365 / observedDays, observedDays = max(365, days since the first order)
 *   so predictive = netSpend × 365 × expectedLifetimeYears / observedDays (computed exactly, rounded half
 *   away from zero to the currency's decimals, at least 2). A customer watched for less than a year is
 *   treated as if their orders so far were one year's purchases.
 */
import { decimalFromNumber, displayScale, format, round, scaleDecimal } from '../shared/decimal.js';
import type { Money } from '../shared/money.js';

export { decimalFromNumber, displayScale, ratio, round, scaleDecimal } from '../shared/decimal.js';

export const DAYS_PER_YEAR = 365;
export const DEFAULT_EXPECTED_LIFETIME_YEARS = 3;

export interface ClvInputs {
  orders: number;
  netSpend: Money;
  firstOrderAt: string;
  /** Whole days from the first order to now. */
  daysSinceFirstOrder: number;
  expectedLifetimeYears: number;
}

export interface ClvFigures {
  historic: Money;
  predictive: Money;
  averageOrderValue: Money;
  purchasesPerYear: number;
  observedDays: number;
}

export function computeClv(inputs: ClvInputs): ClvFigures {
  const { netSpend, orders } = inputs;
  const scale = displayScale(netSpend.amount);
  const observedDays = Math.max(DAYS_PER_YEAR, inputs.daysSinceFirstOrder);
  const predictive = scaleDecimal(
    netSpend.amount,
    scaleDecimal(decimalFromNumber(inputs.expectedLifetimeYears), String(DAYS_PER_YEAR), '1', 6),
    String(observedDays),
    scale,
  );
  return {
    historic: { amount: scaleDecimal(netSpend.amount, '1', '1', scale), currency: netSpend.currency },
    predictive: { amount: predictive, currency: netSpend.currency },
    averageOrderValue: { amount: orders > 0 ? scaleDecimal(netSpend.amount, '1', String(orders), scale) : format(0n, scale), currency: netSpend.currency },
    purchasesPerYear: round((orders * DAYS_PER_YEAR) / observedDays, 4),
    observedDays,
  };
}

export const CLV_FORMULA = {
  historic: 'Σ (total − refunded) over counted orders (not cancelled, failed, pending or fully refunded)',
  predictive:
    'averageOrderValue × purchasesPerYear × expectedLifetimeYears; averageOrderValue = netSpend ÷ orders; purchasesPerYear = orders × 365 ÷ max(365, daysSinceFirstOrder); computed exactly as netSpend × 365 × expectedLifetimeYears ÷ max(365, daysSinceFirstOrder), rounded half away from zero',
} as const;
