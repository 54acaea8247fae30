/**
 * Shopify → orders and customers, through real HTTP and DynamoDB Local: the verbatim samples and variants
 * of them, signatures and rotation, redelivery, payments, refunds (partial and full), cancellations,
 * ids beyond 2^53 and exact decimal money.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, CustomerUpdated, OrderPlaced, OrderRefunded, OrderStatusChanged } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf, sample } from '../../support/webhooks.js';
import { bigId, postShopify, shopifyOrderBody, shopifyRefundBody, shopifySignature, storedOrder, uniqueEmail, withSecrets, busMark } from '../../support/stores.js';

let rt: TestRuntime;
let secret: string;
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  // other contexts' consumers are theirs to test: without them this file's requests run alone
  rt = await startTestRuntime({ startConsumers: false });
  const acme = rt.credentials.tenants[0]!;
  secret = acme.secrets.shopify.secret;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const events = (detailType: string) => rt.bus.recent.filter((e) => e['detail-type'] === detailType);
const post = (topic: string, body: string, headers: Record<string, string | undefined> = {}) => postShopify(rt.url, 'acme', secret, topic, body, headers);
const customerOf = async (channel: string, externalId: string) =>
  (await marketer(`/v1/customers?channel=${channel}&externalId=${encodeURIComponent(externalId)}`)).body.items[0];
const timeline = async (customerId: string) => (await marketer(`/v1/customers/${customerId}/timeline`)).body.items as any[];
const orderOn = async (customerId: string, orderId: string) => (await timeline(customerId)).find((i) => i.type === 'order' && i.orderId === orderId);

describe('orders/create, verbatim sample', () => {
  const body = sample('shopify-orders-create.json');
  const eventId = '59d6d79c-595f-4e7e-bc6f-72f5c3d0c66f';

  it('stores the order with its ids exact and money as decimal strings, on the buyer found by shop id', async () => {
    const before = busMark(rt.bus);
    const res = await post('orders/create', body, { 'x-shopify-event-id': eventId });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ topic: 'orders/create', outcome: 'recorded', orderId: '820982911946154508', status: 'cancelled' });

    const customer = await customerOf('shopify', '115310627314723954');
    expect(customer.identities.map((i: { channel: string; externalId: string }) => `${i.channel}:${i.externalId}`).sort()).toEqual([
      'email:john@example.com',
      'email:jon@example.com',
      'shopify:115310627314723954',
    ]);
    expect(customer.displayName).toBe('John Smith');
    const order = await orderOn(customer.id, '820982911946154508');
    expect(order).toMatchObject({
      type: 'order',
      store: 'shopify',
      orderId: '820982911946154508',
      orderNumber: '#9999',
      total: { amount: '404.95', currency: 'USD' },
      refunded: { amount: '0.00', currency: 'USD' },
      status: 'cancelled',
      storeStatus: 'voided',
      occurredAt: '2022-01-01T00:00:00.000Z',
    });
    expect(order.lineItems).toHaveLength(5);
    expect(order.lineItems[0]).toEqual({ productId: '788032119674292922', quantity: 1, price: { amount: '89.99', currency: 'USD' } });
    // a line without a product keeps its SKU as the product reference
    expect(order.lineItems[1].productId).toBe('LENS-PROTECT-2YR');

    const stored = await storedOrder(rt.tableName, 'acme', 'shopify', '820982911946154508');
    expect(stored?.data.orderId).toBe('820982911946154508');
    expect(stored?.data.customerId).toBe(customer.id);

    const placed = before(OrderPlaced.detailType);
    expect(placed).toHaveLength(1);
    const detail = OrderPlaced.detail.parse(placed[0]!.detail);
    expect(detail.data).toMatchObject({ customerId: customer.id, orderId: '820982911946154508', store: 'shopify', total: { amount: '404.95', currency: 'USD' }, status: 'cancelled' });
    expect(detail.data.lineItems.map((l) => l.productId)).toContain('788032119674292922');
  });

  it('changes nothing and publishes nothing when the same event is delivered again', async () => {
    const before = busMark(rt.bus);
    const customer = await customerOf('shopify', '115310627314723954');
    const res = await post('orders/create', body, { 'x-shopify-event-id': eventId });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
    expect((await timeline(customer.id)).filter((i) => i.type === 'order')).toHaveLength(1);
  });

  it('dedupes on order id and topic when X-Shopify-Event-Id is missing', async () => {
    const orderId = bigId();
    const variant = shopifyOrderBody({ orderId, customerId: bigId(), email: uniqueEmail(), financialStatus: 'pending', cancelled: false });
    expect((await jsonOf(await post('orders/create', variant, { 'x-shopify-event-id': undefined }))).outcome).toBe('recorded');
    const before = busMark(rt.bus);
    expect((await jsonOf(await post('orders/create', variant, { 'x-shopify-event-id': undefined }))).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
  });
});

describe('an order through its life: paid, partial refunds, full refund', () => {
  const orderId = bigId();
  const shopCustomerId = bigId();
  const email = uniqueEmail('life');
  let customerId: string;

  it('orders/create (pending) then orders/paid: paid, with OrderStatusChanged', async () => {
    const created = shopifyOrderBody({ orderId, customerId: shopCustomerId, email, financialStatus: 'pending', cancelled: false, total: '100.00' });
    expect((await jsonOf(await post('orders/create', created))).status).toBe('pending');
    customerId = (await customerOf('shopify', shopCustomerId)).id;
    const before = busMark(rt.bus);
    const paid = shopifyOrderBody({ orderId, customerId: shopCustomerId, email, financialStatus: 'paid', cancelled: false, total: '100.00', updatedAt: '2022-01-01T10:00:00-05:00' });
    const res = await post('orders/paid', paid);
    expect(await jsonOf(res)).toMatchObject({ outcome: 'recorded', orderId, status: 'paid' });
    const changed = before(OrderStatusChanged.detailType);
    expect(changed.map((e) => e.detail.data)).toEqual([
      { customerId, orderId, store: 'shopify', from: 'pending', to: 'paid', total: { amount: '100.00', currency: 'USD' } },
    ]);
    expect(before(OrderPlaced.detailType)).toHaveLength(0);
  });

  it('partial refunds accumulate exactly and each publishes OrderRefunded once', async () => {
    const before = busMark(rt.bus);
    const first = await post('refunds/create', shopifyRefundBody({ refundId: bigId(), orderId, amount: '10.10' }));
    expect(await jsonOf(first)).toMatchObject({ outcome: 'recorded', status: 'partially_refunded' });
    const refundId = bigId();
    const second = shopifyRefundBody({ refundId, orderId, amount: '0.20' });
    expect((await jsonOf(await post('refunds/create', second, { 'x-shopify-event-id': `evt-${refundId}` }))).outcome).toBe('recorded');
    // the same refund again (a redelivery) adds nothing
    expect((await jsonOf(await post('refunds/create', second, { 'x-shopify-event-id': `evt-${refundId}` }))).outcome).toBe('duplicate');

    const order = await orderOn(customerId, orderId);
    expect(order.refunded).toEqual({ amount: '10.30', currency: 'USD' });
    expect(order.refunds).toHaveLength(2);
    expect(order.status).toBe('partially_refunded');
    const refunded = before(OrderRefunded.detailType).map((e) => OrderRefunded.detail.parse(e.detail).data);
    expect(refunded.map((d) => [d.amount.amount, d.refundedTotal?.amount])).toEqual([
      ['10.10', '10.10'],
      ['0.20', '10.30'],
    ]);
  });

  it('a refund for the rest makes it refunded', async () => {
    const res = await post('refunds/create', shopifyRefundBody({ refundId: bigId(), orderId, amount: '89.70' }));
    expect(await jsonOf(res)).toMatchObject({ outcome: 'recorded', status: 'refunded' });
    const order = await orderOn(customerId, orderId);
    expect(order.refunded).toEqual({ amount: '100.00', currency: 'USD' });
    expect(order.status).toBe('refunded');
  });

  it('a late orders/paid delivery does not take the status back', async () => {
    const paidAgain = shopifyOrderBody({ orderId, customerId: shopCustomerId, email, financialStatus: 'paid', cancelled: false, total: '100.00' });
    await post('orders/paid', paidAgain);
    expect((await orderOn(customerId, orderId)).status).toBe('refunded');
  });

  it('acknowledges a refund for an order it never saw, storing nothing', async () => {
    const unknown = bigId();
    const res = await post('refunds/create', shopifyRefundBody({ refundId: bigId(), orderId: unknown, amount: '1.00' }));
    expect(await jsonOf(res)).toEqual({ topic: 'refunds/create', outcome: 'ignored' });
    expect(await storedOrder(rt.tableName, 'acme', 'shopify', unknown)).toBeUndefined();
  });
});

describe('cancellations and exact money', () => {
  it('orders/cancelled marks the stored order cancelled', async () => {
    const orderId = bigId();
    const shopCustomerId = bigId();
    await post('orders/create', shopifyOrderBody({ orderId, customerId: shopCustomerId, financialStatus: 'paid', cancelled: false }));
    const cancelled = shopifyOrderBody({ orderId, customerId: shopCustomerId, financialStatus: 'paid', updatedAt: '2022-01-02T00:00:00-05:00' });
    const res = await post('orders/cancelled', cancelled);
    expect(await jsonOf(res)).toMatchObject({ outcome: 'recorded', status: 'cancelled' });
    const customerId = (await customerOf('shopify', shopCustomerId)).id;
    const order = await orderOn(customerId, orderId);
    expect(order).toMatchObject({ status: 'cancelled', cancelledAt: '2022-01-01T00:00:00.000Z', paidAt: expect.any(String) });
    const change = events(OrderStatusChanged.detailType).find((e) => e.detail.data && (e.detail.data as { orderId: string }).orderId === orderId);
    expect(change?.detail.data).toMatchObject({ from: 'paid', to: 'cancelled' });
  });

  it('adds "0.10" and "0.20" to exactly "0.30": two refunds of a 0.30 order refund it fully', async () => {
    const orderId = bigId();
    const shopCustomerId = bigId();
    await post('orders/create', shopifyOrderBody({ orderId, customerId: shopCustomerId, financialStatus: 'paid', cancelled: false, total: '0.30' }));
    await post('refunds/create', shopifyRefundBody({ refundId: bigId(), orderId, amount: '0.10' }));
    const res = await post('refunds/create', shopifyRefundBody({ refundId: bigId(), orderId, amount: '0.20' }));
    expect((await jsonOf(res)).status).toBe('refunded');
    const order = await orderOn((await customerOf('shopify', shopCustomerId)).id, orderId);
    expect(order.refunded).toEqual({ amount: '0.30', currency: 'USD' });
    expect(order.total).toEqual({ amount: '0.30', currency: 'USD' });
  });
});

describe('guest orders', () => {
  it('links a guest order by e-mail to the customer who already has it, case aside', async () => {
    const email = uniqueEmail('guest');
    const first = shopifyOrderBody({ orderId: bigId(), customerId: bigId(), email, financialStatus: 'paid', cancelled: false });
    await post('orders/create', first);
    const known = (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
    const guestOrderId = bigId();
    const guest = shopifyOrderBody({ orderId: guestOrderId, customerId: null, email: email.toUpperCase(), financialStatus: 'paid', cancelled: false });
    expect((await post('orders/create', guest)).status).toBe(200);
    expect(await orderOn(known.id, guestOrderId)).toBeDefined();
  });

  it('creates a customer for a guest with an e-mail nobody has yet', async () => {
    const email = uniqueEmail('newguest');
    const orderId = bigId();
    await post('orders/create', shopifyOrderBody({ orderId, customerId: null, email, financialStatus: 'paid', cancelled: false }));
    const customer = (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
    expect(customer.identities.map((i: { channel: string }) => i.channel)).toEqual(['email']);
    expect(await orderOn(customer.id, orderId)).toMatchObject({ status: 'paid' });
  });
});

describe('customers/create and customers/update', () => {
  it('registers the verbatim sample customer, its id kept exact, once', async () => {
    const body = sample('shopify-customers-create.json');
    const before = busMark(rt.bus);
    const res = await post('customers/create', body, { 'x-shopify-event-id': 'cust-create-1' });
    const answer = await jsonOf(res);
    expect(answer).toMatchObject({ topic: 'customers/create', outcome: 'registered' });
    const customer = await customerOf('shopify', '706405506930370084');
    expect(customer).toMatchObject({ id: answer.customerId, displayName: 'Bob Biller', stage: 'lead', registeredVia: 'shopify' });
    expect(customer.identities.map((i: { externalId: string }) => i.externalId)).toContain('bob@biller.com');
    const registered = before(CustomerRegistered.detailType);
    expect(registered.map((e) => e.detail.data)).toEqual([{ customerId: customer.id, channel: 'shopify', stage: 'lead' }]);

    const again = await post('customers/create', body, { 'x-shopify-event-id': 'cust-create-1' });
    expect((await jsonOf(again)).outcome).toBe('duplicate');
    expect(before(CustomerRegistered.detailType)).toHaveLength(1);
  });

  it('customers/update attaches a new e-mail and publishes CustomerUpdated once', async () => {
    const email = uniqueEmail('bob');
    const body = sample('shopify-customers-create.json').replace('"bob@biller.com"', `"${email}"`).replace('"updated_at": "2021-12-31T19:00:00-05:00"', '"updated_at": "2022-02-01T00:00:00-05:00"');
    const before = busMark(rt.bus);
    const res = await post('customers/update', body, { 'x-shopify-event-id': undefined });
    expect(await jsonOf(res)).toMatchObject({ outcome: 'updated' });
    const customer = await customerOf('shopify', '706405506930370084');
    expect((await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0].id).toBe(customer.id);
    expect((await jsonOf(await post('customers/update', body, { 'x-shopify-event-id': undefined }))).outcome).toBe('duplicate');
    const updated = before(CustomerUpdated.detailType);
    expect(updated.map((e) => e.detail.data)).toEqual([{ customerId: customer.id, changed: ['identities'] }]);
  });
});

describe('what the webhook refuses or only acknowledges', () => {
  it('401 for a missing or wrong signature, or a re-serialised body, writing nothing', async () => {
    const orderId = bigId();
    const body = shopifyOrderBody({ orderId, customerId: bigId(), cancelled: false });
    const before = busMark(rt.bus);
    expect((await post('orders/create', body, { 'x-shopify-hmac-sha256': undefined })).status).toBe(401);
    const other = rt.credentials.tenants[1]!.secrets.shopify.secret;
    expect((await postShopify(rt.url, 'acme', other, 'orders/create', body)).status).toBe(401);
    const reserialised = await fetch(`${rt.url}/webhooks/acme/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': shopifySignature(secret, body) },
      body: body.replace(/\n\s*/g, ''),
    });
    expect(reserialised.status).toBe(401);
    expect((await jsonOf(reserialised)).error.code).toBe('unauthorized');
    expect(await storedOrder(rt.tableName, 'acme', 'shopify', orderId)).toBeUndefined();
    expect(before()).toEqual([]);
  });

  it('accepts both secrets during a rotation, and only those', async () => {
    const orderA = bigId();
    const orderB = bigId();
    const newSecret = 'rotated-shopify-secret';
    await withSecrets('acme', (s) => ({ ...s, shopify: { secrets: [newSecret, secret] } }), async () => {
      expect((await postShopify(rt.url, 'acme', newSecret, 'orders/create', shopifyOrderBody({ orderId: orderA, customerId: bigId(), cancelled: false }))).status).toBe(200);
      expect((await postShopify(rt.url, 'acme', secret, 'orders/create', shopifyOrderBody({ orderId: orderB, customerId: bigId(), cancelled: false }))).status).toBe(200);
      expect((await postShopify(rt.url, 'acme', 'retired-long-ago', 'orders/create', shopifyOrderBody({ orderId: bigId(), cancelled: false }))).status).toBe(401);
    });
    expect(await storedOrder(rt.tableName, 'acme', 'shopify', orderA)).toBeDefined();
    expect(await storedOrder(rt.tableName, 'acme', 'shopify', orderB)).toBeDefined();
  });

  it('400 for a signed body that is not JSON, lacks the topic, or is not an order, writing nothing', async () => {
    const before = busMark(rt.bus);
    expect((await post('orders/create', '{"id": 1,')).status).toBe(400);
    const orderId = bigId();
    const body = shopifyOrderBody({ orderId, customerId: bigId(), cancelled: false });
    expect((await post('orders/create', body, { 'x-shopify-topic': undefined })).status).toBe(400);
    const noLines = body.replace('"line_items": [', '"line_itemz": [');
    const res = await post('orders/create', noLines);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await jsonOf(res)).error.details)).toContain('line_items');
    const floatMoney = body.replace('"total_price": "404.95"', '"total_price": "404,95"');
    expect((await post('orders/create', floatMoney)).status).toBe(400);
    expect(await storedOrder(rt.tableName, 'acme', 'shopify', orderId)).toBeUndefined();
    expect(before()).toEqual([]);
  });

  it('acknowledges a topic it does not handle with 200, writing nothing', async () => {
    const res = await post('products/update', '{"id": 788032119674292922, "title": "Aviator sunglasses"}');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ topic: 'products/update', outcome: 'ignored' });
  });

  it('404 for an unknown tenant', async () => {
    expect((await postShopify(rt.url, 'nobody', secret, 'orders/create', shopifyOrderBody())).status).toBe(404);
  });
});
