/**
 * Exact numbers: money as decimal strings with a currency, added and compared as BigInt scaled integers
 * (never floats), and a JSON parse that keeps every number whose text a float would change (ids beyond
 * 2^53, "12.10") as the exact string the sender wrote.
 */
import { InvalidInput } from './errors.js';

export interface Money {
  /** An exact decimal string, e.g. "19.90" or "-5.00". */
  amount: string;
  /** ISO 4217 code, upper case. */
  currency: string;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

function scaled(value: string): Scaled {
  const match = DECIMAL.exec(value);
  if (!match) throw new InvalidInput(`"${value}" is not an exact decimal`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** a + b, with as many decimals as the more precise of the two ("0.10" + "0.20" = "0.30"). */
export function addDecimal(a: string, b: string): string {
  const [x, y] = [scaled(a), scaled(b)];
  const scale = Math.max(x.scale, y.scale);
  return format(rescale(x, scale) + rescale(y, scale), scale);
}

export function subtractDecimal(a: string, b: string): string {
  return addDecimal(a, negateDecimal(b));
}

export function negateDecimal(a: string): string {
  const x = scaled(a);
  return format(-x.units, x.scale);
}

export function absDecimal(a: string): string {
  return compareDecimal(a, '0') < 0 ? negateDecimal(a) : a;
}

/** -1, 0 or 1; "1.5" and "1.50" are equal. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = [scaled(a), scaled(b)];
  const scale = Math.max(x.scale, y.scale);
  const [p, q] = [rescale(x, scale), rescale(y, scale)];
  return p === q ? 0 : p < q ? -1 : 1;
}

export function sumDecimals(values: readonly string[], zero = '0'): string {
  return values.reduce(addDecimal, zero);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new InvalidInput(`Cannot combine ${a.currency} with ${b.currency}`);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: addDecimal(a.amount, b.amount), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: subtractDecimal(a.amount, b.amount), currency: a.currency };
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return compareDecimal(a.amount, b.amount);
}

/** Zero in the currency and with the decimals of `like` ("0.00" next to "19.90"). */
export function zeroLike(like: Money): Money {
  const { scale } = scaled(like.amount);
  return { amount: format(0n, scale), currency: like.currency };
}

export function isPositive(money: Money): boolean {
  return compareDecimal(money.amount, '0') > 0;
}

/**
 * JSON.parse that keeps numbers exact: a number whose source text a float would not give back (an id
 * beyond 2^53 such as 820982911946154508, "12.10", "1e-7") becomes that text, as a string; every other
 * number stays a number. Uses the reviver's `context.source` (Node 22+). Invalid JSON is an InvalidInput.
 */
export function parseJsonExact(bytes: Buffer | string): unknown {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  try {
    return JSON.parse(text, function keepExact(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
      if (typeof value !== 'number' || context?.source === undefined) return value;
      // An integer beyond 2^53 keeps its source digits whatever its value, even when the rounded number happens
      // to print back the same text (820982911946154500): a number there would already be a different id.
      if (/^-?\d+$/.test(context.source) && !Number.isSafeInteger(value)) return context.source;
      return String(value) === context.source ? value : context.source;
    } as (this: unknown, key: string, value: unknown) => unknown);
  } catch {
    throw new InvalidInput('The body is not valid JSON');
  }
}
