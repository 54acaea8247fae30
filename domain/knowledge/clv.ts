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
import type { Money } from '../shared/money.js';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(value: string): Scaled {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not an exact decimal`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Integer division rounding half away from zero. */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) return divideRounded(-numerator, -denominator);
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (denominator * 2n);
  return negative ? -q : q;
}

/** The decimals a figure derived from `value` is shown with: the value's own, and at least 2. */
export function displayScale(value: string): number {
  return Math.max(2, scaled(value).scale);
}

/**
 * `value × multiplier ÷ divisor`, exact until the one final rounding (half away from zero) to `scale`
 * decimals. multiplier and divisor are decimal strings too ("2.5" years, "400" days).
 */
export function scaleDecimal(value: string, multiplier: string, divisor: string, scale = displayScale(value)): string {
  const v = scaled(value);
  const m = scaled(multiplier);
  const d = scaled(divisor);
  if (d.units === 0n) throw new Error('division by zero');
  // value × multiplier ÷ divisor = (v.units × m.units × 10^d.scale) ÷ (d.units × 10^(v.scale + m.scale)), shown × 10^scale
  const numerator = v.units * m.units * 10n ** BigInt(d.scale + scale);
  const denominator = d.units * 10n ** BigInt(v.scale + m.scale);
  return format(divideRounded(numerator, denominator), scale);
}

/** a ÷ b as a float, for ratios (shares), never for money. */
export function ratio(a: string, b: string): number {
  return Number(a) / Number(b);
}

/** A setting such as 3 or 2.5 as a decimal string (numbers from JSON with at most a few decimals). */
export function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error('not a finite number');
  const text = String(value);
  if (DECIMAL.test(text)) return text;
  return value.toFixed(6).replace(/\.?0+$/, '');
}

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

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
