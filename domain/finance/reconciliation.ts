/**
 * Reconciliation with the AWS bill. An AWS Data Exports file (CUR 2.0 or FOCUS 1.x, CSV) gives the billed
 * cost per service and day; the metered estimate gives each tenant's cost per service and day. Then, per
 * day and service:
 * 1. metered services: the billed cost is shared out to tenants in proportion to their metered units of
 *    that service, weighted by unit price (for one dimension, exactly the ratio of units; across a
 *    service's dimensions, requests and GB-seconds are made comparable by their price);
 * 2. shared unmetered costs (table storage, log storage, the event archive, any service nobody metered)
 *    are shared out in proportion to each tenant's metered cost of all services that day (the stated rule:
 *    who uses more of the system holds more of its data);
 * 3. drift = billed − estimated, per service, so the estimate can be judged; the free tier, credits and
 *    the metering's own writes show up here.
 * Days the bill covers are `reconciled`; the others stay `estimated`.
 * Shares are exact decimals; each service's shares sum to its billed cost exactly (the last tenant takes
 * the remainder of the rounding to 10 decimals).
 */
import { InvalidInput } from '../shared/errors.js';
import { isDecimal } from '../shared/money.js';
import type { CostLine } from './costs.js';
import { compareDecimal, divideRounded, multiplyDecimal, roundDecimal, sumExact } from './decimal.js';

export interface BillLine {
  day: string;
  service: string;
  /** Usage type as billed (to tell storage from requests). */
  usageType: string;
  cost: string;
  currency: string;
}

export type ExportFormat = 'CUR2' | 'FOCUS';

/** RFC 4180 CSV to records by header name. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.some((c) => c !== ''));
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
}

/** A decimal string from a bill's number ("1.2E-4" happens in exports). */
function exact(value: string, field: string): string {
  const v = value.trim();
  if (isDecimal(v)) return v;
  const m = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(v);
  if (!m) throw new InvalidInput(`${field}: "${value}" is not a number`);
  const [, sign, whole, fraction = '', exp] = m;
  const digits = `${whole}${fraction}`;
  let point = whole!.length + Number(exp);
  const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point, '0');
  if (point <= 0) point = 1;
  const text = `${padded.slice(0, point)}${padded.length > point ? `.${padded.slice(point)}` : ''}`;
  return `${sign}${text}`;
}

/**
 * The bill's lines, in either documented column set: CUR 2.0 (`line_item_usage_start_date`,
 * `line_item_product_code`, `line_item_usage_type`, `line_item_unblended_cost`, `line_item_currency_code`,
 * `line_item_line_item_type`) or FOCUS 1.x (`ChargePeriodStart`, `ServiceName`, `BilledCost`,
 * `BillingCurrency`, `ChargeCategory`, `x_UsageType`/`SkuPriceId`). Taxes are left out (not a service's
 * cost); credits and refunds stay in (they lower the bill).
 */
export function readExport(text: string, serviceByCurCode: Record<string, string>): { format: ExportFormat; lines: BillLine[] } {
  const records = parseCsv(text);
  const header = Object.keys(records[0] ?? {});
  if (header.includes('line_item_product_code')) {
    const lines = records
      .filter((r) => r.line_item_line_item_type !== 'Tax')
      .map((r) => ({
        day: r.line_item_usage_start_date!.slice(0, 10),
        service: serviceByCurCode[r.line_item_product_code!] ?? r.line_item_product_code!,
        usageType: r.line_item_usage_type ?? '',
        cost: exact(r.line_item_unblended_cost ?? '0', 'line_item_unblended_cost'),
        currency: r.line_item_currency_code || 'USD',
      }));
    return { format: 'CUR2', lines };
  }
  if (header.includes('ServiceName') && header.includes('BilledCost')) {
    const lines = records
      .filter((r) => r.ChargeCategory !== 'Tax')
      .map((r) => ({
        day: r.ChargePeriodStart!.slice(0, 10),
        service: r.ServiceName!,
        usageType: r.x_UsageType ?? r.ChargeDescription ?? '',
        cost: exact(r.BilledCost ?? '0', 'BilledCost'),
        currency: r.BillingCurrency || 'USD',
      }));
    return { format: 'FOCUS', lines };
  }
  throw new InvalidInput('the file is neither a CUR 2.0 nor a FOCUS 1.x export (no line_item_product_code or ServiceName/BilledCost column)');
}

