/**
 * Exact decimal arithmetic beyond adding and comparing (domain/shared/money.ts): scaling a decimal string by a
 * ratio of decimals with one final rounding, the decimals a derived figure is shown with, and float ratios for
 * shares (never for money). Used by the knowledge figures (CLV) and the social shares.
 */
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

export function format(units: bigint, scale: number): string {
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


export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
