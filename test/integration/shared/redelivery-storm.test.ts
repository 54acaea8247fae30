/**
 * Redelivery storms: a platform sends the same delivery 10 times at once (a retry racing the original, a
 * replay). Whatever the webhook kind, no copy answers 5xx, and every event the delivery causes is published
 * once, not once per copy (domain/shared/outbox.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { changesEntry, delivery, pageComment } from '../../support/meta.js';
import { bigId, busMark, postEvent, postShopify, postWoo, shopifyOrderBody, uniqueEmail, wooOrderBody } from '../../support/stores.js';
import { postMeta } from '../../support/webhooks.js';
import { postX, tweet, xDelivery, xUser } from '../../support/x.js';

let rt: TestRuntime;
type Tenant = TestRuntime['credentials']['tenants'][number];
let acme: Tenant;

beforeAll(async () => {
  // the webhooks alone: consumers would only add their own events, which are theirs to test
  rt = await startTestRuntime({ startConsumers: false });
  acme = rt.credentials.tenants[0]!;
});
afterAll(async () => rt?.stop());

const COPIES = 10;

/** Sends `COPIES` identical copies at once; answers their statuses and how often each event id was published. */
async function storm(send: () => Promise<Response>) {
  const since = busMark(rt.bus);
  const statuses = await Promise.all(Array.from({ length: COPIES }, async () => (await send()).status));
  const published = new Map<string, number>();
  for (const e of since()) published.set(e.detail.metadata.eventId, (published.get(e.detail.metadata.eventId) ?? 0) + 1);
  return { statuses, published };
}

function expectOnePublishEach(published: Map<string, number>, atLeast: number) {
  expect(published.size).toBeGreaterThanOrEqual(atLeast);
  for (const [eventId, count] of published) expect({ eventId, count }).toEqual({ eventId, count: 1 });
}

describe(`${COPIES} parallel copies of one delivery`, () => {
  it('Meta comment: every copy answered 2xx, InteractionRecorded published once', async () => {
    const body = delivery('page', [changesEntry(acme.accounts.facebook, [pageComment({ pageId: acme.accounts.facebook, fromId: `storm-${bigId()}`, fromName: 'Ana', message: 'Love it' })])]);
    const { statuses, published } = await storm(() => postMeta(rt.url, acme.tenantId, acme.secrets.meta.appSecret, body));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expectOnePublishEach(published, 1);
  });

  it('X mention: every copy answered 2xx, InteractionRecorded published once', async () => {
    const body = xDelivery(acme.accounts.x, {
      tweet_create_events: [tweet({ text: '@brand hello', user: xUser({ id: `9${Date.now()}`, screenName: 'stormy' }), mentions: [{ id: acme.accounts.x, screenName: 'brand' }] })],
    });
    const { statuses, published } = await storm(() => postX(rt.url, acme.tenantId, acme.secrets.x.consumerSecret, body));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expectOnePublishEach(published, 1);
  });

  it('Shopify order from a new buyer: every copy answered 2xx, its events published once', async () => {
    const body = shopifyOrderBody({ orderId: bigId(), customerId: bigId(), email: uniqueEmail('storm'), cancelled: false, financialStatus: 'paid' });
    const headers = { 'x-shopify-event-id': `storm-${bigId()}`, 'x-shopify-webhook-id': `storm-${bigId()}` };
    const { statuses, published } = await storm(() => postShopify(rt.url, acme.tenantId, acme.secrets.shopify.secret, 'orders/create', body, headers));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expectOnePublishEach(published, 1);
  });

  it('WooCommerce order: every copy answered 2xx, its events published once', async () => {
    const body = wooOrderBody({ orderId: 880000 + (Date.now() % 100000), email: uniqueEmail('woostorm') });
    const { statuses, published } = await storm(() => postWoo(rt.url, acme.tenantId, acme.secrets.woocommerce.secret, 'order.created', body));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expectOnePublishEach(published, 1);
  });

  it('Standard Webhooks order.placed: every copy answered 2xx, its events published once', async () => {
    const id = `msg_storm${bigId()}`;
    const data = { orderId: `storm-${bigId()}`, customer: { email: uniqueEmail('webstorm') }, total: { amount: '59.90', currency: 'EUR' }, lineItems: [{ productId: 'sku-1', quantity: 1, price: { amount: '59.90', currency: 'EUR' } }] };
    const timestamp = Math.floor(Date.now() / 1000);
    const { statuses, published } = await storm(() => postEvent(rt.url, acme.tenantId, acme.secrets.events.secret, 'order.placed', data, { id, timestamp }));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expectOnePublishEach(published, 1);
  });
});
