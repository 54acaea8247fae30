import { beforeEach, describe, expect, it } from 'vitest';
import { OrderPlaced, OrderRefunded, OrderStatusChanged } from '../../../events/catalog.js';
import { deriveStatus, mergeIntoOrder, newOrder, orderEvents, recordOrderChange, type Order, type OrderSnapshot } from '../../../domain/commerce/orders.js';
import { FakeCommerceStore, FakeCustomers, FakePublisher, fixedClock, sequentialIds } from '../../support/fakes.js';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const ctx = { tenantId: 'acme', correlationId: 'corr-1' };
const NOW = '2026-11-23T10:00:00.000Z';

function snapshot(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    store: 'shopify',
    orderId: '820982911946154508',
    buyer: { identities: [{ channel: 'shopify', externalId: '115310627314723954' }, { channel: 'email', externalId: 'john@example.com' }], displayName: 'John Smith' },
    total: usd('100.00'),
    lineItems: [{ productId: '788032119674292922', quantity: 1, price: usd('100.00') }],
    placedAt: '2022-01-01T00:00:00.000Z',
    refunds: [],
    updatedAt: '2022-01-01T00:00:00.000Z',
    ...over,
  };
}
const order = (over: Partial<OrderSnapshot> = {}): Order => newOrder(snapshot(over), { id: 'o-1', tenantId: 'acme', customerId: 'c-1', now: NOW });
const refund = (refundId: string, amount: string, at = '2022-01-05T00:00:00.000Z') => ({ refundId, amount: usd(amount), at });

describe('status from the facts', () => {
  it('a full refund wins, then a cancellation, a partial refund, a payment, a failure', () => {
    const base = { total: usd('10.00'), refunded: usd('0.00') };
    expect(deriveStatus(base)).toBe('pending');
    expect(deriveStatus({ ...base, failedAt: NOW })).toBe('failed');
    expect(deriveStatus({ ...base, paidAt: NOW, failedAt: NOW })).toBe('paid');
    expect(deriveStatus({ ...base, paidAt: NOW, refunded: usd('0.01') })).toBe('partially_refunded');
    expect(deriveStatus({ ...base, paidAt: NOW, cancelledAt: NOW, refunded: usd('5') })).toBe('cancelled');
    expect(deriveStatus({ ...base, paidAt: NOW, cancelledAt: NOW, refunded: usd('10') })).toBe('refunded');
  });
});

describe('merging what a store reports', () => {
  it('accumulates refunds once each, exactly', () => {
    let o = order({ paidAt: NOW });
    o = mergeIntoOrder(o, { store: 'shopify', orderId: o.orderId, refund: refund('r1', '0.10') }, NOW);
    o = mergeIntoOrder(o, { store: 'shopify', orderId: o.orderId, refund: refund('r2', '0.20') }, NOW);
    o = mergeIntoOrder(o, { store: 'shopify', orderId: o.orderId, refund: refund('r2', '0.20') }, NOW);
    expect(o.refunded).toEqual(usd('0.30'));
    expect(o.refunds.map((r) => r.refundId)).toEqual(['r1', 'r2']);
    expect(o.status).toBe('partially_refunded');
    // a snapshot listing both refunds again adds nothing
    o = mergeIntoOrder(o, snapshot({ refunds: [refund('r1', '0.10'), refund('r2', '0.20')] }), NOW);
    expect(o.refunded).toEqual(usd('0.30'));
  });

  it('keeps facts from late deliveries but not their older contents', () => {
    const current = mergeIntoOrder(order(), snapshot({ total: usd('120.00'), updatedAt: '2022-01-03T00:00:00.000Z', cancelledAt: '2022-01-03T00:00:00.000Z' }), NOW);
    const late = mergeIntoOrder(current, snapshot({ total: usd('100.00'), updatedAt: '2022-01-02T00:00:00.000Z', paidAt: '2022-01-02T00:00:00.000Z' }), NOW);
    expect(late.total).toEqual(usd('120.00'));
    expect(late.paidAt).toBe('2022-01-02T00:00:00.000Z');
    expect(late.cancelledAt).toBe('2022-01-03T00:00:00.000Z');
    expect(late.status).toBe('cancelled');
  });

  it('leaves out a refund in another currency than the order', () => {
    const o = mergeIntoOrder(order(), { store: 'shopify', orderId: '1', refund: { refundId: 'r', amount: { amount: '5', currency: 'EUR' }, at: NOW } }, NOW);
    expect(o.refunds).toEqual([]);
    expect(o.refunded).toEqual(usd('0.00'));
  });
});

