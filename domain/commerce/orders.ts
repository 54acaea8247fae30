/**
 * Orders from the stores (Shopify, WooCommerce, the brand's own site): what a store reports about an order
 * becomes one stored order per (store, order id), linked to a customer, shown on the customer's timeline,
 * and announced with OrderPlaced / OrderRefunded / OrderStatusChanged.
 *
 * A store's deliveries can arrive late, twice or out of order, so the stored order only ever gains facts:
 * paid, cancelled and failed times are kept once set, refunds accumulate by refund id, and the order's
 * contents (total, line items) follow the snapshot the store modified last. The status is derived from
 * those facts, so applying the same deliveries in any order gives the same order.
 */
import { publishedByConcurrentAttempt } from '../shared/outbox.js';
import { namesGiven, type PersonNames } from '../shared/customer.js';
import {
  buildEvent,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
  type Channel,
  type OrderStatus,
  type OutgoingEvent,
} from '../../events/catalog.js';
import { z } from 'zod';
import { resolveCustomer, type IdentityInput, type IdentityPorts } from '../customers/index.js';
import { addMoney, compareMoney, isDecimal, isPositive, sumDecimals, zeroLike, type Money } from '../shared/money.js';
import type { EventPublisher } from '../shared/ports.js';
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';

// ---------------------------------------------------------------------------------------------------
// What stores send, read exactly (bodies are parsed with parseJsonExact, domain/shared/money.ts)

/**
 * A store's numeric id as a string: an id beyond 2^53 arrives as its exact text (parseJsonExact), a smaller
 * one as a number; both become the digits the store sent.
 */
export const StoreId = z.union([
  z.string().regex(/^\d{1,24}$/, 'a numeric id'),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'an exact integer id').transform(String),
]);

/** A decimal amount sent as a string ("19.90") or a JSON number whose text survived the parse (3, 12.5). */
export const DecimalText = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (isDecimal(text)) return text;
  ctx.addIssue({ code: 'custom', message: 'an exact decimal such as "19.90"' });
  return z.NEVER;
});

export const CurrencyCode = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');

/** An ISO 8601 time with an offset, as UTC with milliseconds ("2021-12-31T19:00:00-05:00" → "2022-01-01T00:00:00.000Z"). */
export const OffsetTime = z.string().datetime({ offset: true }).transform((t) => new Date(t).toISOString());

/** WooCommerce's `*_gmt` times carry no zone: they are UTC. */
export const GmtTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/, 'a GMT time such as 2017-03-22T19:28:02')
  .refine((t) => !Number.isNaN(Date.parse(`${t}Z`)), 'not a valid time')
  .transform((t) => new Date(`${t}Z`).toISOString());

export type Store = Extract<Channel, 'shopify' | 'woocommerce' | 'web'>;

export interface OrderLine {
  /** The store's product id; a line without one (a deleted product, a service) uses its SKU, else its line id. */
  productId: string;
  quantity: number;
  /** Unit price. */
  price: Money;
}

export interface OrderRefund {
  refundId: string;
  amount: Money;
  at: string;
}

export interface Order {
  /** Our id for the order (stable: the timeline item's id). */
  id: string;
  tenantId: string;
  customerId: string;
  store: Store;
  /** The store's order id, exactly as sent (Shopify's exceed 2^53). */
  orderId: string;
  /** What the shop shows the buyer ("#1001"). */
  orderNumber?: string;
  status: OrderStatus;
  /** The store's own status word (Shopify financial status, WooCommerce status), for display. */
  storeStatus?: string;
  total: Money;
  /** Sum of the refunds, in the order's currency. */
  refunded: Money;
  refunds: OrderRefund[];
  lineItems: OrderLine[];
  placedAt: string;
  paidAt?: string;
  cancelledAt?: string;
  failedAt?: string;
  /** The store's modification time of the contents we hold; older snapshots do not overwrite them. */
  sourceUpdatedAt?: string;
  updatedAt: string;
}

/** Who bought: identities in order of trust (shop customer id, e-mail, phone, ...), and names for a new customer. */
export interface Buyer extends PersonNames {
  identities: IdentityInput[];
}

/** What a store says about an order at one moment (platform-neutral; built by domain/ingest/*). */
export interface OrderSnapshot {
  store: Store;
  orderId: string;
  orderNumber?: string;
  buyer: Buyer;
  total: Money;
  lineItems: OrderLine[];
  placedAt: string;
  storeStatus?: string;
  paidAt?: string;
  cancelledAt?: string;
  failedAt?: string;
  /** Refunds the snapshot lists (every one so far, or just the new one for a refund notification). */
  refunds: OrderRefund[];
  updatedAt?: string;
}

