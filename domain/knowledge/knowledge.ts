/**
 * Customer knowledge: what marketing needs to know about each customer, kept current by events.
 *
 * Each customer has one knowledge record holding the raw, explainable INPUTS (orders with their totals and
 * refunds as exact decimals, products bought, interaction counts by kind and channel, recency-weighted
 * sentiment and passion, brand and competitor mentions, consent, tier, reach) and the segments the customer
 * is in. Every FIGURE (RFM, CLV, lifecycle stage and churn risk, the four shares) is computed from those
 * inputs, the tenant's settings and the tenant's last-recomputed distribution, whenever it is needed; the
 * API answers each as `{ value, inputs, formula }`.
 *
 * Consent gate: without the person's social_profiling consent their interactions are still counted into
 * the inputs (they are the retained history, on the timeline anyway), but no figure, segment or audience
 * uses them: the social figures answer null with a note, and the stage cannot be advocate. Granting the
 * consent makes the whole retained history count at once; withdrawing it stops that at once (ConsentChanged
 * recomputes the customer and their segment membership). Orders count regardless (the store's legal basis).
 */
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';
import type { z } from 'zod';
import { buildEvent, KnowledgeRefreshRequested, Stage as StageEnum, type Channel, type OrderStatus, type Stage } from '../../events/catalog.js';
import { socialProfilingAllowed } from '../consent/index.js';
import { computeClv, CLV_FORMULA, DEFAULT_EXPECTED_LIFETIME_YEARS } from './clv.js';
import { churnRisk, lifecycleStage, LIFECYCLE_RULES, type ChurnRisk } from './lifecycle.js';
import { addDecimal, compareDecimal, subtractDecimal, type Money } from '../shared/money.js';
import type { ConsentPurpose, ConsentState, ConsentSummary, Customer } from '../shared/model.js';
import type { Clock, CustomerRepository, EventPublisher } from '../shared/ports.js';
import { computeThresholds, RFM_FORMULA, rfmScores, type RfmMeasures, type RfmScores, type RfmThresholds } from './rfm.js';
import { evaluateRule, segmentSubject, type SegmentDefinition } from '../segments/index.js';
import {
  addToHeart,
  heartAt,
  isPassionSignal,
  keywordsIn,
  mergeHeart,
  reachWeight,
  shareOfHeart,
  shareOfMind,
  shareOfVoice,
  shareOfWallet,
  VOICE_KINDS,
  type Figure,
  type HeartState,
} from '../social/index.js';

export type { Figure } from '../social/index.js';

const DAY_MS = 86_400_000;
/** Orders kept one by one; older ones are folded into `earlierOrders` (sums only). */
export const MAX_ORDERS = 1000;
/** Products remembered per customer (most recently bought). */
export const MAX_PRODUCTS = 500;
/** Order statuses that do not count as a purchase. */
const NOT_PURCHASES: readonly OrderStatus[] = ['pending', 'cancelled', 'failed'];

// ---------------------------------------------------------------------------------------------------------
// Inputs

export interface OrderFact {
  store: string;
  at: string;
  total: string;
  refunded: string;
  currency: string;
  status?: OrderStatus;
  /** A refund or status change seen before the order itself: it counts once OrderPlaced arrives. */
  placeholder?: boolean;
}

export interface EarlierOrders {
  count: number;
  /** Net spend per currency. */
  net: Record<string, string>;
  firstAt: string;
  lastAt: string;
}

export interface ProductFact {
  firstAt: string;
  lastAt: string;
  /** The unit price last paid. */
  price?: Money;
}

export interface SocialInputs {
  interactions: number;
  byKind: Record<string, number>;
  byChannel: Record<string, number>;
  firstAt?: string;
  lastAt?: string;
  /** Plain sum and count of sentiment scores (texts only). */
  sentiment: { sum: number; count: number };
  heart?: HeartState;
  brandMentions: number;
  competitorMentions: number;
  byCompetitor: Record<string, number>;
  /** Reviews, shares, content and referrals that were not negative. */
  advocacySignals: number;
}

export interface KnowledgeInputs {
  /** By `${store}:${orderId}`. */
  orders: Record<string, OrderFact>;
  earlierOrders?: EarlierOrders;
  products: Record<string, ProductFact>;
  social: SocialInputs;
  /** The effective consent: the later of the ConsentChanged events seen and the profile's summary. */
  consent: ConsentSummary;
  tier?: string;
  /** Followers across the person's identities, as the profile last showed them. */
  reach: { followers: number; at?: string };
}

/** Co-occurrence counts still to add for an order that brought new products (see domain/knowledge/recommendations.ts). */
export interface PendingAffinity {
  eventId: string;
  newProducts: string[];
  previousProducts: string[];
}

export interface KnowledgeRecord {
  tenantId: string;
  customerId: string;
  inputs: KnowledgeInputs;
  /** Ids of the segments the customer is in: the membership items mirror this list exactly. */
  segments: string[];
  pendingAffinity?: PendingAffinity[];
  updatedAt: string;
}

export interface StoredKnowledge {
  record: KnowledgeRecord;
  rev: number;
}