describe('events for what changed', () => {
  it('a new order: OrderPlaced with lines and status, and OrderRefunded for refunds it already had', () => {
    const o = order({ paidAt: NOW, refunds: [refund('r1', '10.00')] });
    const events = orderEvents(ctx, undefined, o, NOW);
    expect(events.map((e) => e.detailType)).toEqual([OrderPlaced.detailType, OrderRefunded.detailType]);
    expect(OrderPlaced.data.parse(events[0]!.detail.data)).toMatchObject({ orderId: '820982911946154508', status: 'partially_refunded', placedAt: o.placedAt });
    expect(events[0]!.detail.metadata).toMatchObject({ eventId: 'order-placed:shopify:820982911946154508', occurredAt: o.placedAt });
  });

  it('a change: one OrderRefunded per new refund with the running total, and OrderStatusChanged', () => {
    const before = order({ paidAt: NOW, refunds: [refund('r1', '10.00')] });
    const after = mergeIntoOrder(before, snapshot({ refunds: [refund('r1', '10.00'), refund('r2', '90.00')] }), NOW);
    const events = orderEvents(ctx, before, after, NOW);
    expect(events.map((e) => e.detailType)).toEqual([OrderRefunded.detailType, OrderStatusChanged.detailType]);
    expect(events[0]!.detail.data).toMatchObject({ refundId: 'r2', amount: usd('90.00'), refundedTotal: usd('100.00'), status: 'refunded' });
    expect(events[1]!.detail.data).toMatchObject({ from: 'partially_refunded', to: 'refunded' });
    expect(orderEvents(ctx, after, mergeIntoOrder(after, snapshot(), NOW), NOW)).toEqual([]);
  });
});