/** A refund reported on its own (Shopify refunds/create): it only adds to an order we know. */
export interface RefundNotice {
  store: Store;
  orderId: string;
  refund: OrderRefund;
}

export interface StoredOrder {
  order: Order;
  /** Optimistic-concurrency revision of the stored order. */
  rev: number;
  /** Events written with the order but not yet confirmed published (outbox). */
  pendingEvents: OutgoingEvent[];
}

export interface DeliveryRef {
  /** Who delivered: 'shopify', 'woocommerce', 'events', ... */
  source: string;
  /** The delivery's dedupe key (Shopify event id, WooCommerce id + date_modified_gmt, webhook-id). */
  key: string;
}

export type SaveOutcome = 'saved' | 'stale' | 'duplicate';

export interface OrderRepository {
  get(tenantId: string, store: Store, orderId: string): Promise<StoredOrder | undefined>;
  /**
   * Writes the order, its timeline item and the delivery's dedupe record in one transaction.
   * 'stale': the order changed since `expectedRev` was read (null: it must not exist yet), read again;
   * 'duplicate': the delivery was recorded before.
   */
  save(order: Order, expectedRev: number | null, pendingEvents: OutgoingEvent[], delivery: DeliveryRef): Promise<SaveOutcome>;
  /** Drops these events from the order's pending list once they are published. */
  /** `saved`: the revision and list this caller just wrote, so the first attempt needs no read. */
  clearPending(tenantId: string, store: Store, orderId: string, eventIds: string[], saved?: SavedPending): Promise<void>;
  /** Whether this delivery was recorded before. */
  seen(tenantId: string, delivery: DeliveryRef): Promise<boolean>;
}

export interface OrderPorts extends IdentityPorts {
  orders: OrderRepository;
  publisher: EventPublisher;
}

export interface OrderContext {
  tenantId: string;
  correlationId: string;
}

export type OrderOutcome =
  | { outcome: 'recorded'; order: Order; published: number }
  | { outcome: 'duplicate'; republished: number }
  | { outcome: 'ignored'; reason: 'no-buyer' | 'order-unknown' };

const MAX_ATTEMPTS = 5;

/** The status the facts say: a full refund wins, then a cancellation, a partial refund, a payment, a failure. */
export function deriveStatus(order: Pick<Order, 'total' | 'refunded' | 'paidAt' | 'cancelledAt' | 'failedAt'>): OrderStatus {
  const refundedSome = isPositive(order.refunded);
  if (refundedSome && compareMoney(order.refunded, order.total) >= 0) return 'refunded';
  if (order.cancelledAt) return 'cancelled';
  if (refundedSome) return 'partially_refunded';
  if (order.paidAt) return 'paid';
  return order.failedAt ? 'failed' : 'pending';
}

/** Refunds in another currency than the order's cannot be added exactly; they are left out. */
function addRefunds(existing: readonly OrderRefund[], incoming: readonly OrderRefund[], currency: string): OrderRefund[] {
  const seen = new Set(existing.map((r) => r.refundId));
  const added: OrderRefund[] = [];
  for (const refund of incoming) {
    if (refund.amount.currency !== currency || seen.has(refund.refundId)) continue;
    seen.add(refund.refundId);
    added.push(refund);
  }
  return [...existing, ...added];
}

function refundedOf(refunds: readonly OrderRefund[], total: Money): Money {
  return { amount: sumDecimals(refunds.map((r) => r.amount.amount), zeroLike(total).amount), currency: total.currency };
}

/** A new order from its first snapshot. */
export function newOrder(snapshot: OrderSnapshot, ids: { id: string; tenantId: string; customerId: string; now: string }): Order {
  const refunds = addRefunds([], snapshot.refunds, snapshot.total.currency);
  const facts = {
    total: snapshot.total,
    refunded: refundedOf(refunds, snapshot.total),
    ...(snapshot.paidAt !== undefined && { paidAt: snapshot.paidAt }),
    ...(snapshot.cancelledAt !== undefined && { cancelledAt: snapshot.cancelledAt }),
    ...(snapshot.failedAt !== undefined && { failedAt: snapshot.failedAt }),
  };
  return {
    id: ids.id,
    tenantId: ids.tenantId,
    customerId: ids.customerId,
    store: snapshot.store,
    orderId: snapshot.orderId,
    ...(snapshot.orderNumber !== undefined && { orderNumber: snapshot.orderNumber }),
    status: deriveStatus(facts),
    ...(snapshot.storeStatus !== undefined && { storeStatus: snapshot.storeStatus }),
    ...facts,
    refunds,
    lineItems: snapshot.lineItems,
    placedAt: snapshot.placedAt,
    ...(snapshot.updatedAt !== undefined && { sourceUpdatedAt: snapshot.updatedAt }),
    updatedAt: ids.now,
  };
}

