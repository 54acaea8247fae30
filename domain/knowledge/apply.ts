/**
 * Customer knowledge, applying events: each event that tells something about a customer folds into the inputs
 * (pure), order-independent where it can be, bounded where inputs could grow without end.
 */
import { type Channel, type OrderStatus } from '../../events/catalog.js';
import { addDecimal, compareDecimal, subtractDecimal, type Money } from '../shared/money.js';
import type { ConsentPurpose, ConsentState, ConsentSummary, Customer } from '../shared/model.js';
import { addToHeart, isPassionSignal, keywordsIn, mergeHeart } from '../social/index.js';
import { type EarlierOrders, type KnowledgeInputs, type KnowledgeSettings, MAX_ORDERS, MAX_PRODUCTS, type OrderFact, type ProductFact, counts, earlier, iso, later, orderKey } from './inputs.js';

// ---------------------------------------------------------------------------------------------------------
// Applying events to the inputs (pure)


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
