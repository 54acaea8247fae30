/**
 * Exact decimal arithmetic for costs, on top of the money module's decimal strings: products, and division by
 * the quantities prices are quoted for (1,000, 1M, 1,024,000 MB-ms, 2^30 bytes). Those are all 2^a·5^b, so
 * the quotient is a finite decimal and nothing is ever rounded until `roundDecimal` at presentation.
 */
import { InvalidInput } from '../shared/errors.js';
import { addDecimal, compareDecimal } from '../shared/money.js';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(value: string): Scaled {
  const match = DECIMAL.exec(value);
  if (!match) throw new InvalidInput(`"${value}" is not an exact decimal`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  let s = scale;
  // drop trailing zeros of the fraction (the value is unchanged, the string shorter)
  while (s > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    s--;
  }
  const text = s === 0 ? digits : `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** A count as the meter stored it (a JS number: integers, halves of read units, shares of a batch) as a decimal. */
export function decimalOfCount(n: number): string {
  if (!Number.isFinite(n)) throw new InvalidInput(`count ${n} is not finite`);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  // tiny or huge numbers print with an exponent; toFixed(20) is the same binary value, written out
  return format(scaled(n.toFixed(20)).units, 20);
}

export function multiplyDecimal(a: string, b: string): string {
  const [x, y] = [scaled(a), scaled(b)];
  return format(x.units * y.units, x.scale + y.scale);
}

/** a / divisor, exactly; the divisor must be a positive integer of the form 2^i·5^j. */
export function divideExact(a: string, divisor: string): string {
  let d = BigInt(divisor);
  if (d <= 0n) throw new InvalidInput(`divisor ${divisor} must be positive`);
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) throw new InvalidInput(`divisor ${divisor} does not give a finite decimal`);
  const k = Math.max(twos, fives);
  const factor = 10n ** BigInt(k) / BigInt(divisor);
  const x = scaled(a);
  return format(x.units * factor, x.scale + k);
}

/** a / b to `decimals` places, half away from zero (unit costs: a cost over a count of anything). */
export function divideRounded(a: string, b: string, decimals: number): string {
  const [x, y] = [scaled(a), scaled(b)];
  if (y.units === 0n) throw new InvalidInput('division by zero');
  // a/b = (xu/10^xs) / (yu/10^ys) = xu·10^ys / (yu·10^xs)
  let num = x.units * 10n ** BigInt(y.scale + decimals);
  let den = y.units * 10n ** BigInt(x.scale);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  if ((abs % den) * 2n >= den) q += 1n;
  return fixed(negative ? -q : q, decimals);
}

function fixed(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Presentation only: `decimals` places, half away from zero ("0.125" → "0.13"). */
export function roundDecimal(a: string, decimals: number): string {
  const x = scaled(a);
  if (x.scale <= decimals) return fixed(x.units * 10n ** BigInt(decimals - x.scale), decimals);
  const drop = 10n ** BigInt(x.scale - decimals);
  const negative = x.units < 0n;
  const abs = negative ? -x.units : x.units;
  let q = abs / drop;
  if ((abs % drop) * 2n >= drop) q += 1n;
  return fixed(negative ? -q : q, decimals);
}

export function sumExact(values: Iterable<string>): string {
  let total = '0';
  for (const v of values) total = addDecimal(total, v);
  return format(scaled(total).units, scaled(total).scale);
}

export { addDecimal, compareDecimal };
