/**
 * The loyalty engine through the local runtime: real HTTP, DynamoDB Local, the bus, the loyalty queue and its
 * consumer, the expiry schedule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, PointsAwarded, PointsExpired } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { busMark, postEvent, uniqueEmail } from '../../support/stores.js';
import { api } from '../../support/webhooks.js';

let rt: TestRuntime;
let admin: ReturnType<typeof api>;
let marketer: ReturnType<typeof api>;
let secret: string;

beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
  const acme = rt.credentials.tenants[0]!;
  admin = api(rt.url, acme.tokens.admin);
  marketer = api(rt.url, acme.tokens.marketer);
  secret = acme.secrets.events.secret;
});
afterAll(async () => rt?.stop());

/** Every queue empty; the shared machine can make the knowledge consumer slower than one drain waits for. */
async function settle(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rt.drain();
    } catch (error) {
      if (attempt >= 6) throw error;
    }
  }
}

const post = (client: ReturnType<typeof api>, path: string, body: unknown, headers: Record<string, string> = {}) =>
  client(path, { method: 'POST', body: JSON.stringify(body), headers });
const loyalty = async (id: string, query = '') => (await marketer(`/v1/customers/${id}/loyalty${query}`)).body;
const welcomeMails = (email: string) =>
  readdirSync(join(rt.dataDir, 'outbox'))
    .map((f) => JSON.parse(readFileSync(join(rt.dataDir, 'outbox', f), 'utf8')) as { to: string; tags?: { kind?: string } })
    .filter((m) => m.to === email && m.tags?.kind === 'loyalty-welcome');

async function member(): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('member');
  const res = await post(marketer, '/v1/customers', { email, givenName: 'Ana', familyName: 'Member' });
  expect(res.status).toBe(201);
  await settle();
  return { id: res.body.id, email };
}

describe('welcome pack', () => {
  it('on sign-up: joins, sign-up points, the welcome badge and one welcome e-mail, however often registration is delivered', async () => {
    const before = busMark(rt.bus);
    const { id, email } = await member();
    const registered = before(CustomerRegistered.detailType);
    expect(registered).toHaveLength(1);
    // the same CustomerRegistered delivered 5 more times, in parallel
    const event = registered[0]!;
    await Promise.all(Array.from({ length: 5 }, () => rt.bus.publish([{ source: CustomerRegistered.source, detailType: event['detail-type'], detail: event.detail } as never])));
    await settle();
    const view = await loyalty(id);
    expect(view).toMatchObject({ enrolled: true, available: 100, pending: 0, lifetimeEarned: 100, tier: { name: 'Bronze' } });
    expect(view.badges.map((b: { badge: string }) => b.badge)).toEqual(['welcome']);
    expect(view.ledger.items).toHaveLength(1);
    expect(view.ledger.items[0]).toMatchObject({ points: 100, kind: 'action', ruleId: 'signup', programVersion: 0 });
    expect(welcomeMails(email)).toHaveLength(1);
    expect(before(PointsAwarded.detailType).filter((e) => (e.detail.data as { customerId: string }).customerId === id)).toHaveLength(1);
    // the timeline shows it
    const timeline = (await marketer(`/v1/customers/${id}/timeline`)).body.items;
    expect(timeline.some((i: { type: string; points?: number }) => i.type === 'loyalty' && i.points === 100)).toBe(true);
  });
});

describe('earning from verified actions', () => {
  it('a signed review earns once under sequential and parallel redelivery; a prospect earns nothing', async () => {
    const { id, email } = await member();
    const webhookId = `msg_review_${Date.now()}`;
    const review = () => postEvent(rt.url, 'acme', secret, 'review.posted', { person: { email }, productId: 'p-1', rating: 5, text: 'great' }, { id: webhookId });
    for (let i = 0; i < 5; i++) expect((await review()).status).toBe(200);
    await Promise.all(Array.from({ length: 5 }, review));
    await settle();
    const view = await loyalty(id);
    expect(view.available).toBe(150);
    expect(view.badges.map((b: { badge: string }) => b.badge).sort()).toEqual(['first_review', 'welcome']);

    const prospect = uniqueEmail('prospect');
    await postEvent(rt.url, 'acme', secret, 'review.posted', { person: { email: prospect }, productId: 'p-1', rating: 4 });
    await settle();
    const found = (await marketer(`/v1/customers?email=${encodeURIComponent(prospect)}`)).body.items[0];
    expect(found.id).toBeTruthy();
    expect(await loyalty(found.id)).toMatchObject({ enrolled: false, available: 0 });
  });

  it('a marketer cannot award points: adjustments are admin-only, need a reason, and are audited', async () => {
    const { id } = await member();
    expect((await post(marketer, `/v1/customers/${id}/loyalty/adjustments`, { points: 50, reason: 'goodwill' })).status).toBe(403);
    const bad = await post(admin, `/v1/customers/${id}/loyalty/adjustments`, { points: 50 });
    expect(bad.status).toBe(400);
    const ok = await post(admin, `/v1/customers/${id}/loyalty/adjustments`, { points: 50, reason: 'goodwill gesture' }, { 'idempotency-key': `adj-${id}` });
    expect(ok.status).toBe(201);
    expect(ok.body.available).toBe(150);
    // the same key again changes nothing
    expect((await post(admin, `/v1/customers/${id}/loyalty/adjustments`, { points: 50, reason: 'goodwill gesture' }, { 'idempotency-key': `adj-${id}` })).body.available).toBe(150);
    const audit = (await admin(`/v1/audit?targetId=${id}`)).body.items;
    expect(audit.some((e: { action: string }) => e.action === 'loyalty.adjusted')).toBe(true);
    const tooMuch = await post(admin, `/v1/customers/${id}/loyalty/adjustments`, { points: -1000, reason: 'correction' });
    expect(tooMuch.status).toBe(409);
  });
});