export function emptyInputs(): KnowledgeInputs {
  return {
    orders: {},
    products: {},
    social: {
      interactions: 0,
      byKind: {},
      byChannel: {},
      sentiment: { sum: 0, count: 0 },
      brandMentions: 0,
      competitorMentions: 0,
      byCompetitor: {},
      advocacySignals: 0,
    },
    consent: {},
    reach: { followers: 0 },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Tenant settings and distribution

export interface KnowledgeSettings {
  /** Currency of the monetary figures; default: the one most of the tenant's orders use. */
  currency?: string;
  brandKeywords: string[];
  competitorKeywords: string[];
  /** What a customer spends a year in the brand's category, everywhere (for Share of Wallet). */
  categorySpendEstimate?: Money;
  expectedLifetimeYears: number;
  updatedAt?: string;
}

export const DEFAULT_SETTINGS: KnowledgeSettings = {
  brandKeywords: [],
  competitorKeywords: [],
  expectedLifetimeYears: DEFAULT_EXPECTED_LIFETIME_YEARS,
};

export interface TenantKnowledgeStats {
  computedAt: string;
  jobId?: string;
  /** Knowledge records read. */
  customers: number;
  rfm?: RfmThresholds;
  /** Σ reach-weighted voice over customers with social profiling consent. */
  voice: { total: number; customers: number };
}

// ---------------------------------------------------------------------------------------------------------
// Applying events to the inputs (pure)

const orderKey = (store: string, orderId: string) => `${store}:${orderId}`;
const iso = (at: string) => new Date(at).toISOString();
const later = (a: string | undefined, b: string) => (a && a > b ? a : b);
const earlier = (a: string | undefined, b: string) => (a && a < b ? a : b);

export interface PlacedOrder {
  store: string;
  orderId: string;
  total: Money;
  lineItems: { productId: string; quantity: number; price: Money }[];
  status?: OrderStatus;
  at: string;
}

export function applyOrderPlaced(inputs: KnowledgeInputs, order: PlacedOrder): KnowledgeInputs {
  const key = orderKey(order.store, order.orderId);
  const at = iso(order.at);
  const existing = inputs.orders[key];
  // a refund or status change seen first (placeholder) keeps what it said; so does a repeated OrderPlaced
  const status = (existing?.placeholder ? existing.status : undefined) ?? order.status ?? existing?.status;
  const fact: OrderFact = {
    store: order.store,
    at,
    total: order.total.amount,
    currency: order.total.currency,
    refunded: existing?.refunded ?? '0',
    ...(status && { status }),
  };
  const products = { ...inputs.products };
  for (const line of order.lineItems) {
    const known = products[line.productId];
    products[line.productId] = {
      firstAt: earlier(known?.firstAt, at),
      lastAt: later(known?.lastAt, at),
      price: known && known.lastAt > at && known.price ? known.price : line.price,
    };
  }
  return foldOldOrders({ ...inputs, orders: { ...inputs.orders, [key]: fact }, products: capProducts(products) });
}

export function applyOrderRefunded(
  inputs: KnowledgeInputs,
  refund: { store: string; orderId: string; amount: Money; refundedTotal?: Money; status?: OrderStatus; at: string },
): KnowledgeInputs {
  const key = orderKey(refund.store, refund.orderId);
  const existing: OrderFact = inputs.orders[key] ?? {
    store: refund.store,
    at: iso(refund.at),
    total: '0',
    refunded: '0',
    currency: refund.amount.currency,
    placeholder: true,
  };
  // the cumulative figure, when the store sends it, only grows: the largest seen is independent of delivery order
  const refunded = refund.refundedTotal
    ? compareDecimal(refund.refundedTotal.amount, existing.refunded) > 0
      ? refund.refundedTotal.amount
      : existing.refunded
    : addDecimal(existing.refunded, refund.amount.amount);
  return {
    ...inputs,
    orders: { ...inputs.orders, [key]: { ...existing, refunded, ...(refund.status && { status: refund.status }) } },
  };
}

export function applyOrderStatus(
  inputs: KnowledgeInputs,
  change: { store: string; orderId: string; to: OrderStatus; total: Money; at: string },
): KnowledgeInputs {
  const key = orderKey(change.store, change.orderId);
  const existing: OrderFact = inputs.orders[key] ?? {
    store: change.store,
    at: iso(change.at),
    total: change.total.amount,
    refunded: '0',
    currency: change.total.currency,
    placeholder: true,
  };
  return { ...inputs, orders: { ...inputs.orders, [key]: { ...existing, status: change.to } } };
}

export interface InteractionFact {
  channel: Channel | string;
  kind: string;
  sentiment: number | null;
  at: string;
  /** The interaction's text, when it had one; read for keywords, never stored here. */
  text?: string;
}

export function applyInteraction(inputs: KnowledgeInputs, i: InteractionFact, settings: KnowledgeSettings): KnowledgeInputs {
  const s = inputs.social;
  const at = iso(i.at);
  const passion = isPassionSignal(i.kind, i.sentiment);
  const brandHit = i.kind === 'mention' || (i.text !== undefined && keywordsIn(i.text, settings.brandKeywords).length > 0);
  const competitors = i.text !== undefined ? keywordsIn(i.text, settings.competitorKeywords) : [];
  const byCompetitor = { ...s.byCompetitor };
  for (const keyword of competitors) byCompetitor[keyword] = (byCompetitor[keyword] ?? 0) + 1;
  return {
    ...inputs,
    social: {
      interactions: s.interactions + 1,
      byKind: { ...s.byKind, [i.kind]: (s.byKind[i.kind] ?? 0) + 1 },
      byChannel: { ...s.byChannel, [i.channel]: (s.byChannel[i.channel] ?? 0) + 1 },
      firstAt: earlier(s.firstAt, at),
      lastAt: later(s.lastAt, at),
      sentiment: i.sentiment === null ? s.sentiment : { sum: s.sentiment.sum + i.sentiment, count: s.sentiment.count + 1 },
      heart: addToHeart(s.heart, at, i.sentiment, passion),
      brandMentions: s.brandMentions + (brandHit ? 1 : 0),
      competitorMentions: s.competitorMentions + (competitors.length > 0 ? 1 : 0),
      byCompetitor,
      advocacySignals: s.advocacySignals + (passion ? 1 : 0),
    },
  };
}

const laterState = (a: ConsentState | undefined, b: ConsentState | undefined) => (!a ? b : !b ? a : b.at > a.at ? b : a);

/** A ConsentChanged event: kept when it is newer than what the inputs hold for that purpose and channel. */
export function applyConsentChange(
  inputs: KnowledgeInputs,
  change: { purpose: ConsentPurpose; channel: string; status: ConsentState['status']; at: string },
): KnowledgeInputs {
  // the loyalty terms are the program's business: no figure or segment reads them
  if (change.purpose === 'loyalty') return inputs;
  const state: ConsentState = { status: change.status, at: iso(change.at) };
  if (change.purpose === 'social_profiling') {
    return { ...inputs, consent: { ...inputs.consent, social_profiling: laterState(inputs.consent.social_profiling, state) } };
  }
  const marketing = { ...inputs.consent.marketing } as Record<string, ConsentState>;
  marketing[change.channel] = laterState(marketing[change.channel], state) as ConsentState;
  return { ...inputs, consent: { ...inputs.consent, marketing } };
}

/** The later of two summaries, per purpose and channel. */
export function mergeConsent(a: ConsentSummary | undefined, b: ConsentSummary | undefined): ConsentSummary {
  const marketing: Record<string, ConsentState> = {};
  for (const source of [a?.marketing, b?.marketing]) {
    for (const [channel, state] of Object.entries(source ?? {})) {
      if (state) marketing[channel] = laterState(marketing[channel], state) as ConsentState;
    }
  }
  const social = laterState(a?.social_profiling, b?.social_profiling);
  return {
    ...(social && { social_profiling: social }),
    ...(Object.keys(marketing).length > 0 && { marketing }),
  };
}

export function followersOf(customer: Pick<Customer, 'identities'>): number {
  return customer.identities.reduce((n, i) => n + Math.max(0, i.influence?.followers ?? 0), 0);
}

/** What the inputs take from the profile itself: its consent summary and reach. */
export function withProfile(inputs: KnowledgeInputs, customer: Customer, now: string): KnowledgeInputs {
  const followers = followersOf(customer);
  return {
    ...inputs,
    consent: mergeConsent(inputs.consent, customer.consentSummary),
    reach: followers === inputs.reach.followers ? inputs.reach : { followers, at: now },
  };
}

/** Two customers found to be one person: their inputs add up (used by CustomersMerged). */
export function mergeInputs(a: KnowledgeInputs, b: KnowledgeInputs): KnowledgeInputs {
  const products = { ...b.products };
  for (const [id, p] of Object.entries(a.products)) {
    const q = products[id];
    products[id] = q
      ? { firstAt: earlier(q.firstAt, p.firstAt), lastAt: later(q.lastAt, p.lastAt), ...((p.lastAt >= q.lastAt ? p.price : q.price) && { price: (p.lastAt >= q.lastAt ? p.price : q.price) as Money }) }
      : p;
  }
  const sum = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const [sa, sb] = [a.social, b.social];
  const heart = mergeHeart(sa.heart, sb.heart);
  const earlierOrders = mergeEarlier(a.earlierOrders, b.earlierOrders);
  const firstAt = sa.firstAt && sb.firstAt ? earlier(sa.firstAt, sb.firstAt) : (sa.firstAt ?? sb.firstAt);
  const lastAt = sa.lastAt && sb.lastAt ? later(sa.lastAt, sb.lastAt) : (sa.lastAt ?? sb.lastAt);
  return foldOldOrders({
    orders: { ...b.orders, ...a.orders },
    ...(earlierOrders && { earlierOrders }),
    products: capProducts(products),
    social: {
      interactions: sa.interactions + sb.interactions,
      byKind: sum(sa.byKind, sb.byKind),
      byChannel: sum(sa.byChannel, sb.byChannel),
      ...(firstAt && { firstAt }),
      ...(lastAt && { lastAt }),
      sentiment: { sum: sa.sentiment.sum + sb.sentiment.sum, count: sa.sentiment.count + sb.sentiment.count },
      ...(heart && { heart }),
      brandMentions: sa.brandMentions + sb.brandMentions,
      competitorMentions: sa.competitorMentions + sb.competitorMentions,
      byCompetitor: sum(sa.byCompetitor, sb.byCompetitor),
      advocacySignals: sa.advocacySignals + sb.advocacySignals,
    },
    consent: mergeConsent(a.consent, b.consent),
    ...((a.tier ?? b.tier) !== undefined && { tier: (a.tier ?? b.tier) as string }),
    reach: a.reach.followers >= b.reach.followers ? a.reach : b.reach,
  });
}

function mergeEarlier(a: EarlierOrders | undefined, b: EarlierOrders | undefined): EarlierOrders | undefined {
  if (!a || !b) return a ?? b;
  const net = { ...a.net };
  for (const [c, v] of Object.entries(b.net)) net[c] = addDecimal(net[c] ?? '0', v);
  return { count: a.count + b.count, net, firstAt: earlier(a.firstAt, b.firstAt), lastAt: later(a.lastAt, b.lastAt) };
}

function capProducts(products: Record<string, ProductFact>): Record<string, ProductFact> {
  const ids = Object.keys(products);
  if (ids.length <= MAX_PRODUCTS) return products;
  const keep = ids.sort((x, y) => (products[y]!.lastAt > products[x]!.lastAt ? 1 : -1)).slice(0, MAX_PRODUCTS);
  return Object.fromEntries(keep.map((id) => [id, products[id]!]));
}

/** Past MAX_ORDERS, the oldest counted orders become sums: refunds to those can no longer be told apart. */
function foldOldOrders(inputs: KnowledgeInputs): KnowledgeInputs {
  const keys = Object.keys(inputs.orders);
  if (keys.length <= MAX_ORDERS) return inputs;
  const oldest = keys.sort((x, y) => (inputs.orders[x]!.at < inputs.orders[y]!.at ? -1 : 1)).slice(0, keys.length - MAX_ORDERS);
  let folded = inputs.earlierOrders;
  const orders = { ...inputs.orders };
  for (const key of oldest) {
    const o = orders[key]!;
    delete orders[key];
    if (!counts(o)) continue;
    folded = mergeEarlier(folded, { count: 1, net: { [o.currency]: subtractDecimal(o.total, o.refunded) }, firstAt: o.at, lastAt: o.at });
  }
  return { ...inputs, orders, ...(folded && { earlierOrders: folded }) };
}

// ---------------------------------------------------------------------------------------------------------
// Order figures

/** An order counts as a purchase unless it is cancelled, failed, pending, unseen (placeholder) or fully refunded. */
export function counts(o: OrderFact): boolean {
  if (o.placeholder) return false;
  if (o.status && NOT_PURCHASES.includes(o.status)) return false;
  return compareDecimal(subtractDecimal(o.total, o.refunded), '0') > 0;
}

export interface OrderSummary {
  orders: number;
  /** Orders seen that do not count (cancelled, failed, pending, fully refunded, refund-only). */
  notCounted: number;
  currency: string | null;
  netSpend: string;
  grossSpend: string;
  refunded: string;
  /** Net spend of counted orders in other currencies (not converted, not in the figures). */
  otherCurrencies: Record<string, string>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  stores: string[];
}

/** The currency most of the customer's counted orders use (ties: alphabetical). */
export function mainCurrency(inputs: KnowledgeInputs): string | null {
  const tally = new Map<string, number>();
  for (const o of Object.values(inputs.orders)) if (counts(o)) tally.set(o.currency, (tally.get(o.currency) ?? 0) + 1);
  for (const [c, v] of Object.entries(inputs.earlierOrders?.net ?? {})) tally.set(c, (tally.get(c) ?? 0) + (v ? 1 : 0));
  const ranked = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? null;
}

export function orderSummary(inputs: KnowledgeInputs, preferredCurrency?: string): OrderSummary {
  const currency = preferredCurrency ?? mainCurrency(inputs);
  let orders = inputs.earlierOrders?.count ?? 0;
  let notCounted = 0;
  let netSpend = currency ? (inputs.earlierOrders?.net[currency] ?? '0') : '0';
  let grossSpend = netSpend;
  let refunded = '0';
  const otherCurrencies: Record<string, string> = {};
  for (const [c, v] of Object.entries(inputs.earlierOrders?.net ?? {})) if (c !== currency) otherCurrencies[c] = v;
  let firstOrderAt = inputs.earlierOrders?.firstAt;
  let lastOrderAt = inputs.earlierOrders?.lastAt;
  const stores = new Set<string>();
  for (const o of Object.values(inputs.orders)) {
    if (!counts(o)) {
      notCounted += 1;
      continue;
    }
    orders += 1;
    stores.add(o.store);
    firstOrderAt = earlier(firstOrderAt, o.at);
    lastOrderAt = later(lastOrderAt, o.at);
    const net = subtractDecimal(o.total, o.refunded);
    if (o.currency === currency) {
      netSpend = addDecimal(netSpend, net);
      grossSpend = addDecimal(grossSpend, o.total);
      refunded = addDecimal(refunded, o.refunded);
    } else {
      otherCurrencies[o.currency] = addDecimal(otherCurrencies[o.currency] ?? '0', net);
    }
  }
  return {
    orders,
    notCounted,
    currency,
    netSpend,
    grossSpend,
    refunded,
    otherCurrencies,
    ...(firstOrderAt && { firstOrderAt }),
    ...(lastOrderAt && { lastOrderAt }),
    stores: [...stores].sort(),
  };
}

export function wholeDaysBetween(fromIso: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(fromIso)) / DAY_MS));
}

