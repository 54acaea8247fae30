/**
 * Logs carry ids only. A sentinel name, e-mail, phone and message text go through every webhook route
 * (signed as each platform signs) and every API route declared in wiring/routes.ts (the list is read from
 * ROUTES, so a route added later is covered without touching this file), the queues drain, and no line any
 * handler or consumer wrote (stdout, stderr, console; Powertools at DEBUG) may contain any of them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // before the handlers' logger is created (it reads the level once)
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

import { logger } from '../../../functions/shared/powertools.js';
import { ROUTES } from '../../../wiring/routes.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta, sample } from '../../support/webhooks.js';
import { messengerMessage, wabaDelivery, whatsappText } from '../../support/meta.js';
import { directMessageEvent, postX, tweet, xDelivery, xUser, xId } from '../../support/x.js';
import { postYoutube, videoFeed, videoId } from '../../support/youtube.js';
import { bigId, postEvent, postShopify, postWoo, shopifyOrderBody } from '../../support/stores.js';
import { watchYoutubeChannel, youtubeChannelId } from '../../support/privacy.js';

const NAME = 'Zyxwandra Sentinelova';
const EMAIL = 'zyx.sentinel.person@example.test';
const PHONE = '+34699887766';
const TEXT = 'Sentinel message qwertyuiop broken zip';
/** Any of these in a log line is a leak (the phone also as WhatsApp writes it, without the plus). */
const SENTINELS = [NAME, 'Zyxwandra', 'Sentinelova', EMAIL, PHONE, PHONE.slice(1), TEXT, 'qwertyuiop'];

const captured: string[] = [];
const restore: (() => void)[] = [];

function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
    restore.push(() => spy.mockRestore());
  }
}

/** A store sample with its people replaced by the sentinel person. */
function sentinelise(text: string): string {
  return text
    .replaceAll(/"(John|Bob|Steve|Jon)"/g, JSON.stringify(NAME.split(' ')[0]))
    .replaceAll(/"(Smith|Doe|Biller|Shipper)"/g, JSON.stringify(NAME.split(' ')[1]))
    .replaceAll(/"(Steve Shipper|John Smith|Bob Biller)"/g, JSON.stringify(NAME))
    .replaceAll(/(john\.doe|john|jon)@example\.com|bob@biller\.com/g, EMAIL)
    .replaceAll(/"\(555\) 555-5555"|"555-555-5555"|"555-555-SHIP"/g, JSON.stringify(PHONE))
    .replaceAll('"phone": null', `"phone": ${JSON.stringify(PHONE)}`);
}

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
const called = new Set<string>();
const statuses: Record<string, number[]> = {};
const ytChannel = youtubeChannelId();

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme] = rt.credentials.tenants as [typeof acme];
  await watchYoutubeChannel('acme', ytChannel);
  capture();
}, 60_000);
afterAll(async () => {
  for (const r of restore.reverse()) r();
  await rt?.stop();
});

const note = (routeKey: string, status: number) => {
  called.add(routeKey);
  (statuses[routeKey] ??= []).push(status);
};