/** The order after a snapshot or a refund notice: facts only accumulate (see the module comment). */
export function mergeIntoOrder(order: Order, change: OrderSnapshot | RefundNotice, now: string): Order {
  const snapshot = 'refund' in change ? undefined : change;
  const newer = snapshot !== undefined && (!order.sourceUpdatedAt || !snapshot.updatedAt || snapshot.updatedAt >= order.sourceUpdatedAt);
  // a newer snapshot may change the contents, but not the currency refunds were added up in
  const contents = newer && snapshot.total.currency === order.total.currency ? snapshot : undefined;
  const total = contents?.total ?? order.total;
  const refunds = addRefunds(order.refunds, snapshot ? snapshot.refunds : [(change as RefundNotice).refund], order.total.currency);
  const next: Order = {
    ...order,
    ...(contents && {
      total: contents.total,
      lineItems: contents.lineItems,
      ...(contents.storeStatus !== undefined && { storeStatus: contents.storeStatus }),
      ...(contents.orderNumber !== undefined && { orderNumber: contents.orderNumber }),
      ...(contents.updatedAt !== undefined && { sourceUpdatedAt: contents.updatedAt }),
    }),
    ...((order.paidAt ?? snapshot?.paidAt) !== undefined && { paidAt: (order.paidAt ?? snapshot?.paidAt) as string }),
    ...((order.cancelledAt ?? snapshot?.cancelledAt) !== undefined && { cancelledAt: (order.cancelledAt ?? snapshot?.cancelledAt) as string }),
    ...((order.failedAt ?? snapshot?.failedAt) !== undefined && { failedAt: (order.failedAt ?? snapshot?.failedAt) as string }),
    refunds,
    refunded: refundedOf(refunds, total),
    updatedAt: now,
  };
  return { ...next, status: deriveStatus(next) };
}

/** What changed between two versions of an order, as events (none for a delivery that added nothing). */
export function orderEvents(ctx: OrderContext, before: Order | undefined, after: Order, now: string): OutgoingEvent[] {
  const ref = { customerId: after.customerId, orderId: after.orderId, store: after.store };
  const key = `${after.store}:${after.orderId}`;
  const meta = (eventId: string, occurredAt: string) => ({ tenantId: ctx.tenantId, eventId, occurredAt, correlationId: ctx.correlationId });
  const events: OutgoingEvent[] = [];
  if (!before) {
    events.push(
      buildEvent(OrderPlaced, meta(`order-placed:${key}`, after.placedAt), {
        ...ref,
        total: after.total,
        lineItems: after.lineItems,
        status: after.status,
        placedAt: after.placedAt,
      }),
    );
  }
  const known = new Set((before?.refunds ?? []).map((r) => r.refundId));
  let running = before?.refunded ?? zeroLike(after.total);
  for (const refund of after.refunds) {
    if (known.has(refund.refundId)) continue;
    running = addMoney(running, refund.amount);
    events.push(
      buildEvent(OrderRefunded, meta(`order-refunded:${key}:${refund.refundId}`, refund.at), {
        ...ref,
        amount: refund.amount,
        refundId: refund.refundId,
        refundedTotal: running,
        status: after.status,
      }),
    );
  }
  if (before && before.status !== after.status) {
    events.push(
      buildEvent(OrderStatusChanged, meta(`order-status:${key}:${after.status}`, statusTime(after) ?? now), {
        ...ref,
        from: before.status,
        to: after.status,
        total: after.total,
      }),
    );
  }
  return events;
}

function statusTime(order: Order): string | undefined {
  switch (order.status) {
    case 'paid':
      return order.paidAt;
    case 'cancelled':
      return order.cancelledAt;
    case 'failed':
      return order.failedAt;
    case 'refunded':
    case 'partially_refunded':
      return order.refunds.at(-1)?.at;
    default:
      return undefined;
  }
}

const eventIdOf = (e: OutgoingEvent) => e.detail.metadata.eventId;

/** Publish what the order still holds unpublished, then drop it from the order (consumers dedupe on event id). */
async function publishPending(ports: OrderPorts, tenantId: string, store: Store, orderId: string, pending: OutgoingEvent[], savedRev?: number): Promise<number> {
  if (pending.length === 0) return 0;
  await ports.publisher.publish(pending);
  await ports.orders.clearPending(tenantId, store, orderId, pending.map(eventIdOf), savedRev === undefined ? undefined : { rev: savedRev, pendingEvents: pending });
  return pending.length;
}