// ---------------------------------------------------------------------------------------------------------
// The figures

export interface KnowledgeContext {
  settings: KnowledgeSettings;
  stats?: TenantKnowledgeStats;
  now: Date;
}

export interface CustomerKnowledge {
  computedAt: string;
  socialProfiling: boolean;
  orders: {
    count: number;
    notCounted: number;
    netSpend: Money | null;
    otherCurrencies: Record<string, string>;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    daysSinceLastOrder: number | null;
    products: number;
  };
  /** null without social profiling consent: the interactions are withheld from every figure. */
  interactions: {
    count: number;
    byKind: Record<string, number>;
    byChannel: Record<string, number>;
    lastInteractionAt: string | null;
    daysSinceLastInteraction: number | null;
  } | null;
  rfm: Figure<RfmScores>;
  clv: Figure<{ historic: Money; predictive: Money }>;
  lifecycle: Figure<{ stage: Stage; churnRisk: ChurnRisk | null }>;
  shares: { voice: Figure<number>; wallet: Figure<number>; mind: Figure<number>; heart: Figure<number> };
  /** Channels the customer is present on: identities and the stores they bought in. */
  channels: string[];
  tier: string | null;
}

/** Every figure of one customer, from the inputs, the profile, the tenant settings and distribution. */
export function computeKnowledge(inputs: KnowledgeInputs, customer: Customer, ctx: KnowledgeContext): CustomerKnowledge {
  const now = ctx.now.toISOString();
  const consent = mergeConsent(inputs.consent, customer.consentSummary);
  const social = socialProfilingAllowed({ consentSummary: consent });
  const currency = ctx.stats?.rfm?.currency ?? ctx.settings.currency;
  const summary = orderSummary(inputs, currency);
  const netSpend: Money | null = summary.currency ? { amount: summary.netSpend, currency: summary.currency } : null;
  const daysSinceLastOrder = summary.lastOrderAt ? wholeDaysBetween(summary.lastOrderAt, ctx.now) : null;
  const daysSinceFirstOrder = summary.firstOrderAt ? wholeDaysBetween(summary.firstOrderAt, ctx.now) : null;
  const s = inputs.social;
  const heart = social && s.heart ? heartAt(s.heart, now) : undefined;
  const followers = Math.max(inputs.reach.followers, followersOf(customer));

  // RFM
  const measures: RfmMeasures | undefined =
    summary.orders > 0 && summary.lastOrderAt ? { lastOrderAt: summary.lastOrderAt, orders: summary.orders, netSpend: summary.netSpend } : undefined;
  const thresholds = ctx.stats?.rfm;
  const rfmInputs = {
    lastOrderAt: summary.lastOrderAt ?? null,
    daysSinceLastOrder,
    orders: summary.orders,
    netSpend,
    thresholds: thresholds ?? null,
  };
  const rfm: Figure<RfmScores> = !measures
    ? { value: null, inputs: rfmInputs, formula: RFM_FORMULA, note: 'no counted orders' }
    : !thresholds
      ? { value: null, inputs: rfmInputs, formula: RFM_FORMULA, note: 'tenant quintiles not computed yet (POST /v1/knowledge/recompute)' }
      : { value: rfmScores(measures, thresholds), inputs: rfmInputs, formula: RFM_FORMULA };

  // CLV
  const expectedLifetimeYears = ctx.settings.expectedLifetimeYears;
  const clvFigures =
    netSpend && summary.orders > 0 && summary.firstOrderAt && daysSinceFirstOrder !== null
      ? computeClv({ orders: summary.orders, netSpend, firstOrderAt: summary.firstOrderAt, daysSinceFirstOrder, expectedLifetimeYears })
      : undefined;
  const clv: Figure<{ historic: Money; predictive: Money }> = clvFigures
    ? {
        value: { historic: clvFigures.historic, predictive: clvFigures.predictive },
        inputs: {
          orders: summary.orders,
          netSpend,
          grossSpend: { amount: summary.grossSpend, currency: summary.currency },
          refunded: { amount: summary.refunded, currency: summary.currency },
          otherCurrencies: summary.otherCurrencies,
          firstOrderAt: summary.firstOrderAt,
          daysSinceFirstOrder,
          observedDays: clvFigures.observedDays,
          averageOrderValue: clvFigures.averageOrderValue,
          purchasesPerYear: clvFigures.purchasesPerYear,
          expectedLifetimeYears,
        },
        formula: `historic: ${CLV_FORMULA.historic}; predictive: ${CLV_FORMULA.predictive}`,
      }
    : { value: null, inputs: { orders: 0, expectedLifetimeYears }, formula: `historic: ${CLV_FORMULA.historic}; predictive: ${CLV_FORMULA.predictive}`, note: 'no counted orders' };

  // Lifecycle
  const marketingConsent = Object.values(consent.marketing ?? {}).some((state) => state?.status === 'granted');
  const contactIdentity = customer.identities.some((i) => i.channel === 'email' || i.channel === 'phone');
  const stageInputs = {
    orders: summary.orders,
    previousStage: customer.stage,
    marketingConsent,
    contactIdentity,
    registered: customer.registeredAt !== undefined,
    socialProfiling: social,
    advocacySignals: social ? s.advocacySignals : 0,
    weightedSentiment: heart?.weightedSentiment ?? null,
  };
  const churn = churnRisk({
    orders: summary.orders,
    daysSinceLastOrder: daysSinceLastOrder ?? 0,
    daysBetweenFirstAndLast: summary.firstOrderAt && summary.lastOrderAt ? wholeDaysBetween(summary.firstOrderAt, new Date(summary.lastOrderAt)) : 0,
  });
  const lifecycle: Figure<{ stage: Stage; churnRisk: ChurnRisk | null }> = {
    value: { stage: lifecycleStage(stageInputs), churnRisk: churn.risk },
    inputs: {
      ...stageInputs,
      advocacySignals: social ? s.advocacySignals : null,
      daysSinceLastOrder,
      averageDaysBetweenOrders: churn.averageDaysBetweenOrders,
      churnRatio: churn.ratio,
    },
    formula: LIFECYCLE_RULES,
  };

  // Shares
  const voiceInteractions = VOICE_KINDS.reduce((n, k) => n + (s.byKind[k] ?? 0), 0);
  const shares = {
    voice: shareOfVoice(
      social
        ? { voiceInteractions, followers, tenantVoice: ctx.stats ? ctx.stats.voice.total : null, tenantVoiceAt: ctx.stats?.computedAt ?? null }
        : null,
    ),
    wallet: shareOfWallet(
      netSpend && daysSinceFirstOrder !== null ? { netSpend, daysSinceFirstOrder, estimate: ctx.settings.categorySpendEstimate } : null,
    ),
    mind: shareOfMind(
      social ? { brandMentions: s.brandMentions, competitorMentions: s.competitorMentions, byCompetitor: s.byCompetitor, followers } : null,
    ),
    heart: shareOfHeart(social ? { heart: s.heart, now } : null),
  };

  const channels = new Set<string>([...customer.identities.map((i) => i.channel), ...summary.stores]);
  return {
    computedAt: now,
    socialProfiling: social,
    orders: {
      count: summary.orders,
      notCounted: summary.notCounted,
      netSpend,
      otherCurrencies: summary.otherCurrencies,
      firstOrderAt: summary.firstOrderAt ?? null,
      lastOrderAt: summary.lastOrderAt ?? null,
      daysSinceLastOrder,
      products: Object.keys(inputs.products).length,
    },
    interactions: social
      ? {
          count: s.interactions,
          byKind: s.byKind,
          byChannel: s.byChannel,
          lastInteractionAt: s.lastAt ?? null,
          daysSinceLastInteraction: s.lastAt ? wholeDaysBetween(s.lastAt, ctx.now) : null,
        }
      : null,
    rfm,
    clv,
    lifecycle,
    shares,
    channels: [...channels].sort(),
    tier: inputs.tier ?? null,
  };
}