async function sendWebhooks() {
  const t = acme.tenantId;
  const page = acme.accounts.facebook;
  const meta = async (body: string) => note('POST /webhooks/{tenantId}/meta', (await postMeta(rt.url, t, acme.secrets.meta.appSecret, body)).status);
  await meta(pageDelivery(page, [feedComment({ pageId: page, fromId: '9911223344', fromName: NAME, message: TEXT })]));
  await meta(JSON.stringify({ object: 'page', entry: [{ id: page, time: Date.now(), messaging: [messengerMessage({ pageId: page, senderId: '9911223355', text: TEXT })] }] }));
  await meta(wabaDelivery([whatsappText({ phoneNumberId: acme.accounts.whatsapp, waId: PHONE.slice(1), name: NAME, body: TEXT })]));
  await meta(JSON.stringify({ object: 'page', entry: [{ id: page, changes: [{ field: 'feed', value: { from: { name: NAME }, message: TEXT, email: EMAIL } }] }] }));
  // a wrong signature over a personal body
  note('POST /webhooks/{tenantId}/meta', (await postMeta(rt.url, t, 'not-the-secret', pageDelivery(page, [feedComment({ pageId: page, fromId: '1', fromName: NAME, message: TEXT })]))).status);
  note('GET /webhooks/{tenantId}/meta', (await fetch(`${rt.url}/webhooks/${t}/meta?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(EMAIL)}&hub.challenge=${encodeURIComponent(TEXT)}`)).status);

  const brand = acme.accounts.x;
  const person = xUser({ id: xId(), name: NAME, screenName: 'zyxsentinel' });
  const x = async (body: string) => note('POST /webhooks/{tenantId}/x', (await postX(rt.url, t, acme.secrets.x.consumerSecret, body)).status);
  await x(xDelivery(brand, { tweet_create_events: [tweet({ text: `@acme ${TEXT} ${EMAIL} ${PHONE}`, user: person, mentions: [{ id: brand, screenName: 'acme' }] })] }));
  await x(xDelivery(brand, { direct_message_events: [directMessageEvent({ senderId: person.id_str, recipientId: brand, text: TEXT })], users: { [person.id_str]: { id: person.id_str, name: NAME, screen_name: 'zyx' } } }));
  await x(JSON.stringify({ for_user_id: brand, tweet_create_events: [{ text: TEXT, user: { name: NAME } }] }));
  note('GET /webhooks/{tenantId}/x', (await fetch(`${rt.url}/webhooks/${t}/x?crc_token=${encodeURIComponent(TEXT)}`)).status);

  const feed = videoFeed({ videoId: videoId(), channelId: ytChannel, title: TEXT, authorName: NAME });
  note('POST /webhooks/{tenantId}/youtube', (await postYoutube(rt.url, t, feed, { secret: acme.secrets.youtube.secret })).status);
  note('POST /webhooks/{tenantId}/youtube', (await postYoutube(rt.url, t, `<feed><title>${TEXT}</title><name>${NAME}</name>`, { secret: acme.secrets.youtube.secret })).status);
  const topic = encodeURIComponent(`https://www.youtube.com/xml/feeds/videos.xml?channel_id=${ytChannel}`);
  note('GET /webhooks/{tenantId}/youtube', (await fetch(`${rt.url}/webhooks/${t}/youtube?hub.mode=subscribe&hub.topic=${topic}&hub.challenge=${encodeURIComponent(TEXT)}&hub.lease_seconds=3600`)).status);

  const shopify = async (topicName: string, body: string) =>
    note('POST /webhooks/{tenantId}/shopify', (await postShopify(rt.url, t, acme.secrets.shopify.secret, topicName, body)).status);
  await shopify('orders/create', sentinelise(shopifyOrderBody({ orderId: bigId(), customerId: bigId(), email: EMAIL })));
  await shopify('customers/create', sentinelise(sample('shopify-customers-create.json')));
  await shopify('customers/update', sentinelise(sample('shopify-customers-create.json')));
  await shopify('orders/create', JSON.stringify({ email: EMAIL, customer: { first_name: NAME, phone: PHONE }, note: TEXT }));

  const woo = async (topicName: string, body: string) => note('POST /webhooks/{tenantId}/woocommerce', (await postWoo(rt.url, t, acme.secrets.woocommerce.secret, topicName, body)).status);
  await woo('order.created', sentinelise(sample('woocommerce-order-created.rest-api-docs.json')));
  await woo('customer.created', sentinelise(sample('woocommerce-customer-created.rest-api-docs.json')));
  await woo('order.created', JSON.stringify({ billing: { email: EMAIL, first_name: NAME, phone: PHONE }, customer_note: TEXT }));

  const events = async (type: string, data: unknown) => note('POST /webhooks/{tenantId}/events', (await postEvent(rt.url, t, acme.secrets.events.secret, type, data)).status);
  await events('customer.registered', { email: EMAIL, phone: PHONE, name: NAME });
  await events('review.posted', { person: { email: EMAIL, phone: PHONE, name: NAME }, text: TEXT, productId: 'boots' });
  await events('order.placed', { orderId: bigId(), customer: { email: EMAIL, phone: PHONE, name: NAME }, total: { amount: '10.00', currency: 'EUR' }, lineItems: [] });
  await events('customer.identified', { anonymousId: 'anon-sentinel', email: EMAIL, phone: PHONE });
  await events('review.posted', { person: { email: 'not-an-email', name: NAME }, text: TEXT });
  await events('something.else', { note: TEXT, email: EMAIL });
}

/** A valid body where the route takes one (with the sentinels where it allows them), else a personal junk body. */
function bodyFor(routeKey: string, ids: Record<string, string>): unknown {
  switch (routeKey) {
    case 'POST /v1/customers':
      return { email: EMAIL.replace('zyx', 'zyx2'), phone: '+34699887700', displayName: NAME, tags: [TEXT.slice(0, 40)] };
    case 'PATCH /v1/customers/{customerId}':
      return { displayName: NAME, tags: ['vip'] };
    case 'POST /v1/customers/{customerId}/merge':
      return { mergeWith: ids.other };
    case 'POST /v1/customers/{customerId}/consents':
      return { purpose: 'marketing', channel: 'email', status: 'granted', source: { kind: 'form', url: 'https://brand.example/form', reference: TEXT.slice(0, 40) }, statement: { version: 'v1', text: TEXT } };
    case 'POST /v1/segments':
      return { name: NAME, description: TEXT, rule: { field: 'tags', op: 'has', value: 'vip' } };
    case 'PUT /v1/settings/knowledge':
      return { brandKeywords: ['acme'], competitorKeywords: ['qwertyuiop'], expectedLifetimeYears: 2 };
    case 'PUT /v1/settings/privacy':
      return { retentionDays: 90 };
    default:
      return { name: NAME, email: EMAIL, phone: PHONE, text: TEXT, message: TEXT };
  }
}