describe('redemption', () => {
  it('50 parallel redemptions of a balance that covers 10: 10 succeed, the rest get 409 with the balance; never below zero', async () => {
    const { id } = await member(); // 100 points
    const reward = await post(admin, '/v1/loyalty/rewards', { name: 'Sticker', cost: 10, stock: 1000 });
    expect(reward.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(marketer, `/v1/customers/${id}/loyalty/redemptions`, { rewardId: reward.body.rewardId }, { 'idempotency-key': `redeem-${id}-${i}` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(results.find((r) => r.status === 409)!.body.error.details).toMatchObject({ available: 0, required: 10 });
    expect((await loyalty(id)).available).toBe(0);
    expect((await admin(`/v1/loyalty/rewards/${reward.body.rewardId}`)).body.stock).toBe(990);
  });

  it('stock never goes below zero, a repeated key answers the first redemption, and cancelling gives the same lots back', async () => {
    const { id } = await member();
    const reward = await post(admin, '/v1/loyalty/rewards', { name: 'Mug', cost: 30, stock: 1 });
    const first = await post(marketer, `/v1/customers/${id}/loyalty/redemptions`, { rewardId: reward.body.rewardId }, { 'idempotency-key': `mug-${id}-1` });
    expect(first.status).toBe(201);
    const again = await post(marketer, `/v1/customers/${id}/loyalty/redemptions`, { rewardId: reward.body.rewardId }, { 'idempotency-key': `mug-${id}-1` });
    expect(again.body.redemptionId).toBe(first.body.redemptionId);
    const second = await post(marketer, `/v1/customers/${id}/loyalty/redemptions`, { rewardId: reward.body.rewardId }, { 'idempotency-key': `mug-${id}-2` });
    expect(second.status).toBe(409);
    expect((await loyalty(id)).available).toBe(70);
    const lotsBefore = (await loyalty(id)).lots;
    const cancelled = await post(marketer, `/v1/customers/${id}/loyalty/redemptions/${first.body.redemptionId}/cancel`, {});
    expect(cancelled.body.status).toBe('cancelled');
    const after = await loyalty(id);
    expect(after.available).toBe(100);
    expect(after.lots.map((l: { lotId: string; expiresAt: string }) => [l.lotId, l.expiresAt])).toEqual(lotsBefore.map((l: { lotId: string; expiresAt: string }) => [l.lotId, l.expiresAt]));
    expect((await admin(`/v1/loyalty/rewards/${reward.body.rewardId}`)).body.stock).toBe(1);
    expect((await post(marketer, `/v1/customers/${id}/loyalty/redemptions`, { rewardId: reward.body.rewardId })).status).toBe(400); // no key
  });
});

describe('program settings', () => {
  it('validates, versions every change, and names the version on later awards', async () => {
    const other = api(rt.url, rt.credentials.tenants[1]!.tokens.admin);
    const bad = await other('/v1/settings/loyalty', { method: 'PUT', body: JSON.stringify({ rules: { comment: { points: 0 } } }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('rules.comment.points');
    const v1 = await other('/v1/settings/loyalty', { method: 'PUT', body: JSON.stringify({ rules: { signup: { points: 7, lifetimeCap: 1 } } }) });
    const v2 = await other('/v1/settings/loyalty', { method: 'PUT', body: JSON.stringify({ rules: { signup: { points: 9, lifetimeCap: 1 } } }) });
    expect([v1.body.version, v2.body.version]).toEqual([1, 2]);
    const globexMarketer = api(rt.url, rt.credentials.tenants[1]!.tokens.marketer);
    const res = await globexMarketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email: uniqueEmail('globex') }) });
    await settle();
    const view = (await globexMarketer(`/v1/customers/${res.body.id}/loyalty`)).body;
    expect(view).toMatchObject({ available: 9, programVersion: 2 });
    expect(view.ledger.items[0].programVersion).toBe(2);
    // another tenant's customer is not found
    expect((await marketer(`/v1/customers/${res.body.id}/loyalty`)).status).toBe(404);
  });
});

describe('expiry', () => {
  it('the schedule expires due lots through the index and publishes PointsExpired', async () => {
    const t = rt.credentials.tenants[1]!;
    const globexAdmin = api(rt.url, t.tokens.admin);
    // points that expire the moment they are earned: the next run takes them
    await globexAdmin('/v1/settings/loyalty', { method: 'PUT', body: JSON.stringify({ rules: { signup: { points: 40, lifetimeCap: 1 } }, expiry: { kind: 'days', days: 1 } }) });
    const res = await api(rt.url, t.tokens.marketer)('/v1/customers', { method: 'POST', body: JSON.stringify({ email: uniqueEmail('expiring') }) });
    await settle();
    const before = busMark(rt.bus);
    await rt.runSchedule('loyalty-expiry', new Date(Date.now() + 2 * 86_400_000));
    const expired = before(PointsExpired.detailType).filter((e) => (e.detail.data as { customerId: string }).customerId === res.body.id);
    expect(expired).toHaveLength(1);
    expect(expired[0]!.detail.data).toMatchObject({ points: 40, balance: 0 });
  });
});
