/**
 * Referrals and the program's terms through the local runtime: real HTTP, DynamoDB Local, the bus, the loyalty
 * queue and the scheduled job that settles referrals whose return window is over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, PointsAwarded, ReferralCompleted } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { busMark, postEvent, uniqueEmail } from '../../support/stores.js';
import { api } from '../../support/webhooks.js';

let rt: TestRuntime;
let admin: ReturnType<typeof api>;
let marketer: ReturnType<typeof api>;
let secret: string;
const DAY = 86_400_000;

beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
  const acme = rt.credentials.tenants[0]!;
  admin = api(rt.url, acme.tokens.admin);
  marketer = api(rt.url, acme.tokens.marketer);
  secret = acme.secrets.events.secret;
  // two rewarded referrals a month, so the cap shows with three friends
  const res = await admin('/v1/settings/loyalty', {
    method: 'PUT',
    body: JSON.stringify({
      rules: { signup: { points: 100, lifetimeCap: 1 }, referral_referrer: { points: 200 }, referral_friend: { points: 50, lifetimeCap: 1 } },
      purchase: { pointsPerUnit: 1 },
      referralMonthlyCap: 2,
      termsVersion: '2026-12',
    }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => rt?.stop());

async function settle(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rt.drain();
    } catch (error) {
      if (attempt >= 6) throw error;
    }
  }
}

const post = (client: ReturnType<typeof api>, path: string, body: unknown) => client(path, { method: 'POST', body: JSON.stringify(body) });
const loyalty = async (id: string) => (await marketer(`/v1/customers/${id}/loyalty`)).body;

async function signUp(referralCode?: string): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('ref');
  const res = await post(marketer, '/v1/customers', { email, ...(referralCode && { referralCode }) });
  expect(res.status).toBe(201);
  await settle();
  return { id: res.body.id, email };
}

let orders = 0;
async function paidOrder(email: string, amount = '40.00'): Promise<string> {
  const orderId = `ref-order-${Date.now()}-${++orders}`;
  const res = await postEvent(rt.url, 'acme', secret, 'order.placed', {
    orderId,
    status: 'paid',
    customer: { email },
    total: { amount, currency: 'EUR' },
    lineItems: [{ productId: 'sku-ref', quantity: 1, price: { amount, currency: 'EUR' } }],
  });
  expect(res.status).toBe(200);
  await settle();
  return orderId;
}

const completedFor = <E extends { detail: { data: unknown } }>(events: E[], refereeId: string): E[] => events.filter((e) => (e.detail.data as { refereeId: string }).refereeId === refereeId);

describe('referrals', () => {
  it('a friend who signs up with a code and keeps their first paid order past the return window completes the referral: both earn once', async () => {
    const referrer = await signUp();
    const code = (await loyalty(referrer.id)).referralCode as string;
    expect(code).toMatch(/^[A-Z2-9]{10}$/);

    // codes are read back by people: case does not matter
    const friend = await signUp(code.toLowerCase());
    expect((await loyalty(friend.id)).referral).toMatchObject({ code, referrerId: referrer.id, status: 'referred' });

    await paidOrder(friend.email);
    const pending = (await loyalty(friend.id)).referral;
    expect(pending.status).toBe('pending');
    const qualifiesAt = Date.parse(pending.qualifiesAt);
    expect(qualifiesAt - Date.now()).toBeGreaterThan(29 * DAY);

    // inside the window nothing happens
    const before = busMark(rt.bus);
    await rt.runSchedule('loyalty-expiry', new Date(qualifiesAt - DAY));
    await settle();
    expect(completedFor(before(ReferralCompleted.detailType), friend.id)).toHaveLength(0);

    // past it: completed, announced once, however often the job runs or the event is delivered
    await rt.runSchedule('loyalty-expiry', new Date(qualifiesAt + DAY));
    await settle();
    await rt.runSchedule('loyalty-expiry', new Date(qualifiesAt + 2 * DAY));
    await settle();
    const completed = completedFor(before(ReferralCompleted.detailType), friend.id);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.detail.data).toEqual({ referrerId: referrer.id, refereeId: friend.id, code });
    const event = completed[0]!;
    await Promise.all(Array.from({ length: 3 }, () => rt.bus.publish([{ source: ReferralCompleted.source, detailType: event['detail-type'], detail: event.detail } as never])));
    await settle();

    const referrerView = await loyalty(referrer.id);
    expect(referrerView.ledger.items.filter((e: { ruleId?: string }) => e.ruleId === 'referral_referrer')).toHaveLength(1);
    expect(referrerView.lifetimeEarned).toBe(100 + 200);
    const friendView = await loyalty(friend.id);
    expect(friendView.referral).toMatchObject({ status: 'completed' });
    expect(friendView.ledger.items.filter((e: { ruleId?: string }) => e.ruleId === 'referral_friend')).toHaveLength(1);
    expect(friendView.lifetimeEarned).toBe(100 + 40 + 50);
  });

  it('an order refunded within the return window does not qualify; the next paid order does', async () => {
    const referrer = await signUp();
    const code = (await loyalty(referrer.id)).referralCode as string;
    const friend = await signUp(code);
    const orderId = await paidOrder(friend.email);
    expect((await postEvent(rt.url, 'acme', secret, 'order.refunded', { orderId, refundId: `${orderId}-r`, amount: { amount: '40.00', currency: 'EUR' } })).status).toBe(200);
    await settle();
    expect((await loyalty(friend.id)).referral.status).toBe('referred');

    const before = busMark(rt.bus);
    await rt.runSchedule('loyalty-expiry', new Date(Date.now() + 40 * DAY));
    await settle();
    expect(completedFor(before(ReferralCompleted.detailType), friend.id)).toHaveLength(0);

    await paidOrder(friend.email, '25.00');
    expect((await loyalty(friend.id)).referral.status).toBe('pending');
  });

  it('a referrer earns for at most the monthly cap of referrals; a code names one member; an unknown code is ignored', async () => {
    const referrer = await signUp();
    const code = (await loyalty(referrer.id)).referralCode as string;
    const friends = [await signUp(code), await signUp(code), await signUp(code)];
    for (const f of friends) await paidOrder(f.email);
    const before = busMark(rt.bus);
    await rt.runSchedule('loyalty-expiry', new Date(Date.now() + 31 * DAY));
    await settle();
    expect(before(ReferralCompleted.detailType).filter((e) => (e.detail.data as { referrerId: string }).referrerId === referrer.id)).toHaveLength(3);
    const view = await loyalty(referrer.id);
    expect(view.ledger.items.filter((e: { ruleId?: string }) => e.ruleId === 'referral_referrer')).toHaveLength(2);

    const stranger = await signUp('NOSUCHCODE2');
    expect((await loyalty(stranger.id)).referral).toBeNull();
    expect((await loyalty(stranger.id)).enrolled).toBe(true);
  });

  it('a referral between two records that a merge shows to be one person is refused, and nobody earns', async () => {
    const referrer = await signUp();
    const code = (await loyalty(referrer.id)).referralCode as string;
    const second = await signUp(code);
    await paidOrder(second.email);
    // the same person under a second e-mail: the brand merges the two records
    const merged = await post(marketer, `/v1/customers/${second.id}/merge`, { mergeWith: referrer.id });
    expect(merged.status).toBe(200);
    await settle();
    const before = busMark(rt.bus);
    await rt.runSchedule('loyalty-expiry', new Date(Date.now() + 31 * DAY));
    await settle();
    expect(completedFor(before(ReferralCompleted.detailType), second.id)).toHaveLength(0);
    const view = await loyalty(second.id);
    expect(view.referral).toMatchObject({ status: 'refused', reason: 'the referrer and the friend are one person' });
    expect(before(PointsAwarded.detailType).filter((e) => (e.detail.data as { reason: string }).reason.startsWith('referral'))).toHaveLength(0);
  });

  it('a signed customer.registered event carries the code too', async () => {
    const referrer = await signUp();
    const code = (await loyalty(referrer.id)).referralCode as string;
    const email = uniqueEmail('evref');
    expect((await postEvent(rt.url, 'acme', secret, 'customer.registered', { email, referralCode: code })).status).toBe(200);
    await settle();
    const found = (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
    expect((await loyalty(found.id)).referral).toMatchObject({ referrerId: referrer.id, status: 'referred' });
  });
});

describe('the program terms', () => {
  it('joining records the terms version on the consent ledger as purpose loyalty, once however often registration is delivered', async () => {
    const before = busMark(rt.bus);
    const member = await signUp();
    const event = before(CustomerRegistered.detailType).find((e) => (e.detail.data as { customerId: string }).customerId === member.id)!;
    await Promise.all(Array.from({ length: 4 }, () => rt.bus.publish([{ source: CustomerRegistered.source, detailType: event['detail-type'], detail: event.detail } as never])));
    await settle();
    const consents = (await marketer(`/v1/customers/${member.id}/consents`)).body;
    const records = consents.history.filter((r: { purpose: string }) => r.purpose === 'loyalty');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'granted', channel: 'all', statement: { version: '2026-12' }, capturedBy: { kind: 'system', id: 'loyalty' } });
    expect(consents.current).toContainEqual(expect.objectContaining({ purpose: 'loyalty', channel: 'all', status: 'granted' }));
    expect(records[0].at).toBe((await loyalty(member.id)).enrolledAt);
  });

  it('a person who does not join (explicit enrolment) has no terms on the ledger until they enrol', async () => {
    const t = rt.credentials.tenants[1]!;
    const globexAdmin = api(rt.url, t.tokens.admin);
    const globex = api(rt.url, t.tokens.marketer);
    expect((await globexAdmin('/v1/settings/loyalty', { method: 'PUT', body: JSON.stringify({ enrolment: 'explicit' }) })).status).toBe(200);
    const res = await globex('/v1/customers', { method: 'POST', body: JSON.stringify({ email: uniqueEmail('explicit') }) });
    await settle();
    const id = res.body.id as string;
    const terms = async () => (await globex(`/v1/customers/${id}/consents`)).body.history.filter((r: { purpose: string }) => r.purpose === 'loyalty');
    expect(await terms()).toHaveLength(0);
    expect((await globexAdmin(`/v1/customers/${id}/loyalty/enrolment`, { method: 'POST' })).status).toBeLessThan(300);
    await settle();
    expect(await terms()).toHaveLength(1);
  });
});