/** Storage and archive usage no meter counts. */
export const UNMETERED_USAGE = /TimedStorage|Storage-ByteHrs|ArchivedEvents|Archive|Backup/i;

export interface ServiceReconciliation {
  day: string;
  service: string;
  billed: string;
  estimated: string;
  drift: string;
  /** drift / estimated × 100, 2 decimals; null when nothing was estimated. */
  driftPercent: string | null;
  rule: 'metered-units' | 'shared-by-total-cost';
  shares: Record<string, string>;
}

export interface Reconciliation {
  format: ExportFormat;
  from: string;
  to: string;
  currency: string;
  days: Record<string, 'reconciled'>;
  services: ServiceReconciliation[];
  /** tenant → { estimated, reconciled } over the period, exact. */
  tenants: Record<string, { estimated: string; reconciled: string; reconciledRounded: string }>;
}

/** Shares `amount` in proportion to `weights` (exact to 10 decimals; the last takes the remainder). */
function share(amount: string, weights: [string, string][]): Record<string, string> {
  const total = sumExact(weights.map(([, w]) => w));
  const out: Record<string, string> = {};
  if (weights.length === 0 || compareDecimal(total, '0') === 0) return out;
  let given = '0';
  weights.forEach(([tenant, w], i) => {
    const part = i === weights.length - 1 ? sumExact([amount, `-${given}`.replace('--', '')]) : divideRounded(multiplyDecimal(amount, w), total, 10);
    out[tenant] = part;
    given = sumExact([given, part]);
  });
  return out;
}