/** Routes that change or end what later routes use run last, in this order. */
const LAST = ['POST /v1/customers/{customerId}/merge', 'POST /v1/customers/{customerId}/erasure', 'GET /v1/erasures/{requestId}'];

async function callApiRoutes() {
  const t = acme.tenantId;
  const admin = api(rt.url, acme.tokens.admin);
  const found = await admin(`/v1/customers?email=${encodeURIComponent(EMAIL)}`);
  const customerId = found.body.items[0]?.id as string;
  const other = (await admin(`/v1/customers?channel=facebook&externalId=9911223344`)).body.items[0]?.id as string;
  expect(customerId && other).toBeTruthy();
  const ids: Record<string, string> = { customerId, other, tenantId: t, channel: 'youtube', requestId: 'er-none', segmentId: 'none', jobId: 'none' };

  const routes = ROUTES.filter((r) => !r.path.startsWith('/webhooks/'));
  const ordered = [...routes.filter((r) => !LAST.includes(`${r.method} ${r.path}`)), ...LAST.flatMap((k) => routes.filter((r) => `${r.method} ${r.path}` === k))];
  for (const route of ordered) {
    const routeKey = `${route.method} ${route.path}`;
    const path = route.path.replaceAll(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? TEXT));
    const query = routeKey === 'GET /v1/customers' ? `?email=${encodeURIComponent(EMAIL)}` : `?name=${encodeURIComponent(NAME)}&email=${encodeURIComponent(EMAIL)}&q=${encodeURIComponent(TEXT)}`;
    const role = route.auth === 'public' ? undefined : route.auth.roles.includes('admin') ? 'admin' : route.auth.roles[0]!;
    const client = role ? api(rt.url, acme.tokens[role as keyof typeof acme.tokens]) : undefined;
    const init = ['POST', 'PUT', 'PATCH'].includes(route.method) ? { method: route.method, body: JSON.stringify(bodyFor(routeKey, ids)) } : { method: route.method };
    const res = client ? await client(`${path}${query}`, init) : await fetch(`${rt.url}${path}${query}`, { ...init, headers: { 'content-type': 'application/json' } });
    note(routeKey, res.status);
    const body = 'body' in res && typeof res.body === 'object' ? (res.body as Record<string, any>) : undefined;
    // ids the later routes need
    if (routeKey === 'POST /v1/segments' && body?.id) ids.segmentId = body.id;
    if (routeKey === 'POST /v1/knowledge/recompute' && body?.jobId) ids.jobId = body.jobId;
    if (routeKey === 'POST /v1/customers/{customerId}/erasure' && body?.requestId) ids.requestId = body.requestId;
  }
  // a sign-up that conflicts (409 with the id), and an identity lookup by phone
  note('POST /v1/customers', (await admin('/v1/customers', { method: 'POST', body: JSON.stringify({ email: EMAIL, displayName: NAME }) })).status);
  note('GET /v1/customers', (await admin(`/v1/customers?phone=${encodeURIComponent(PHONE)}`)).status);
}

describe('logs hold ids only', () => {
  it('no sentinel name, e-mail, phone or text appears in any line written while every route ran', async () => {
    await sendWebhooks();
    await rt.drain(30_000);
    await callApiRoutes();
    await rt.drain(30_000);

    // every declared route was exercised, and the happy paths did happen
    expect([...called].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(statuses['POST /webhooks/{tenantId}/meta']).toContain(200);
    expect(statuses['POST /webhooks/{tenantId}/events']).toContain(200);
    expect(statuses['GET /v1/customers/{customerId}/export']).toEqual([200]);
    expect(statuses['POST /v1/customers/{customerId}/erasure']).toEqual([202]);

    // the capture works: the handlers' lines are here (Powertools JSON, DEBUG level on)
    expect(logger.getLevelName()).toBe('DEBUG');
    const lines = captured.join('').split('\n').filter((l) => l.trim() !== '');
    expect(lines.filter((l) => l.includes('"request handled"')).length).toBeGreaterThan(ROUTES.length);
    const leaks = lines.filter((line) => SENTINELS.some((s) => line.includes(s)));
    expect(leaks).toEqual([]);
  }, 60_000);
});
