/** Numbers, money and dates in the reader's locale (the browser's). */
const locale = navigator.language || 'en';

export const formatNumber = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);

export const formatPercent = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n);

/** Exact decimal strings stay exact up to the formatter's precision; the currency code picks the symbol. */
export function formatMoney(money: { amount: string; currency: string } | null | undefined): string {
  if (!money) return '—';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(Number(money.amount));
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export const formatDateTime = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';

export const formatDate = (iso: string | null | undefined) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : '—');

/** A sentiment score (−1…1 as the API gives it) as a word a reader scans. */
export function sentimentLabel(score: number | undefined): 'positive' | 'neutral' | 'negative' | undefined {
  if (score === undefined) return undefined;
  return score > 0.05 ? 'positive' : score < -0.05 ? 'negative' : 'neutral';
}

/**
 * A cost from its exact decimal: to the cent, except below a cent, where three significant digits show what a
 * small tenant's day of work really cost (rounded only here, at presentation).
 */
export function formatCost(exact: string, currency: string): string {
  const n = Number(exact);
  if (n === 0 || Math.abs(n) >= 0.01) return formatMoney({ amount: exact, currency });
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumSignificantDigits: 3 }).format(n);
  } catch {
    return `${exact} ${currency}`;
  }
}