export function reconcile(bill: { format: ExportFormat; lines: BillLine[] }, estimate: readonly CostLine[]): Reconciliation {
  if (bill.lines.length === 0) throw new InvalidInput('the export has no cost lines');
  const currency = bill.lines[0]!.currency;
  const days = [...new Set(bill.lines.map((l) => l.day))].sort();
  const key = (day: string, service: string) => `${day}\u0000${service}`;
  const billed = new Map<string, { metered: string[]; unmetered: string[] }>();
  for (const l of bill.lines) {
    const k = key(l.day, l.service);
    const b = billed.get(k) ?? { metered: [], unmetered: [] };
    (UNMETERED_USAGE.test(l.usageType) ? b.unmetered : b.metered).push(l.cost);
    billed.set(k, b);
  }
  const estimated = new Map<string, Map<string, string[]>>(); // day|service → tenant → amounts
  const dayTotals = new Map<string, Map<string, string[]>>(); // day → tenant → amounts
  for (const l of estimate) {
    if (!days.includes(l.day)) continue;
    const perTenant = estimated.get(key(l.day, l.service)) ?? new Map<string, string[]>();
    perTenant.set(l.tenantId, [...(perTenant.get(l.tenantId) ?? []), l.amount]);
    estimated.set(key(l.day, l.service), perTenant);
    const t = dayTotals.get(l.day) ?? new Map<string, string[]>();
    t.set(l.tenantId, [...(t.get(l.tenantId) ?? []), l.amount]);
    dayTotals.set(l.day, t);
  }
  const services: ServiceReconciliation[] = [];
  const allKeys = new Set([...billed.keys(), ...estimated.keys()]);
  for (const k of [...allKeys].sort()) {
    const [day, service] = k.split('\u0000') as [string, string];
    const b = billed.get(k) ?? { metered: [], unmetered: [] };
    const perTenant = [...(estimated.get(k) ?? new Map<string, string[]>())].map(([t, a]) => [t, sumExact(a)] as [string, string]).sort(([a], [b2]) => a.localeCompare(b2));
    const est = sumExact(perTenant.map(([, a]) => a));
    const meteredBill = sumExact(b.metered);
    const unmeteredBill = sumExact(b.unmetered);
    const byTotal = [...(dayTotals.get(day) ?? new Map<string, string[]>())].map(([t, a]) => [t, sumExact(a)] as [string, string]).sort(([a], [b2]) => a.localeCompare(b2));
    const nobodyMetered = compareDecimal(est, '0') === 0;
    // what metering saw is shared by its units; what nobody metered, by the tenants' whole cost that day
    const meteredShares = nobodyMetered ? share(meteredBill, byTotal) : share(meteredBill, perTenant);
    const unmeteredShares = share(unmeteredBill, byTotal);
    const shares: Record<string, string> = {};
    for (const [t, v] of [...Object.entries(meteredShares), ...Object.entries(unmeteredShares)]) shares[t] = sumExact([shares[t] ?? '0', v]);
    const total = sumExact([meteredBill, unmeteredBill]);
    const drift = sumExact([total, `-${est}`.replace('--', '')]);
    services.push({
      day,
      service,
      billed: total,
      estimated: est,
      drift,
      driftPercent: nobodyMetered ? null : divideRounded(multiplyDecimal(drift, '100'), est, 2),
      rule: nobodyMetered || compareDecimal(unmeteredBill, '0') !== 0 ? 'shared-by-total-cost' : 'metered-units',
      shares,
    });
  }
  const tenants: Reconciliation['tenants'] = {};
  for (const [, perTenant] of dayTotals) for (const [t, a] of perTenant) tenants[t] = { estimated: sumExact([tenants[t]?.estimated ?? '0', ...a]), reconciled: tenants[t]?.reconciled ?? '0', reconciledRounded: '0' };
  for (const s of services) for (const [t, v] of Object.entries(s.shares)) tenants[t] = { estimated: tenants[t]?.estimated ?? '0', reconciled: sumExact([tenants[t]?.reconciled ?? '0', v]), reconciledRounded: '0' };
  for (const t of Object.values(tenants)) t.reconciledRounded = roundDecimal(t.reconciled, 2);
  return { format: bill.format, from: days[0]!, to: days.at(-1)!, currency, days: Object.fromEntries(days.map((d) => [d, 'reconciled' as const])), services, tenants };
}

/**
 * A tenant's cost report, told which of its days the bill has reconciled: each day `estimated` or
 * `reconciled`, and for the reconciled days the tenant's share of the bill beside the estimate.
 */
export function reconciliationStatus(
  tenantId: string | undefined,
  days: string[],
  billDays: { day: string; services: ServiceReconciliation[] }[],
): { days: Record<string, 'estimated' | 'reconciled'>; reconciled: { days: number; exactAmount: string; amount: string; drift: { service: string; drift: string; driftPercent: string | null }[] } | null } {
  const billed = new Map(billDays.map((b) => [b.day, b]));
  const status = Object.fromEntries(days.map((d) => [d, billed.has(d) ? ('reconciled' as const) : ('estimated' as const)]));
  const inRange = days.flatMap((d) => billed.get(d)?.services ?? []);
  if (inRange.length === 0) return { days: status, reconciled: null };
  const share = sumExact(inRange.map((s) => (tenantId ? (s.shares[tenantId] ?? '0') : s.billed)));
  const byService = new Map<string, { drift: string[]; estimated: string[] }>();
  for (const s of inRange) {
    const e = byService.get(s.service) ?? { drift: [], estimated: [] };
    e.drift.push(s.drift);
    e.estimated.push(s.estimated);
    byService.set(s.service, e);
  }
  const drift = [...byService].map(([service, e]) => {
    const d = sumExact(e.drift);
    const est = sumExact(e.estimated);
    return { service, drift: d, driftPercent: compareDecimal(est, '0') === 0 ? null : divideRounded(multiplyDecimal(d, '100'), est, 2) };
  });
  return { days: status, reconciled: { days: billed.size === 0 ? 0 : days.filter((d) => billed.has(d)).length, exactAmount: share, amount: roundDecimal(share, 2), drift } };
}