/** The tenant's distribution, from every customer's inputs: RFM quintile cuts and the total voice. */
export function computeTenantStats(all: Iterable<KnowledgeInputs>, settings: KnowledgeSettings, now: Date, jobId?: string): TenantKnowledgeStats {
  const records = [...all];
  let currency = settings.currency;
  if (!currency) {
    const tally = new Map<string, number>();
    for (const inputs of records) {
      const c = mainCurrency(inputs);
      if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    currency = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  }
  const buyers: RfmMeasures[] = [];
  let voiceTotal = 0;
  let voiceCustomers = 0;
  for (const inputs of records) {
    const summary = orderSummary(inputs, currency);
    if (summary.orders > 0 && summary.lastOrderAt) buyers.push({ lastOrderAt: summary.lastOrderAt, orders: summary.orders, netSpend: summary.netSpend });
    if (socialProfilingAllowed({ consentSummary: inputs.consent })) {
      const voice = VOICE_KINDS.reduce((n, k) => n + (inputs.social.byKind[k] ?? 0), 0);
      if (voice > 0) {
        voiceTotal += voice * reachWeight(inputs.reach.followers);
        voiceCustomers += 1;
      }
    }
  }
  const rfm = currency ? computeThresholds(buyers, currency, now.toISOString()) : undefined;
  return {
    computedAt: now.toISOString(),
    ...(jobId && { jobId }),
    customers: records.length,
    ...(rfm && { rfm }),
    voice: { total: voiceTotal, customers: voiceCustomers },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Ports and use cases

export interface MembershipChange {
  segmentId: string;
  customerId: string;
  change: 'add' | 'remove';
}

export interface KnowledgeCommit {
  tenantId: string;
  /** The event applied: its processed-marker is written in the same transaction. */
  eventId?: string;
  /** expectedRev null: the record must not exist yet. */
  puts: { record: KnowledgeRecord; expectedRev: number | null }[];
  deletes: { customerId: string; expectedRev: number }[];
  membership: MembershipChange[];
}

export type CommitOutcome = 'written' | 'duplicate' | 'conflict';

export interface KnowledgeStore {
  get(tenantId: string, customerId: string): Promise<StoredKnowledge | undefined>;
  /** One transaction: the processed-marker, the records (revision-checked) and the membership changes. */
  commit(commit: KnowledgeCommit): Promise<CommitOutcome>;
  /** Whether the event was applied before (checked first, so a redelivery does no work). */
  processed(tenantId: string, eventId: string): Promise<boolean>;
  /**
   * Drops one settled entry of the record's pendingAffinity (revision-checked, first against `known`, then
   * read again on a race); answers the record as written.
   */
  clearPendingAffinity(tenantId: string, customerId: string, eventId: string, known?: StoredKnowledge): Promise<StoredKnowledge | undefined>;
  /** Removes the customer from these segments if a member (for records already gone, e.g. after erasure). */
  forgetMemberships(tenantId: string, customerId: string, segmentIds: string[]): Promise<void>;
  settings(tenantId: string): Promise<KnowledgeSettings>;
  stats(tenantId: string): Promise<TenantKnowledgeStats | undefined>;
}

export interface SegmentCatalog {
  /** The tenant's segments to evaluate; `fresh` skips any cache. */
  forEvaluation(tenantId: string, fresh?: boolean): Promise<SegmentDefinition[]>;
}

export interface ProfileStages {
  /** Sets the profile's stage (and so its place in the stage index) when it differs. */
  setStage(tenantId: string, customerId: string, stage: Stage): Promise<void>;
}

export interface KnowledgePorts {
  knowledge: KnowledgeStore;
  customers: Pick<CustomerRepository, 'get'>;
  segments: SegmentCatalog;
  stages: ProfileStages;
  clock: Clock;
}

export type UpdateOutcome = 'updated' | 'unchanged' | 'duplicate' | 'missing';

export interface UpdateResult {
  outcome: UpdateOutcome;
  /** What was written ('updated'), with its new revision. */
  written?: StoredKnowledge;
}

const MAX_ATTEMPTS = 8;

export interface KnowledgeUpdate {
  tenantId: string;
  customerId: string;
  /** The event being applied (exactly once); absent for a refresh. */
  eventId?: string;
  change?: (inputs: KnowledgeInputs) => KnowledgeInputs;
  /** Note the products this change adds for the co-occurrence counts (OrderPlaced). */
  trackAffinity?: boolean;
  /** The profile, when the caller already read it (a page of the stage index). */
  customer?: Customer;
  freshSegments?: boolean;
}

async function liveCustomer(ports: KnowledgePorts, tenantId: string, customerId: string): Promise<Customer | undefined> {
  const customer = await ports.customers.get(tenantId, customerId);
  if (customer?.mergedInto) return ports.customers.get(tenantId, customer.mergedInto);
  return customer;
}

/**
 * Apply one change to a customer's knowledge, re-evaluate their segments, and keep the stage current.
 * 1. read the profile (a merged-away id leads to its survivor) and the knowledge record;
 * 2. apply the change to the inputs; take consent and reach from the profile;
 * 3. compute the figures and evaluate every segment of the tenant (three-valued: only `true` is a member);
 * 4. write the record, the membership changes and the event's processed-marker in one transaction
 *    (revision-checked: a concurrent writer makes this start again at 1);
 * 5. set the profile's stage when the figures moved it.
 */
export async function updateCustomerKnowledge(ports: KnowledgePorts, update: KnowledgeUpdate): Promise<UpdateResult> {
  const { tenantId } = update;
  return untilUnchanged(`knowledge of customer ${update.customerId}`, async (attempt) => {
    const customer = attempt === 1 && update.customer ? update.customer : await liveCustomer(ports, tenantId, update.customerId);
    if (!customer || customer.mergedInto) return { outcome: 'missing' };
    const customerId = customer.id;
    const stored = await ports.knowledge.get(tenantId, customerId);
    const now = ports.clock.now();
    const before = stored?.record.inputs ?? emptyInputs();
    const changed = update.change ? update.change(before) : before;
    const inputs = withProfile(changed, customer, now.toISOString());
    const pending = [...(stored?.record.pendingAffinity ?? [])];
    if (update.trackAffinity && update.eventId) {
      const newProducts = Object.keys(inputs.products).filter((p) => !before.products[p]);
      if (newProducts.length > 0) {
        pending.push({ eventId: update.eventId, newProducts: newProducts.sort(), previousProducts: recentProducts(before, 50) });
      }
    }
    const { knowledge, segments } = await evaluate(ports, customer, inputs, now, update.freshSegments === true || attempt > 1);
    const record: KnowledgeRecord = {
      tenantId,
      customerId,
      inputs,
      segments,
      ...(pending.length > 0 && { pendingAffinity: pending }),
      updatedAt: now.toISOString(),
    };
    const current = stored?.record.segments ?? [];
    const membership: MembershipChange[] = [
      ...segments.filter((id) => !current.includes(id)).map((segmentId) => ({ segmentId, customerId, change: 'add' as const })),
      ...current.filter((id) => !segments.includes(id)).map((segmentId) => ({ segmentId, customerId, change: 'remove' as const })),
    ];
    const stage = knowledge.lifecycle.value?.stage ?? customer.stage;
    // a refresh writes only what changed (and creates no record for a customer with nothing to keep)
    const same = stored
      ? membership.length === 0 && JSON.stringify(stored.record.inputs) === JSON.stringify(inputs) && pending.length === (stored.record.pendingAffinity ?? []).length
      : membership.length === 0;
    if (same && !update.eventId) {
      if (stage !== customer.stage) await ports.stages.setStage(tenantId, customerId, stage);
      return { outcome: 'unchanged' };
    }
    const outcome = await ports.knowledge.commit({
      tenantId,
      ...(update.eventId && { eventId: update.eventId }),
      puts: [{ record, expectedRev: stored ? stored.rev : null }],
      deletes: [],
      membership,
    });
    if (outcome === 'conflict') return CHANGED;
    if (outcome === 'duplicate') return { outcome: 'duplicate' };
    if (stage !== customer.stage) await ports.stages.setStage(tenantId, customerId, stage);
    return { outcome: 'updated', written: { record, rev: (stored?.rev ?? 0) + 1 } };
  }, { attempts: MAX_ATTEMPTS });
}

/** The figures and the segments the customer belongs in. */
export async function evaluate(
  ports: Pick<KnowledgePorts, 'knowledge' | 'segments'>,
  customer: Customer,
  inputs: KnowledgeInputs,
  now: Date,
  freshSegments = false,
): Promise<{ knowledge: CustomerKnowledge; segments: string[] }> {
  const [settings, stats, definitions] = await Promise.all([
    ports.knowledge.settings(customer.tenantId),
    ports.knowledge.stats(customer.tenantId),
    ports.segments.forEvaluation(customer.tenantId, freshSegments),
  ]);
  const knowledge = computeKnowledge(inputs, customer, { settings, ...(stats && { stats }), now });
  const subject = segmentSubject(knowledge, customer, inputs.consent);
  const segments = definitions.filter((d) => evaluateRule(d.rule, subject) === true).map((d) => d.id).sort();
  return { knowledge, segments };
}

/** The products the customer bought most recently, newest first. */
export function recentProducts(inputs: KnowledgeInputs, limit: number): string[] {
  return Object.entries(inputs.products)
    .sort((a, b) => (b[1].lastAt > a[1].lastAt ? 1 : b[1].lastAt < a[1].lastAt ? -1 : a[0].localeCompare(b[0])))
    .slice(0, limit)
    .map(([id]) => id);
}

/**
 * CustomersMerged: the merged customer's knowledge joins the survivor's.
 * 1. read both records; 2. add the inputs up; 3. in one transaction: the survivor's record and segment
 * changes, the merged record's deletion and its memberships' removal, the processed-marker.
 */
export async function mergeCustomerKnowledge(
  ports: KnowledgePorts,
  event: { tenantId: string; eventId: string; survivorId: string; mergedId: string },
): Promise<UpdateResult> {
  const { tenantId, survivorId, mergedId } = event;
  return untilUnchanged(`knowledge of customers ${survivorId}/${mergedId}`, async (attempt) => {
    const merged = await ports.knowledge.get(tenantId, mergedId);
    if (!merged) return updateCustomerKnowledge(ports, { tenantId, customerId: survivorId, eventId: event.eventId });
    const survivor = await ports.customers.get(tenantId, survivorId);
    if (!survivor) return { outcome: 'missing' };
    const stored = await ports.knowledge.get(tenantId, survivorId);
    const now = ports.clock.now();
    const inputs = withProfile(mergeInputs(stored?.record.inputs ?? emptyInputs(), merged.record.inputs), survivor, now.toISOString());
    const { knowledge, segments } = await evaluate(ports, survivor, inputs, now, attempt > 1);
    const current = stored?.record.segments ?? [];
    const pending = [...(stored?.record.pendingAffinity ?? []), ...(merged.record.pendingAffinity ?? [])];
    const outcome = await ports.knowledge.commit({
      tenantId,
      eventId: event.eventId,
      puts: [
        {
          record: { tenantId, customerId: survivorId, inputs, segments, ...(pending.length > 0 && { pendingAffinity: pending }), updatedAt: now.toISOString() },
          expectedRev: stored ? stored.rev : null,
        },
      ],
      deletes: [{ customerId: mergedId, expectedRev: merged.rev }],
      membership: [
        ...segments.filter((id) => !current.includes(id)).map((segmentId) => ({ segmentId, customerId: survivorId, change: 'add' as const })),
        ...current.filter((id) => !segments.includes(id)).map((segmentId) => ({ segmentId, customerId: survivorId, change: 'remove' as const })),
        ...merged.record.segments.map((segmentId) => ({ segmentId, customerId: mergedId, change: 'remove' as const })),
      ],
    });
    if (outcome === 'conflict') return CHANGED;
    if (outcome === 'duplicate') return { outcome: 'duplicate' };
    const stage = knowledge.lifecycle.value?.stage;
    if (stage && stage !== survivor.stage) await ports.stages.setStage(tenantId, survivorId, stage);
    return { outcome: 'updated' };
  }, { attempts: MAX_ATTEMPTS });
}

/** CustomerErased: the knowledge record and every segment membership of the person go. */
export async function forgetCustomerKnowledge(ports: KnowledgePorts, event: { tenantId: string; eventId: string; customerId: string }): Promise<UpdateResult> {
  const { tenantId, customerId } = event;
  return untilUnchanged(`knowledge of customer ${customerId}`, async () => {
    const stored = await ports.knowledge.get(tenantId, customerId);
    if (!stored) {
      // the record went first (erasure empties the customer's partition): look in every segment
      const definitions = await ports.segments.forEvaluation(tenantId, true);
      await ports.knowledge.forgetMemberships(tenantId, customerId, definitions.map((d) => d.id));
      const outcome = await ports.knowledge.commit({ tenantId, eventId: event.eventId, puts: [], deletes: [], membership: [] });
      return { outcome: outcome === 'duplicate' ? 'duplicate' : 'updated' };
    }
    const outcome = await ports.knowledge.commit({
      tenantId,
      eventId: event.eventId,
      puts: [],
      deletes: [{ customerId, expectedRev: stored.rev }],
      membership: stored.record.segments.map((segmentId) => ({ segmentId, customerId, change: 'remove' as const })),
    });
    if (outcome === 'conflict') return CHANGED;
    return { outcome: outcome === 'duplicate' ? 'duplicate' : 'updated' };
  }, { attempts: MAX_ATTEMPTS });
}

/** The figures of one customer for the API (no writes). */
export async function describeCustomerKnowledge(
  ports: Pick<KnowledgePorts, 'knowledge' | 'clock'>,
  customer: Customer,
): Promise<{ knowledge: CustomerKnowledge; consent: ConsentSummary }> {
  const [stored, settings, stats] = await Promise.all([
    ports.knowledge.get(customer.tenantId, customer.id),
    ports.knowledge.settings(customer.tenantId),
    ports.knowledge.stats(customer.tenantId),
  ]);
  const now = ports.clock.now();
  const inputs = withProfile(stored?.record.inputs ?? emptyInputs(), customer, now.toISOString());
  return {
    knowledge: computeKnowledge(inputs, customer, { settings, ...(stats && { stats }), now }),
    consent: inputs.consent,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Recompute and back-fill jobs: page every customer of the tenant through the stage index

/** The stages in lifecycle order: a job's chain walks them one after another. */
export const STAGES: readonly Stage[] = StageEnum.options;

export interface StagePartition {
  stage: Stage;
  shard: number;
}

export interface KnowledgeJob {
  jobId: string;
  tenantId: string;
  reason: 'recompute' | 'segment';
  segmentId?: string;
  startedAt: string;
  /** Chains of steps (one per shard of the stage index) and how many finished. */
  partitions: number;
  done: number;
  status: 'running' | 'done';
  finishedAt?: string;
}

export interface KnowledgeJobs {
  /** Shards of each stage in the customer index. */
  readonly stageShards: number;
  create(job: KnowledgeJob): Promise<void>;
  get(tenantId: string, jobId: string): Promise<KnowledgeJob | undefined>;
  /** Marks one partition finished (idempotent); answers the job once every partition is. */
  finishPartition(tenantId: string, jobId: string, partition: string, at: string): Promise<KnowledgeJob | undefined>;
  /** Every customer's inputs, read through the knowledge index (for the tenant's distribution). */
  allInputs(tenantId: string): AsyncIterable<KnowledgeInputs>;
  putStats(tenantId: string, stats: TenantKnowledgeStats): Promise<void>;
  /** One page of a stage partition of the customer index. */
  customersPage(tenantId: string, partition: StagePartition, cursor?: string): Promise<{ customers: Customer[]; next?: string }>;
  /** Claims the right to start the tenant's periodic recompute (at most once per `minutes`). */
  claimRecompute(tenantId: string, now: string, minutes: number): Promise<boolean>;
}

export interface JobPorts extends KnowledgePorts {
  jobs: KnowledgeJobs;
  publisher: EventPublisher;
  ids: { next(): string };
  markSegmentReady(tenantId: string, segmentId: string, at: string): Promise<void>;
}


/** How many customers of the stage index one job step reads per Query page, and refreshes before handing on. */
export const PAGE_SIZE = 50;
export const STEP_BUDGET = 200;
/** Small tenants' distribution is recomputed hourly on activity, large ones daily. */
const RECOMPUTE_AFTER_MS = { small: 3_600_000, large: 86_400_000 };
const SMALL_TENANT = 1000;

function jobEvent(tenantId: string, correlationId: string, eventId: string, now: Date, data: z.input<typeof KnowledgeRefreshRequested.data>) {
  return buildEvent(KnowledgeRefreshRequested, { tenantId, eventId, occurredAt: now.toISOString(), correlationId }, data);
}

/** One chain of steps per shard of the stage index; each chain walks the stages in order. */
function firstSteps(ports: JobPorts, tenantId: string, correlationId: string, jobId: string, now: Date) {
  return Array.from({ length: ports.jobs.stageShards }, (_, shard) =>
    jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId, step: 'partition', partition: { stage: STAGES[0]!, shard } }),
  );
}

async function startJob(
  ports: JobPorts,
  tenantId: string,
  correlationId: string,
  job: Pick<KnowledgeJob, 'reason' | 'segmentId'>,
): Promise<KnowledgeJob> {
  const now = ports.clock.now();
  const created: KnowledgeJob = {
    jobId: ports.ids.next(),
    tenantId,
    ...job,
    startedAt: now.toISOString(),
    partitions: ports.jobs.stageShards,
    done: 0,
    status: 'running',
  };
  await ports.jobs.create(created);
  await ports.publisher.publish(
    job.reason === 'recompute'
      ? [jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId: created.jobId, step: 'thresholds' })]
      : firstSteps(ports, tenantId, correlationId, created.jobId, now),
  );
  return created;
}

/**
 * Recompute the tenant's distribution, then refresh every customer (their RFM scores move with the cuts,
 * their time-relative segment conditions with the days). 1. record the job; 2. publish its first step.
 */
export function requestRecompute(ports: JobPorts, tenantId: string, correlationId: string): Promise<KnowledgeJob> {
  return startJob(ports, tenantId, correlationId, { reason: 'recompute' });
}

/** A new segment: evaluate every existing customer once (live events keep it current from then on). */
export function startSegmentBackfill(ports: JobPorts, tenantId: string, segmentId: string, correlationId: string): Promise<KnowledgeJob> {
  return startJob(ports, tenantId, correlationId, { reason: 'segment', segmentId });
}

/**
 * One step of a job.
 * thresholds: 1. read every customer's inputs through the knowledge index (Query, never Scan); 2. compute
 *   and store the RFM cuts and the tenant's voice; 3. start one chain of partition steps per shard.
 * partition: 1. read pages of the stage index (access pattern 7) from where the chain stands, stage after
 *   stage within the shard; 2. refresh each customer's knowledge and segments; 3. after STEP_BUDGET
 *   customers, publish the next step (a chain never runs long); at the end of the shard, mark it done;
 *   4. when every shard is done, the job is, and a back-filled segment becomes ready.
 */
export async function runJobStep(
  ports: JobPorts,
  tenantId: string,
  correlationId: string,
  step: z.output<typeof KnowledgeRefreshRequested.data>,
): Promise<void> {
  const now = ports.clock.now();
  if (step.step === 'thresholds') {
    const settings = await ports.knowledge.settings(tenantId);
    const all: KnowledgeInputs[] = [];
    for await (const inputs of ports.jobs.allInputs(tenantId)) all.push(inputs);
    await ports.jobs.putStats(tenantId, computeTenantStats(all, settings, now, step.jobId));
    await ports.publisher.publish(firstSteps(ports, tenantId, correlationId, step.jobId, now));
    return;
  }
  if (!step.partition) throw new Error('a partition step needs its partition');
  await ports.segments.forEvaluation(tenantId, true); // this step sees every segment created before it
  let { stage } = step.partition;
  const { shard } = step.partition;
  let cursor = step.cursor;
  let refreshed = 0;
  for (;;) {
    const page = await ports.jobs.customersPage(tenantId, { stage, shard }, cursor);
    const queue = [...page.customers];
    const worker = async () => {
      for (let customer = queue.shift(); customer; customer = queue.shift()) {
        await updateCustomerKnowledge(ports, { tenantId, customerId: customer.id, customer });
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    refreshed += page.customers.length;
    cursor = page.next;
    if (!cursor) {
      const next = STAGES[STAGES.indexOf(stage) + 1];
      if (!next) break;
      stage = next;
    }
    if (refreshed >= STEP_BUDGET) {
      await ports.publisher.publish([
        jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId: step.jobId, step: 'partition', partition: { stage, shard }, ...(cursor && { cursor }) }),
      ]);
      return;
    }
  }
  const finished = await ports.jobs.finishPartition(tenantId, step.jobId, String(shard), now.toISOString());
  if (finished?.status === 'done' && finished.segmentId) await ports.markSegmentReady(tenantId, finished.segmentId, now.toISOString());
}

/**
 * Keeps the distribution current without a schedule: after an event, when the tenant's stats are missing
 * or older than an hour (small tenants) or a day, one consumer claims the recompute and starts it.
 */
export async function recomputeWhenStale(ports: JobPorts, tenantId: string, correlationId: string): Promise<boolean> {
  const stats = await ports.knowledge.stats(tenantId);
  const now = ports.clock.now();
  const age = stats ? now.getTime() - Date.parse(stats.computedAt) : Number.POSITIVE_INFINITY;
  const limit = !stats || stats.customers < SMALL_TENANT ? RECOMPUTE_AFTER_MS.small : RECOMPUTE_AFTER_MS.large;
  if (age < limit) return false;
  if (!(await ports.jobs.claimRecompute(tenantId, now.toISOString(), limit / 60_000))) return false;
  await requestRecompute(ports, tenantId, correlationId);
  return true;
}
