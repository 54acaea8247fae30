/**
 * The price table: versions with effective dates, per region, each price with the meter dimension it
 * prices, the quantity it is quoted for, its unit in words and its public source. Data lives in
 * `finance/prices/*.json`; this module validates it and answers "what did one unit of X cost on day D in
 * region R". The free tier is never applied: it belongs to the AWS account, not to a tenant.
 */
import { z } from 'zod';
import { InvalidInput } from '../shared/errors.js';
import { isDecimal } from '../shared/money.js';
import { UNKNOWN_COUNTRY } from './channels.js';

const Decimal = z.string().refine(isDecimal, 'an exact decimal string');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const PriceEntry = z.object({
  /** The meter dimension it prices; `*` at the end matches any suffix (e.g. `whatsapp_service_*`). */
  dimension: z.string().min(1),
  service: z.string().min(1),
  price: Decimal,
  /** How many counted units the price is quoted for (a positive integer 2^i·5^j: 1, 1,000, 1M, 1,024,000, 2^30). */
  per: z.string().regex(/^[1-9]\d*$/),
  unit: z.string().min(1),
  source: z.string().url(),
});
export type PriceEntry = z.infer<typeof PriceEntry>;

export const PriceVersion = z.object({
  version: z.string().min(1),
  effectiveFrom: Day,
  extends: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  note: z.string().optional(),
  /** Service name (FOCUS ServiceName) → its CUR line_item_product_code. */
  services: z.record(z.string(), z.object({ cur: z.string() })).optional(),
  regions: z.record(z.string(), z.array(PriceEntry)),
});
export type PriceVersion = z.infer<typeof PriceVersion>;

export interface ResolvedPrice extends PriceEntry {
  version: string;
  effectiveFrom: string;
  currency: string;
}

export interface PriceTable {
  version: string;
  region: string;
  currency: string;
  services: Record<string, { cur: string }>;
  /** The price of a dimension, or undefined when the table has none (reported as unpriced). */
  priceOf(dimension: string): ResolvedPrice | undefined;
  entries(): ResolvedPrice[];
}

/** Meter figures that are not billed by themselves: billed ms (priced through MB-ms), business event counts (n_*). */
export function isPriced(dimension: string): boolean {
  return dimension !== 'billedMs' && !dimension.startsWith('n_');
}

export class PriceBook {
  private readonly byVersion: Map<string, PriceVersion>;
  private readonly ordered: PriceVersion[];

  constructor(versions: readonly unknown[]) {
    const parsed = versions.map((v) => PriceVersion.parse(v));
    this.byVersion = new Map(parsed.map((v) => [v.version, v]));
    this.ordered = [...parsed].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (const v of parsed) if (v.extends && !this.byVersion.has(v.extends)) throw new Error(`price version ${v.version} extends unknown ${v.extends}`);
  }

  regions(): string[] {
    return [...new Set(this.ordered.flatMap((v) => Object.keys(v.regions)))];
  }

  /** The table in force on `day` in `region`: the newest version effective on or before that day. */
  tableFor(day: string, region: string): PriceTable {
    const version = [...this.ordered].reverse().find((v) => v.effectiveFrom <= day);
    if (!version) throw new InvalidInput(`no price version is in force on ${day}`);
    if (!this.regions().includes(region)) throw new InvalidInput(`no prices for region ${region}`);
    const chain: PriceVersion[] = [];
    for (let v: PriceVersion | undefined = version; v; v = v.extends ? this.byVersion.get(v.extends) : undefined) chain.unshift(v);
    const prices = new Map<string, ResolvedPrice>();
    let services: Record<string, { cur: string }> = {};
    for (const v of chain) {
      services = { ...services, ...v.services };
      for (const entry of v.regions[region] ?? []) prices.set(entry.dimension, { ...entry, version: v.version, effectiveFrom: v.effectiveFrom, currency: v.currency });
    }
    const wildcards = [...prices.values()].filter((p) => p.dimension.endsWith('*'));
    return {
      version: version.version,
      region,
      currency: version.currency,
      services,
      entries: () => [...prices.values()],
      priceOf(dimension: string) {
        const exact = prices.get(dimension);
        if (exact) return exact;
        const wild = wildcards.find((p) => dimension.startsWith(p.dimension.slice(0, -1)));
        if (wild) return wild;
        // a message to a country the table does not list: the channel's dearest listed rate (ZZ)
        const family = /^(sms_|whatsapp_[a-z]+_)[A-Z]{2}$/.exec(dimension)?.[1];
        return family ? prices.get(`${family}${UNKNOWN_COUNTRY}`) : undefined;
      },
    };
  }
}
