/**
 * The generic events endpoint (Standard Webhooks), through real HTTP: signatures (ours and the official
 * `standardwebhooks` library's), rotation, the replay window, redelivery, registration, identification of
 * an anonymous visitor, orders and refunds from the brand's site, and loyalty actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { CustomerRegistered, CustomerUpdated, CustomersMerged, InteractionRecorded, OrderPlaced, OrderRefunded } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf, sample } from '../../support/webhooks.js';
import { postEvent, postRawEvent, standardSignature, storedOrder, uniqueEmail, withSecrets, busMark } from '../../support/stores.js';

let rt: TestRuntime;
let secret: string;
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  // other contexts' consumers are theirs to test: without them this file's requests run alone
  rt = await startTestRuntime({ startConsumers: false });
  const acme = rt.credentials.tenants[0]!;
  secret = acme.secrets.events.secret;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const send = (type: string, data: unknown, delivery = {}) => postEvent(rt.url, 'acme', secret, type, data, delivery);
const byEmail = async (email: string) => (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
const byIdentity = async (channel: string, externalId: string) =>
  (await marketer(`/v1/customers?channel=${channel}&externalId=${encodeURIComponent(externalId)}`)).body.items[0];
const timeline = async (customerId: string) => (await marketer(`/v1/customers/${customerId}/timeline`)).body.items as any[];
let seq = 0;
const cookie = () => `anon-${Date.now()}-${++seq}`;

describe('signatures', () => {
  it('accepts a delivery signed by the official standardwebhooks library', async () => {
    const email = uniqueEmail('official');
    const body = JSON.stringify({ type: 'customer.registered', timestamp: new Date().toISOString(), data: { email, name: 'Official Lib' } });
    const id = 'msg_official_1';
    const now = new Date();
    const signature = new Webhook(secret).sign(id, now, body);
    const res = await postRawEvent(rt.url, 'acme', secret, body, { id, timestamp: Math.floor(now.getTime() / 1000), signature });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).outcome).toBe('registered');
    expect((await byEmail(email)).registeredVia).toBe('web');
    // and the library accepts what our test sender signs, so both sides read the scheme alike
    const ts = Math.floor(Date.now() / 1000);
    expect(() =>
      new Webhook(secret).verify(body, { 'webhook-id': 'msg_x', 'webhook-timestamp': String(ts), 'webhook-signature': standardSignature(secret, 'msg_x', ts, body) }),
    ).not.toThrow();
  });

  it('accepts several space-separated signatures and a second secret during a rotation', async () => {
    const next = `whsec_${Buffer.from('the next events secret, 32 bytes').toString('base64')}`;
    const email = uniqueEmail('rotation');
    const body = JSON.stringify({ type: 'customer.registered', data: { email } });
    const id = 'msg_rotation_1';
    const ts = Math.floor(Date.now() / 1000);
    await withSecrets('acme', (s) => ({ ...s, events: { secrets: [next, secret] } }), async () => {
      // signed with the new secret only, next to a signature nobody can match
      const both = `v1,${Buffer.alloc(32).toString('base64')} ${standardSignature(next, id, ts, body)}`;
      expect((await postRawEvent(rt.url, 'acme', secret, body, { id, timestamp: ts, signature: both })).status).toBe(200);
      // the old secret still works while both are active
      const old = JSON.stringify({ type: 'customer.registered', data: { email: uniqueEmail('old') } });
      expect((await postRawEvent(rt.url, 'acme', secret, old)).status).toBe(200);
    });
    expect(await byEmail(email)).toBeDefined();
  });

  it('401 for a missing or wrong signature, an unknown version, or other bytes, writing nothing', async () => {
    const email = uniqueEmail('refused');
    const before = busMark(rt.bus);
    const body = JSON.stringify({ type: 'customer.registered', data: { email } });
    const noSig = await fetch(`${rt.url}/webhooks/acme/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(noSig.status).toBe(401);
    expect((await jsonOf(noSig)).error.code).toBe('unauthorized');
    const other = rt.credentials.tenants[1]!.secrets.events.secret;
    expect((await postRawEvent(rt.url, 'acme', other, body)).status).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    const v2 = standardSignature(secret, 'msg_v', ts, body).replace('v1,', 'v2,');
    expect((await postRawEvent(rt.url, 'acme', secret, body, { id: 'msg_v', timestamp: ts, signature: v2 })).status).toBe(401);
    const signedOther = standardSignature(secret, 'msg_b', ts, body);
    expect((await postRawEvent(rt.url, 'acme', secret, `${body} `, { id: 'msg_b', timestamp: ts, signature: signedOther })).status).toBe(401);
    // the id is signed too: a valid signature under another id is refused
    expect((await postRawEvent(rt.url, 'acme', secret, body, { id: 'msg_other', timestamp: ts, signature: signedOther })).status).toBe(401);
    expect(await byEmail(email)).toBeUndefined();
    expect(before()).toEqual([]);
  });

  it('401 for a timestamp more than 5 minutes off, either way, even when correctly signed', async () => {
    const email = uniqueEmail('stale');
    const body = JSON.stringify({ type: 'customer.registered', data: { email } });
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 6 * 60, now + 6 * 60]) {
      const res = await postRawEvent(rt.url, 'acme', secret, body, { timestamp });
      expect(res.status).toBe(401);
      expect((await jsonOf(res)).error.message).toMatch(/timestamp/);
    }
    // within the window is fine
    expect((await postRawEvent(rt.url, 'acme', secret, body, { timestamp: now - 4 * 60 })).status).toBe(200);
  });
});

describe('delivery rules', () => {
  it('a redelivery with the same webhook-id (freshly signed) changes nothing and publishes nothing', async () => {
    const email = uniqueEmail('redeliver');
    const first = await send('customer.registered', { email }, { id: 'msg_redeliver_1' });
    expect((await jsonOf(first)).outcome).toBe('registered');
    const before = busMark(rt.bus);
    const again = await send('customer.registered', { email, name: 'Changed Name' }, { id: 'msg_redeliver_1', timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(again.status).toBe(200);
    expect((await jsonOf(again)).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
    expect((await byEmail(email)).displayName).toBeUndefined();
  });

  it('400 for a signed body that is not JSON, or data that does not fit its type, writing nothing', async () => {
    const before = busMark(rt.bus);
    expect((await postRawEvent(rt.url, 'acme', secret, '{"type": ')).status).toBe(400);
    const noType = await postRawEvent(rt.url, 'acme', secret, JSON.stringify({ data: {} }));
    expect(noType.status).toBe(400);
    const email = uniqueEmail('bad');
    const res = await send('order.placed', { orderId: 'W-1', customer: { email }, total: { amount: 19.9, currency: 'EUR' }, lineItems: [] });
    expect(res.status).toBe(400);
    expect(JSON.stringify((await jsonOf(res)).error.details)).toContain('data.total.amount');
    const badPhone = await send('customer.registered', { phone: '600111222' });
    expect(badPhone.status).toBe(400);
    expect(await byEmail(email)).toBeUndefined();
    expect(before()).toEqual([]);
  });

  it('acknowledges a type it does not know (a verbatim Stripe event) with 200, writing nothing', async () => {
    const before = busMark(rt.bus);
    const res = await postRawEvent(rt.url, 'acme', secret, sample('stripe-event-setup_intent.created.json'));
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ type: 'setup_intent.created', outcome: 'ignored' });
    expect(before()).toEqual([]);
  });
});

describe('customer.identified', () => {
  it('an anonymous visitor who identifies keeps their history: the cookie customer becomes the known one', async () => {
    const anonymousId = cookie();
    const watched = await send('video.watched', { person: { anonymousId }, videoId: 'vid-42', seconds: 95 });
    expect(watched.status).toBe(200);
    const anonymous = await byIdentity('anonymous', anonymousId);
    expect(anonymous.identities.map((i: { channel: string }) => i.channel)).toEqual(['anonymous']);

    const email = uniqueEmail('identified');
    const before = busMark(rt.bus);
    const res = await send('customer.identified', { anonymousId, email, userId: `u-${anonymousId}` });
    expect(await jsonOf(res)).toEqual({ type: 'customer.identified', outcome: 'identified', customerId: anonymous.id, mergeCandidates: [], merged: [] });
    const known = await byEmail(email);
    expect(known.id).toBe(anonymous.id);
    expect(known.identities.map((i: { channel: string }) => i.channel).sort()).toEqual(['anonymous', 'email', 'web']);
    expect((await timeline(known.id)).map((i) => [i.type, i.kind])).toEqual([['interaction', 'video_view']]);
    expect(before(CustomerUpdated.detailType).map((e) => e.detail.data)).toEqual([{ customerId: known.id, changed: ['identities'] }]);
  });

  it('a cookie that already has a customer of its own is merged into the known customer', async () => {
    const email = uniqueEmail('known');
    const registered = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email }) });
    const anonymousId = cookie();
    await send('quiz.completed', { person: { anonymousId }, quizId: 'style-quiz', score: 7 });
    const visitor = await byIdentity('anonymous', anonymousId);
    expect(visitor.id).not.toBe(registered.body.id);

    const before = busMark(rt.bus);
    const res = await send('customer.identified', { anonymousId, email });
    expect(await jsonOf(res)).toMatchObject({ outcome: 'identified', customerId: registered.body.id, mergeCandidates: [visitor.id], merged: [visitor.id] });
    expect(before(CustomersMerged.detailType).map((e) => e.detail.data)).toEqual([
      { survivorId: registered.body.id, mergedId: visitor.id, reason: 'shared-identity' },
    ]);
    expect((await byIdentity('anonymous', anonymousId)).id).toBe(registered.body.id);
    expect((await timeline(registered.body.id)).some((i) => i.type === 'interaction' && i.kind === 'quiz')).toBe(true);
  });
});

describe('orders from the brand site', () => {
  it('order.placed links by e-mail; order.refunded adds up exactly to a full refund', async () => {
    const email = uniqueEmail('shop');
    const orderId = `WEB-${Date.now()}`;
    const before = busMark(rt.bus);
    const placed = await send('order.placed', {
      orderId,
      customer: { email, name: 'Web Buyer' },
      total: { amount: '0.30', currency: 'EUR' },
      lineItems: [
        { productId: 'sku-1', quantity: 1, price: { amount: '0.10', currency: 'EUR' } },
        { productId: 'sku-2', quantity: 1, price: { amount: '0.20', currency: 'EUR' } },
      ],
    });
    expect(await jsonOf(placed)).toMatchObject({ outcome: 'recorded', orderId, status: 'paid' });
    const customer = await byEmail(email);
    expect(customer.displayName).toBe('Web Buyer');
    await send('order.refunded', { orderId, refundId: 'r1', amount: { amount: '0.10', currency: 'EUR' } });
    const full = await send('order.refunded', { orderId, refundId: 'r2', amount: { amount: '0.20', currency: 'EUR' } });
    expect((await jsonOf(full)).status).toBe('refunded');
    const order = (await timeline(customer.id)).find((i) => i.type === 'order');
    expect(order).toMatchObject({ store: 'web', orderId, refunded: { amount: '0.30', currency: 'EUR' }, status: 'refunded' });
    expect(before(OrderPlaced.detailType)).toHaveLength(1);
    expect(before(OrderRefunded.detailType).map((e) => (e.detail.data as { refundedTotal: { amount: string } }).refundedTotal.amount)).toEqual(['0.10', '0.30']);
    expect((await storedOrder(rt.tableName, 'acme', 'web', orderId))?.data.status).toBe('refunded');
  });
});

describe('loyalty actions', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['newsletter.subscribed', { listId: 'weekly' }, 'newsletter_signup'],
    ['survey.completed', { surveyId: 'nps-2026' }, 'survey'],
    ['quiz.completed', { quizId: 'q1', score: 3 }, 'quiz'],
    ['review.posted', { productId: 'p-9', rating: 5, text: 'I love this jacket, great quality' }, 'review'],
    ['video.watched', { videoId: 'v-1' }, 'video_view'],
    ['content.created', { contentId: 'ugc-3', url: 'https://example.com/ugc/3' }, 'content'],
    ['game.played', { gameId: 'spin', score: 10 }, 'game'],
    ['friend.invited', { referralCode: 'ANA-2026' }, 'referral'],
  ];

  it('records each as an interaction on channel web and publishes InteractionRecorded for the loyalty engine', async () => {
    const email = uniqueEmail('loyal');
    const before = busMark(rt.bus);
    for (const [type, data] of cases) {
      const res = await send(type, { person: { email }, ...data });
      expect(res.status).toBe(200);
      expect((await jsonOf(res)).outcome).toBe('recorded');
    }
    const customer = await byEmail(email);
    const items = await timeline(customer.id);
    expect(items.map((i) => i.kind).sort()).toEqual(cases.map(([, , kind]) => kind).sort());
    expect(items.every((i) => i.channel === 'web')).toBe(true);
    const review = items.find((i) => i.kind === 'review');
    expect(review).toMatchObject({ postId: 'p-9', text: 'I love this jacket, great quality' });
    expect(review.sentiment).toBeGreaterThan(0);
    const recorded = before(InteractionRecorded.detailType).map((e) => InteractionRecorded.detail.parse(e.detail).data);
    expect(recorded.map((d) => d.kind).sort()).toEqual(cases.map(([, , kind]) => kind).sort());
    expect(recorded.every((d) => d.customerId === customer.id && d.channel === 'web')).toBe(true);
  });

  it('a redelivered action is recorded once', async () => {
    const email = uniqueEmail('once');
    await send('survey.completed', { person: { email }, surveyId: 's' }, { id: 'msg_survey_once' });
    const before = busMark(rt.bus);
    const again = await send('survey.completed', { person: { email }, surveyId: 's' }, { id: 'msg_survey_once' });
    expect((await jsonOf(again)).outcome).toBe('duplicate');
    expect(before()).toEqual([]);
    expect(await timeline((await byEmail(email)).id)).toHaveLength(1);
  });

  it('customer.registered publishes CustomerRegistered once per person', async () => {
    const email = uniqueEmail('reg');
    const before = busMark(rt.bus);
    await send('customer.registered', { email, userId: `site-${Date.now()}`, locale: 'es' });
    const second = await send('customer.registered', { email });
    expect((await jsonOf(second)).outcome).toBe('already-registered');
    const customer = await byEmail(email);
    expect(customer).toMatchObject({ stage: 'lead', locale: 'es', registeredVia: 'web' });
    expect(before(CustomerRegistered.detailType).map((e) => e.detail.data)).toEqual([{ customerId: customer.id, channel: 'web', stage: 'lead' }]);
  });
});
