/**
 * Recommendations from co-occurrence within the tenant: "customers who bought X also bought Y".
 *
 * Counts: for every pair of products (X, Y), how many customers bought both. The first time a customer buys
 * a product N, every product P they bought before (the latest MAX_PREVIOUS) and every other new product of
 * the same order make pairs (N, P) and (P, N): each customer adds 1 to a pair once. Each product also counts
 * its buyers, and remembers its last unit price.
 *
 * Answer for a customer: for each product they own (the latest MAX_BASIS), the top TOP_PER_PRODUCT
 * products its buyers also bought; a candidate's score is the sum over the owned products of the customers
 * who bought both; products the customer already has are left out. Each answer carries its explanation
 * (per owned product: customers who bought both, the owned product's buyers, and their ratio, confidence).
 * Kind: up-sell when the candidate's last price is above what the customer paid for the owned product that
 * contributes most (same currency), cross-sell otherwise.
 */
import { NotFound } from '../shared/errors.js';
import type { KnowledgeStore, ProductFact, StoredKnowledge } from './knowledge.js';
import { compareDecimal, type Money } from '../shared/money.js';
import type { Customer } from '../shared/model.js';

export const MAX_PREVIOUS = 50;
export const MAX_BASIS = 20;
export const TOP_PER_PRODUCT = 20;

export interface Affinity {
  productId: string;
  otherId: string;
  /** Customers who bought both. */
  customers: number;
}

export interface ProductStats {
  productId: string;
  buyers: number;
  lastPrice?: Money;
}

export interface AffinityStore {
  /** Products the buyers of `productId` also bought, most customers first. */
  topAffinities(tenantId: string, productId: string, limit: number): Promise<Affinity[]>;
  products(tenantId: string, productIds: string[]): Promise<Map<string, ProductStats>>;
  /** +1 customer on the pair (product → other); a second call with the same token changes nothing. */
  addPair(tenantId: string, productId: string, otherId: string, token: string): Promise<void>;
  /** +1 buyer of the product and its latest price; a second call with the same token changes nothing. */
  addBuyer(tenantId: string, productId: string, price: Money | undefined, at: string, token: string): Promise<void>;
}

/** Directed pairs a customer's first purchase of `newProducts` adds, given what they had before. */
export function affinityPairs(newProducts: readonly string[], previousProducts: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  const fresh = [...new Set(newProducts)];
  const before = [...new Set(previousProducts)].filter((p) => !fresh.includes(p));
  for (const n of fresh) {
    for (const p of before) pairs.push([n, p], [p, n]);
    for (const m of fresh) if (m !== n) pairs.push([n, m]);
  }
  return pairs;
}

export interface Recommendation {
  productId: string;
  kind: 'cross-sell' | 'up-sell';
  /** Σ over the owned products of the customers who bought both. */
  score: number;
  price: Money | null;
  because: { productId: string; customers: number; buyers: number; confidence: number }[];
}

/** Pure ranking of candidates from the affinities of the owned products. */
export function rankRecommendations(
  owned: Record<string, ProductFact>,
  affinities: readonly Affinity[],
  stats: ReadonlyMap<string, ProductStats>,
  limit: number,
): Recommendation[] {
  const candidates = new Map<string, Affinity[]>();
  for (const a of affinities) {
    if (owned[a.otherId] || !owned[a.productId] || a.customers <= 0) continue;
    candidates.set(a.otherId, [...(candidates.get(a.otherId) ?? []), a]);
  }
  const ranked = [...candidates.entries()].map(([productId, reasons]) => {
    const because = reasons
      .map((r) => {
        const buyers = Math.max(stats.get(r.productId)?.buyers ?? r.customers, r.customers);
        return { productId: r.productId, customers: r.customers, buyers, confidence: Math.round((r.customers / buyers) * 10_000) / 10_000 };
      })
      .sort((x, y) => y.customers - x.customers || x.productId.localeCompare(y.productId));
    const price = stats.get(productId)?.lastPrice ?? null;
    const paid = owned[because[0]!.productId]?.price;
    const upSell = price !== null && paid !== undefined && paid.currency === price.currency && compareDecimal(price.amount, paid.amount) > 0;
    return { productId, kind: upSell ? ('up-sell' as const) : ('cross-sell' as const), score: because.reduce((n, b) => n + b.customers, 0), price, because };
  });
  return ranked.sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId)).slice(0, limit);
}

export interface RecommendationPorts {
  knowledge: Pick<KnowledgeStore, 'get'>;
  affinity: AffinityStore;
  customers: { get(tenantId: string, customerId: string): Promise<Customer | undefined> };
}

/**
 * 1. the customer (404 when missing or another tenant's) and the products they own;
 * 2. for the latest MAX_BASIS owned products, their top co-bought products (one Query each);
 * 3. rank the candidates not owned, with their explanation.
 */
export async function recommendProducts(
  ports: RecommendationPorts,
  tenantId: string,
  customerId: string,
  limit: number,
): Promise<{ items: Recommendation[]; basedOn: string[] }> {
  const customer = await ports.customers.get(tenantId, customerId);
  if (!customer || customer.mergedInto) throw new NotFound('Customer not found');
  const owned = (await ports.knowledge.get(tenantId, customerId))?.record.inputs.products ?? {};
  const basedOn = Object.entries(owned)
    .sort((a, b) => (b[1].lastAt > a[1].lastAt ? 1 : b[1].lastAt < a[1].lastAt ? -1 : a[0].localeCompare(b[0])))
    .slice(0, MAX_BASIS)
    .map(([id]) => id);
  const affinities = (await Promise.all(basedOn.map((p) => ports.affinity.topAffinities(tenantId, p, TOP_PER_PRODUCT + basedOn.length)))).flat();
  const candidateIds = [...new Set(affinities.map((a) => a.otherId).filter((id) => !owned[id]))];
  const stats = await ports.affinity.products(tenantId, [...new Set([...basedOn, ...candidateIds])]);
  return { items: rankRecommendations(owned, affinities, stats, limit), basedOn };
}

export interface AffinityPorts {
  knowledge: Pick<KnowledgeStore, 'get' | 'clearPendingAffinity'>;
  affinity: AffinityStore;
}

/**
 * Adds the co-occurrence counts an order noted (knowledge record's pendingAffinity, written with the order
 * in one transaction), then clears the note. Run after every OrderPlaced, also for a redelivered one, so
 * a crash between the two finishes on the retry; the per-pair token keeps the retry from counting twice.
 */
export async function settleAffinity(ports: AffinityPorts, tenantId: string, customerId: string, known?: StoredKnowledge): Promise<number> {
  let stored = known ?? (await ports.knowledge.get(tenantId, customerId));
  let pairs = 0;
  for (const entry of stored?.record.pendingAffinity ?? []) {
    const owned = stored!.record.inputs.products;
    const token = `${entry.eventId}#${customerId}`;
    const work: (() => Promise<void>)[] = [
      ...entry.newProducts.map((p) => () => ports.affinity.addBuyer(tenantId, p, owned[p]?.price, owned[p]?.lastAt ?? stored!.record.updatedAt, token)),
      ...affinityPairs(entry.newProducts, entry.previousProducts).map(([a, b]) => () => ports.affinity.addPair(tenantId, a, b, token)),
    ];
    pairs += work.length - entry.newProducts.length;
    for (let i = 0; i < work.length; i += 10) await Promise.all(work.slice(i, i + 10).map((w) => w()));
    stored = await ports.knowledge.clearPendingAffinity(tenantId, customerId, entry.eventId, stored);
  }
  return pairs;
}
