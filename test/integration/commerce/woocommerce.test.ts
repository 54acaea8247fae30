/**
 * WooCommerce → orders and customers, through real HTTP: the save-time ping, the verbatim samples, guest
 * orders linked by e-mail, status changes, refunds (partial and full), cancellations and redelivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, OrderPlaced, OrderRefunded, OrderStatusChanged } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf, sample } from '../../support/webhooks.js';
import { postWoo, storedOrder, uniqueEmail, withSecrets, wooOrderBody, busMark } from '../../support/stores.js';

let rt: TestRuntime;
let secret: string;
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  // other contexts' consumers are theirs to test: without them this file's requests run alone
  rt = await startTestRuntime({ startConsumers: false });
  const acme = rt.credentials.tenants[0]!;
  secret = acme.secrets.woocommerce.secret;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

let nextOrder = 5000;
const newOrderId = () => nextOrder++;
const post = (topic: string, body: string, headers: Record<string, string> = {}) => postWoo(rt.url, 'acme', secret, topic, body, headers);
const byEmail = async (email: string) => (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
const orderOn = async (customerId: string, orderId: string) =>
  ((await marketer(`/v1/customers/${customerId}/timeline`)).body.items as any[]).find((i) => i.type === 'order' && i.orderId === orderId);

describe('the save-time ping', () => {
  it('answers the unsigned webhook_id ping with 200 and writes nothing', async () => {
    const before = busMark(rt.bus);
    const res = await fetch(`${rt.url}/webhooks/acme/woocommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'webhook_id=31',
    });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ outcome: 'ping' });
    expect(before()).toEqual([]);
  });

  it('refuses anything else unsigned with 401', async () => {
    const res = await fetch(`${rt.url}/webhooks/acme/woocommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'webhook_id=31&extra=1',
    });
    expect(res.status).toBe(401);
    const unsignedOrder = await fetch(`${rt.url}/webhooks/acme/woocommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created' },
      body: wooOrderBody({ orderId: newOrderId() }),
    });
    expect(unsignedOrder.status).toBe(401);
  });
});

describe('order.created, verbatim sample (a guest)', () => {
  it('stores order 727 on a customer found by the billing e-mail, published with its lines', async () => {
    const before = busMark(rt.bus);
    const res = await post('order.created', sample('woocommerce-order-created.rest-api-docs.json'));
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ topic: 'order.created', outcome: 'recorded', orderId: '727', status: 'paid' });
    const customer = await byEmail('john.doe@example.com');
    // the billing phone "(555) 555-5555" is not international: it is left out, the order is not refused
    expect(customer.identities.map((i: { channel: string; externalId: string }) => `${i.channel}:${i.externalId}`)).toEqual(['email:john.doe@example.com']);
    const order = await orderOn(customer.id, '727');
    expect(order).toMatchObject({
      store: 'woocommerce',
      orderId: '727',
      total: { amount: '29.35', currency: 'USD' },
      status: 'paid',
      storeStatus: 'processing',
      occurredAt: '2017-03-22T19:28:02.000Z',
      paidAt: '2017-03-22T19:28:08.000Z',
    });
    expect(order.lineItems).toEqual([
      { productId: '93', quantity: 2, price: { amount: '3', currency: 'USD' } },
      { productId: '22', quantity: 1, price: { amount: '12', currency: 'USD' } },
    ]);
    const placed = before(OrderPlaced.detailType);
    expect(placed).toHaveLength(1);
    expect(OrderPlaced.detail.parse(placed[0]!.detail).data).toMatchObject({ customerId: customer.id, orderId: '727', store: 'woocommerce' });
  });

  it('treats the same order and date_modified_gmt as a redelivery (order.updated fired with it too)', async () => {
    const before = busMark(rt.bus);
    const res = await post('order.updated', sample('woocommerce-order-created.rest-api-docs.json'));
    expect((await jsonOf(res)).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
  });
});

describe('guest orders link by e-mail', () => {
  it('puts a guest order on the customer who registered with that e-mail', async () => {
    const email = uniqueEmail('woo');
    const registered = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email, displayName: 'Ana Woo' }) });
    expect(registered.status).toBe(201);
    const orderId = newOrderId();
    await post('order.created', wooOrderBody({ orderId, email: email.toUpperCase() }));
    expect(await orderOn(registered.body.id, String(orderId))).toMatchObject({ status: 'paid' });
  });

  it("links a registered Woo customer's order by the Woo customer id", async () => {
    const orderId = newOrderId();
    const email = uniqueEmail('woocust');
    await post('order.created', wooOrderBody({ orderId, customerId: 9001, email }));
    const customer = (await marketer('/v1/customers?channel=woocommerce&externalId=9001')).body.items[0];
    expect(customer.identities.map((i: { channel: string }) => i.channel).sort()).toEqual(['email', 'woocommerce']);
    expect(await orderOn(customer.id, String(orderId))).toBeDefined();
  });
});

describe('order.updated: refunds and cancellations', () => {
  const orderId = newOrderId();
  const email = uniqueEmail('refunds');
  let customerId: string;

  it('a partial refund, then another: each refund once, the sum exact', async () => {
    await post('order.created', wooOrderBody({ orderId, email, modifiedGmt: '2017-03-22T19:28:08' }));
    customerId = (await byEmail(email)).id;
    const before = busMark(rt.bus);
    const partial = wooOrderBody({ orderId, email, modifiedGmt: '2017-03-23T10:00:00', refunds: '[{"id": 801, "reason": "damaged", "total": "-5.10"}]' });
    expect(await jsonOf(await post('order.updated', partial))).toMatchObject({ outcome: 'recorded', status: 'partially_refunded' });
    const full = wooOrderBody({
      orderId,
      email,
      status: 'refunded',
      modifiedGmt: '2017-03-24T10:00:00',
      refunds: '[{"id": 802, "reason": "", "total": "-24.25"}, {"id": 801, "reason": "damaged", "total": "-5.10"}]',
    });
    expect(await jsonOf(await post('order.updated', full))).toMatchObject({ outcome: 'recorded', status: 'refunded' });
    const refunded = before(OrderRefunded.detailType).map((e) => OrderRefunded.detail.parse(e.detail).data);
    expect(refunded.map((d) => [d.refundId, d.amount.amount, d.refundedTotal?.amount])).toEqual([
      ['801', '5.10', '5.10'],
      ['802', '24.25', '29.35'],
    ]);
    const order = await orderOn(customerId, String(orderId));
    expect(order).toMatchObject({ status: 'refunded', refunded: { amount: '29.35', currency: 'USD' }, storeStatus: 'refunded' });
  });

  it('redelivering an older state changes nothing', async () => {
    const before = busMark(rt.bus);
    const partial = wooOrderBody({ orderId, email, modifiedGmt: '2017-03-23T10:00:00', refunds: '[{"id": 801, "reason": "damaged", "total": "-5.10"}]' });
    expect((await jsonOf(await post('order.updated', partial))).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
    expect((await orderOn(customerId, String(orderId))).status).toBe('refunded');
  });

  it('a cancelled order (never paid) is stored cancelled, with OrderStatusChanged', async () => {
    const id = newOrderId();
    const mail = uniqueEmail('cancel');
    await post('order.created', wooOrderBody({ orderId: id, email: mail, status: 'pending', datePaidGmt: null }));
    const before = busMark(rt.bus);
    const res = await post('order.updated', wooOrderBody({ orderId: id, email: mail, status: 'cancelled', datePaidGmt: null, modifiedGmt: '2017-03-25T08:00:00' }));
    expect(await jsonOf(res)).toMatchObject({ outcome: 'recorded', status: 'cancelled' });
    expect(before(OrderStatusChanged.detailType).map((e) => e.detail.data)).toEqual([
      { customerId: (await byEmail(mail)).id, orderId: String(id), store: 'woocommerce', from: 'pending', to: 'cancelled', total: { amount: '29.35', currency: 'USD' } },
    ]);
  });
});

describe('customer.created', () => {
  it('registers the verbatim sample customer by Woo id and e-mail, once', async () => {
    const before = busMark(rt.bus);
    const body = sample('woocommerce-customer-created.rest-api-docs.json');
    const res = await post('customer.created', body);
    const answer = await jsonOf(res);
    expect(answer.outcome).toBe('registered');
    const customer = (await marketer('/v1/customers?channel=woocommerce&externalId=25')).body.items[0];
    // they bought as a guest before: registering moves a prospect to lead, never a buyer back
    expect(customer).toMatchObject({ id: answer.customerId, displayName: 'John Doe', registeredVia: 'woocommerce' });
    expect(customer.stage).not.toBe('prospect');
    // the guest of order 727 had the same e-mail: that customer is the one who registered now
    expect((await byEmail('john.doe@example.com')).id).toBe(customer.id);
    expect(before(CustomerRegistered.detailType).map((e) => e.detail.data)).toEqual([{ customerId: customer.id, channel: 'woocommerce', stage: expect.any(String) }]);
    expect((await jsonOf(await post('customer.created', body))).outcome).toBe('duplicate');
  });
});

describe('what the webhook refuses or only acknowledges', () => {
  it('401 for a wrong signature, accepting both secrets during a rotation', async () => {
    const id = newOrderId();
    const body = wooOrderBody({ orderId: id, email: uniqueEmail('sig') });
    expect((await post('order.created', body, { 'x-wc-webhook-signature': 'AAAA' })).status).toBe(401);
    expect(await storedOrder(rt.tableName, 'acme', 'woocommerce', String(id))).toBeUndefined();
    await withSecrets('acme', (s) => ({ ...s, woocommerce: { secrets: ['woo-new-secret', secret] } }), async () => {
      expect((await postWoo(rt.url, 'acme', 'woo-new-secret', 'order.created', body)).status).toBe(200);
    });
    expect(await storedOrder(rt.tableName, 'acme', 'woocommerce', String(id))).toBeDefined();
  });

  it('400 for a signed payload that is not an order, writing nothing', async () => {
    const id = newOrderId();
    const before = busMark(rt.bus);
    const res = await post('order.created', wooOrderBody({ orderId: id }).replace('"date_modified_gmt": "2017-03-22T19:28:08"', '"date_modified_gmt": "yesterday"'));
    expect(res.status).toBe(400);
    expect(JSON.stringify((await jsonOf(res)).error.details)).toContain('date_modified_gmt');
    expect((await post('order.created', 'not json')).status).toBe(400);
    expect(await storedOrder(rt.tableName, 'acme', 'woocommerce', String(id))).toBeUndefined();
    expect(before()).toEqual([]);
  });

  it('acknowledges other topics with 200', async () => {
    const res = await post('product.updated', '{"id": 93}');
    expect(await jsonOf(res)).toEqual({ topic: 'product.updated', outcome: 'ignored' });
  });
});