/** What an order held unpublished at a revision. */
export interface SavedPending {
  rev: number;
  pendingEvents: OutgoingEvent[];
}

/**
 * A store reported an order (placed, paid, cancelled, updated, refunded):
 * 1. a delivery recorded before changes nothing (it only finishes publishing what an earlier attempt left): the
 *    transaction of step 3 is conditional on the delivery record, so a redelivery is told apart there;
 * 2. an order seen for the first time is linked to its buyer: shop customer id, e-mail or phone, a new
 *    customer when none matches (guest orders too); an order without any of them is acknowledged, not stored;
 * 3. the stored order gains the snapshot's facts (and follows its customer into a merge); the events for
 *    what changed are written with it, its timeline item and the delivery record in one transaction (a
 *    concurrent writer makes us read again);
 * 4. the events are published, then dropped from the order. A failure in between leaves them on the order:
 *    the store's retry, or the order's next delivery, publishes them.
 */
export async function recordOrderChange(
  ports: OrderPorts,
  ctx: OrderContext,
  change: OrderSnapshot | RefundNotice,
  delivery: DeliveryRef,
): Promise<OrderOutcome> {
  const { store, orderId } = change;
  // no read of the delivery record first: the save below is conditional on it, so a redelivery ends there as a
  // duplicate (having found the buyer it already made), and every first delivery (nearly all) saves a read

  let customerId: string | undefined;
  return untilUnchanged(`order ${store}:${orderId}`, async () => {
    const stored = await ports.orders.get(ctx.tenantId, store, orderId);
    const now = ports.clock.now().toISOString();
    let next: Order;
    if (stored) {
      next = { ...mergeIntoOrder(stored.order, change, now), customerId: await currentOwner(ports, ctx.tenantId, stored.order.customerId) };
    } else {
      if ('refund' in change) return { outcome: 'ignored', reason: 'order-unknown' };
      if (change.buyer.identities.length === 0) return { outcome: 'ignored', reason: 'no-buyer' };
      customerId ??= await buyerOf(ports, ctx.tenantId, change.buyer);
      next = newOrder(change, { id: ports.ids.next(), tenantId: ctx.tenantId, customerId, now });
    }
    const events = orderEvents(ctx, stored?.order, next, now);
    const pending = [...(stored?.pendingEvents ?? []), ...events];
    const saved = await ports.orders.save(next, stored?.rev ?? null, pending, delivery);
    if (saved === 'duplicate') return duplicate(ports, ctx.tenantId, store, orderId);
    if (saved === 'stale') return CHANGED;
    const published = await publishPending(ports, ctx.tenantId, store, orderId, pending, (stored?.rev ?? -1) + 1);
    return { outcome: 'recorded', order: next, published };
  }, { attempts: MAX_ATTEMPTS });
}

async function duplicate(ports: OrderPorts, tenantId: string, store: Store, orderId: string): Promise<OrderOutcome> {
  let stored = await ports.orders.get(tenantId, store, orderId);
  if (stored && stored.pendingEvents.length > 0) {
    // a concurrent attempt of the same delivery may be publishing them right now (domain/shared/outbox.ts)
    const stillPending = async () => {
      stored = await ports.orders.get(tenantId, store, orderId);
      return (stored?.pendingEvents.length ?? 0) > 0;
    };
    if (await publishedByConcurrentAttempt(stillPending)) return { outcome: 'duplicate', republished: 0 };
  }
  const republished = stored ? await publishPending(ports, tenantId, store, orderId, stored.pendingEvents) : 0;
  return { outcome: 'duplicate', republished };
}

/**
 * The customer an order belongs to now: a merge (domain/customers/merge.ts) moves the order's timeline item to the
 * survivor and leaves the merged record as a tombstone pointing there, so the order follows it.
 */
async function currentOwner(ports: OrderPorts, tenantId: string, customerId: string): Promise<string> {
  let id = customerId;
  for (let hop = 0; hop < 5; hop++) {
    const next = (await ports.customers.get(tenantId, id))?.mergedInto;
    if (!next) return id;
    id = next;
  }
  return id;
}

async function buyerOf(ports: OrderPorts, tenantId: string, buyer: Buyer): Promise<string> {
  const [primary, ...links] = buyer.identities as [IdentityInput, ...IdentityInput[]];
  const { customerId } = await resolveCustomer(ports, tenantId, {
    primary,
    ...(links.length > 0 && { links }),
    ...namesGiven(buyer),
  });
  return customerId;
}