describe('recordOrderChange', () => {
  let customers: FakeCustomers;
  let store: FakeCommerceStore;
  let publisher: FakePublisher;
  let ports: Parameters<typeof recordOrderChange>[0];
  beforeEach(() => {
    customers = new FakeCustomers();
    store = new FakeCommerceStore(customers);
    publisher = new FakePublisher();
    ports = { customers, orders: store, publisher, clock: fixedClock(), ids: sequentialIds('x') };
  });
  const delivery = (key: string) => ({ source: 'shopify', key });

  it('links a new order to a new customer holding the shop id and e-mail; a guest order with that e-mail joins them', async () => {
    const first = await recordOrderChange(ports, ctx, snapshot(), delivery('e1'));
    expect(first.outcome).toBe('recorded');
    const customerId = (first as { order: Order }).order.customerId;
    expect(await customers.findIdByIdentity('acme', 'email', 'john@example.com')).toBe(customerId);
    const guest = await recordOrderChange(ports, ctx, snapshot({ orderId: '2', buyer: { identities: [{ channel: 'email', externalId: 'john@example.com' }] } }), delivery('e2'));
    expect((guest as { order: Order }).order.customerId).toBe(customerId);
    expect(publisher.published.map((e) => e.detailType)).toEqual([OrderPlaced.detailType, OrderPlaced.detailType]);
  });

  it('a redelivery changes nothing and publishes nothing', async () => {
    await recordOrderChange(ports, ctx, snapshot(), delivery('e1'));
    const again = await recordOrderChange(ports, ctx, snapshot({ total: usd('1.00') }), delivery('e1'));
    expect(again).toEqual({ outcome: 'duplicate', republished: 0 });
    expect(publisher.published).toHaveLength(1);
    expect((await store.get('acme', 'shopify', '820982911946154508'))?.order.total).toEqual(usd('100.00'));
  });

  it('reads again when another writer changed the order meanwhile', async () => {
    await recordOrderChange(ports, ctx, snapshot(), delivery('e1'));
    store.failNextSave = true;
    const result = await recordOrderChange(ports, ctx, { store: 'shopify', orderId: '820982911946154508', refund: refund('r1', '1.00') }, delivery('e2'));
    // the refund and the status it causes (pending → partially_refunded), each once
    expect(result).toMatchObject({ outcome: 'recorded', published: 2 });
    expect(publisher.published.map((e) => e.detailType)).toEqual([OrderPlaced.detailType, OrderRefunded.detailType, OrderStatusChanged.detailType]);
    expect((await store.get('acme', 'shopify', '820982911946154508'))?.order.refunded).toEqual(usd('1.00'));
  });

  it('a publish that fails leaves the events on the order; the redelivery publishes them', async () => {
    publisher.failNext = true;
    await expect(recordOrderChange(ports, ctx, snapshot(), delivery('e1'))).rejects.toThrow('PutEvents failed');
    expect((await store.get('acme', 'shopify', '820982911946154508'))?.pendingEvents.map((e) => e.detailType)).toEqual([OrderPlaced.detailType]);
    expect(await recordOrderChange(ports, ctx, snapshot(), delivery('e1'))).toEqual({ outcome: 'duplicate', republished: 1 });
    expect(publisher.published.map((e) => e.detailType)).toEqual([OrderPlaced.detailType]);
    expect((await store.get('acme', 'shopify', '820982911946154508'))?.pendingEvents).toEqual([]);
  });

  it("the order's next delivery publishes what an earlier one left (WooCommerce never retries)", async () => {
    publisher.failNext = true;
    await expect(recordOrderChange(ports, ctx, snapshot(), delivery('e1'))).rejects.toThrow();
    await recordOrderChange(ports, ctx, snapshot({ paidAt: '2022-01-02T00:00:00.000Z', updatedAt: '2022-01-02T00:00:00.000Z' }), delivery('e2'));
    expect(publisher.published.map((e) => e.detailType)).toEqual([OrderPlaced.detailType, OrderStatusChanged.detailType]);
  });

  it('an order whose customer was merged away follows the survivor', async () => {
    const first = await recordOrderChange(ports, ctx, snapshot(), delivery('e1'));
    const merged = (first as { order: Order }).order.customerId;
    customers.customers.set('survivor', { ...customers.customers.get(merged)!, id: 'survivor', identities: [] });
    customers.customers.get(merged)!.mergedInto = 'survivor';
    const refunded = await recordOrderChange(ports, ctx, { store: 'shopify', orderId: '820982911946154508', refund: refund('r1', '1.00') }, delivery('e2'));
    expect((refunded as { order: Order }).order.customerId).toBe('survivor');
    expect(publisher.published.at(-1)?.detail.data).toMatchObject({ customerId: 'survivor' });
  });

  it('acknowledges a refund for an unknown order and an order without any buyer identity, storing nothing', async () => {
    expect(await recordOrderChange(ports, ctx, { store: 'shopify', orderId: '9', refund: refund('r', '1') }, delivery('e1'))).toEqual({
      outcome: 'ignored',
      reason: 'order-unknown',
    });
    expect(await recordOrderChange(ports, ctx, snapshot({ buyer: { identities: [] } }), delivery('e2'))).toEqual({ outcome: 'ignored', reason: 'no-buyer' });
    expect(store.orders.size).toBe(0);
    expect(customers.customers.size).toBe(0);
  });
});
