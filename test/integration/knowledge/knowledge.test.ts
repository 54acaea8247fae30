/**
 * Customer knowledge through the local runtime: events on the bus → the customer-knowledge queue → figures
 * on GET /v1/customers/{id}, each with its inputs and formula, checked against the fixture computed by hand
 * (test/support/knowledge.ts has the table).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, OrderPlaced } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf } from '../../support/webhooks.js';
import { buildFixture, consent, customersFromComments, daysAgo } from '../../support/knowledge.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let f: Awaited<ReturnType<typeof buildFixture>>;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
  f = await buildFixture(rt, acme);
}, 120_000);
afterAll(async () => rt?.stop());

const knowledgeOf = async (id: string) => {
  const res = await marketer(`/v1/customers/${id}`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('GET /v1/customers/{id}', () => {
  it('shows every figure beside the identities and the consent, with the thresholds among the inputs', async () => {
    const c1 = await knowledgeOf(f.c1);
    expect(c1.identities).toEqual([expect.objectContaining({ channel: 'facebook' })]);
    expect(c1.consent.social_profiling).toMatchObject({ status: 'granted' });
    expect(c1.stage).toBe('advocate');
    const k = c1.knowledge;
    expect(k.rfm.value).toEqual({ recency: 4, frequency: 5, monetary: 5, class: 'champions' });
    const stats = (await marketer('/v1/knowledge/stats')).body;
    expect(stats.rfm).toMatchObject({ buyers: 10, currency: 'EUR', frequency: [1, 2, 2, 3], monetary: ['30.00', '70.00', '200.00', '300.00'] });
    // recency cuts are the last-order dates of C9, C10, C4 and C1 (250, 120, 30 and 10 days ago)
    expect(stats.rfm.recency).toEqual([daysAgo(f.base, 250), daysAgo(f.base, 120), daysAgo(f.base, 30), daysAgo(f.base, 10)]);
    expect(k.rfm.inputs).toMatchObject({ orders: 5, daysSinceLastOrder: 10, netSpend: { amount: '480.00', currency: 'EUR' }, thresholds: stats.rfm });
    expect(k.rfm.formula).toMatch(/quintile/);
    // CLV: 5 orders of 100.00, one refunded 20.00; first 50 days ago → a year observed; 2.5 years expected
    expect(k.clv.value).toEqual({ historic: { amount: '480.00', currency: 'EUR' }, predictive: { amount: '1200.00', currency: 'EUR' } });
    expect(k.clv.inputs).toMatchObject({
      orders: 5,
      grossSpend: { amount: '500.00' },
      refunded: { amount: '20.00' },
      averageOrderValue: { amount: '96.00' },
      purchasesPerYear: 5,
      daysSinceFirstOrder: 50,
      observedDays: 365,
      expectedLifetimeYears: 2.5,
    });
    expect(k.lifecycle.value).toEqual({ stage: 'advocate', churnRisk: 'low' });
    expect(k.lifecycle.inputs).toMatchObject({ orders: 5, socialProfiling: true, advocacySignals: 2, averageDaysBetweenOrders: 10, churnRatio: 1 });
  });

  it.each([
    // id, stage, R, F, M, class, churn (days since last order ÷ average gap)
    ['c2', 'loyal', 5, 5, 3, 'loyal', 'low'],
    ['c3', 'repeat', 4, 4, 4, 'champions', 'low'],
    ['c4', 'repeat', 3, 2, 5, 'needs_attention', 'low'],
    ['c5', 'customer', 5, 1, 2, 'new', 'low'],
    ['c6', 'customer', 3, 1, 1, 'needs_attention', 'low'],
    ['c7', 'repeat', 2, 2, 2, 'hibernating', 'medium'], // 200 days since, every 100 → 2
    ['c8', 'customer', 1, 1, 4, 'hibernating', 'high'], // one order, 400 days ago
    ['c9', 'repeat', 1, 4, 1, 'at_risk', 'high'], // 250 days since, every 10 → 25
    ['c10', 'repeat', 2, 2, 3, 'hibernating', 'high'], // 120 days since, every 10 → 12
  ] as const)('%s: %s, R%i F%i M%i %s, churn risk %s', async (key, stage, r, fr, m, cls, churn) => {
    const c = await knowledgeOf(f[key]);
    expect(c.stage).toBe(stage);
    expect(c.knowledge.rfm.value).toEqual({ recency: r, frequency: fr, monetary: m, class: cls });
    expect(c.knowledge.lifecycle.value).toEqual({ stage, churnRisk: churn });
  });

  it('C4: the fully refunded order does not count, its amount stays out of the spend', async () => {
    const k = (await knowledgeOf(f.c4)).knowledge;
    expect(k.orders).toMatchObject({ count: 2, notCounted: 1, netSpend: { amount: '400.00', currency: 'EUR' } });
  });

  it('C8: a year and more of history → 300.00 × 365 × 2.5 ÷ 400 = 684.375 → 684.38; wallet 273.75 of 1000.00', async () => {
    const k = (await knowledgeOf(f.c8)).knowledge;
    expect(k.clv.value.predictive).toEqual({ amount: '684.38', currency: 'EUR' });
    expect(k.shares.wallet.value).toBe(0.27375);
    expect(k.shares.wallet.inputs).toMatchObject({ annualSpend: { amount: '273.75' }, categorySpendEstimate: { amount: '1000.00' } });
  });

  it('C1 (consenting): voice 3 of the tenant’s 4, mind 1 brand of 2 mentions, wallet 0.48, heart from sentiment and passion', async () => {
    const k = (await knowledgeOf(f.c1)).knowledge;
    expect(k.socialProfiling).toBe(true);
    expect(k.interactions).toMatchObject({ count: 3, byKind: { comment: 1, share: 1, review: 1 } });
    // C1: comment + share + review = 3, C2: one comment = 1, both with consent; no followers → weight 1
    expect(k.shares.voice).toMatchObject({ value: 0.75, inputs: { voiceInteractions: 3, customerVoice: 3, tenantVoice: 4 } });
    // "Acme boots are great, much better than Globex": one brand and one competitor mention
    expect(k.shares.mind).toMatchObject({ value: 0.5, inputs: { brandMentions: 1, competitorMentions: 1, byCompetitorKeyword: { globex: 1 } } });
    expect(k.shares.wallet.value).toBe(0.48);
    // heart: mean of the comment's sentiment and the review's 0.6; passion = share + review = 2
    const timeline = (await marketer(`/v1/customers/${f.c1}/timeline`)).body.items;
    const comment = timeline.find((i: { type: string; kind?: string }) => i.type === 'interaction' && i.kind === 'comment');
    const weighted = (comment.sentiment + 0.6) / 2;
    expect(k.shares.heart.inputs.weightedSentiment).toBeCloseTo(weighted, 3);
    expect(k.shares.heart.inputs.passion).toBeCloseTo(2, 3);
    expect(k.shares.heart.value).toBeCloseTo(0.5 * ((weighted + 1) / 2) + 0.5 * (2 / 4), 4);
  });

  it('C3 (no social consent): interactions count in no figure; orders still do', async () => {
    const c3 = await knowledgeOf(f.c3);
    expect(c3.consent).toEqual({});
    const k = c3.knowledge;
    expect(k.socialProfiling).toBe(false);
    expect(k.interactions).toBeNull();
    for (const share of ['voice', 'mind', 'heart']) expect(k.shares[share]).toMatchObject({ value: null, inputs: {}, note: expect.stringContaining('social_profiling') });
    expect(k.rfm.value).not.toBeNull();
    expect(k.shares.wallet.value).toBe(0.24);
  });
});

describe('kept current by events', () => {
  it('withdrawing social profiling consent stops it at once; granting again counts the retained history', async () => {
    await consent(rt, 'acme', f.c1, 'withdrawn');
    await rt.drain(30_000);
    const withdrawn = await knowledgeOf(f.c1);
    expect(withdrawn.stage).toBe('loyal');
    expect(withdrawn.knowledge.lifecycle.value.stage).toBe('loyal');
    expect(withdrawn.knowledge.interactions).toBeNull();
    expect([withdrawn.knowledge.shares.voice.value, withdrawn.knowledge.shares.mind.value, withdrawn.knowledge.shares.heart.value]).toEqual([null, null, null]);
    expect(withdrawn.knowledge.rfm.value.class).toBe('champions');

    await consent(rt, 'acme', f.c1, 'granted');
    await rt.drain(30_000);
    const again = await knowledgeOf(f.c1);
    expect(again.stage).toBe('advocate');
    expect(again.knowledge.interactions.count).toBe(3);
    expect(again.knowledge.shares.voice.value).toBe(0.75);
  });

  it('applies an event once, and an order delivered again under a new event id once too', async () => {
    const [c11] = await customersFromComments(rt, acme, ['first time here']);
    const placed = (eventId: string) =>
      buildEvent(OrderPlaced, { tenantId: 'acme', eventId, occurredAt: new Date().toISOString(), correlationId: randomUUID() }, {
        customerId: c11!,
        orderId: 'once-1',
        store: 'woocommerce',
        total: { amount: '12.30', currency: 'EUR' },
        lineItems: [{ productId: 'mug', quantity: 1, price: { amount: '12.30', currency: 'EUR' } }],
      });
    const event = placed(randomUUID());
    await rt.bus.publish([event, event]);
    await rt.bus.publish([placed(randomUUID())]);
    await rt.drain(30_000);
    const c = await knowledgeOf(c11!);
    expect(c.stage).toBe('customer');
    expect(c.knowledge.orders).toMatchObject({ count: 1, netSpend: { amount: '12.30', currency: 'EUR' } });
    expect(c.knowledge.channels).toEqual(['facebook', 'woocommerce']);
  });
});

describe('settings, recompute and isolation', () => {
  it('lets the admin set the knowledge settings; validates them; marketers read them', async () => {
    const admin = api(rt.url, acme.tokens.admin);
    const bad = await admin('/v1/settings/knowledge', { method: 'PUT', body: JSON.stringify({ categorySpendEstimate: { amount: '1e3', currency: 'EUR' } }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect((await admin('/v1/settings/knowledge', { method: 'PUT', body: JSON.stringify({ brandKeywords: ['acme'], surprise: 1 }) })).status).toBe(400);
    expect((await marketer('/v1/settings/knowledge', { method: 'PUT', body: JSON.stringify({}) })).status).toBe(403);
    const read = await marketer('/v1/settings/knowledge');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ brandKeywords: ['acme'], competitorKeywords: ['globex', 'initech'], expectedLifetimeYears: 2.5, currency: 'EUR' });
  });

  it('lets only the admin start a recompute', async () => {
    expect((await marketer('/v1/knowledge/recompute', { method: 'POST' })).status).toBe(403);
    expect((await api(rt.url, acme.tokens.agent)('/v1/knowledge/stats')).status).toBe(403);
  });

  it("keeps tenants apart: another tenant's token sees neither the customer, its figures nor the distribution", async () => {
    const other = api(rt.url, globex.tokens.marketer);
    expect((await other(`/v1/customers/${f.c1}`)).status).toBe(404);
    expect((await other(`/v1/customers/${f.c1}/recommendations`)).status).toBe(404);
    const stats = await other('/v1/knowledge/stats');
    expect(stats.body).toMatchObject({ customers: 0, rfm: null });
    expect((await other('/v1/knowledge/jobs/anything')).status).toBe(404);
  });

  it('documents the figures in the OpenAPI document', async () => {
    const doc = await jsonOf(await fetch(`${rt.url}/v1/openapi.json`));
    expect(doc.components.schemas.Customer.properties.knowledge).toBeDefined();
    expect(doc.components.schemas.CustomerKnowledge.required).toEqual(expect.arrayContaining(['rfm', 'clv', 'lifecycle', 'shares']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/segments', '/v1/segments/{segmentId}/preview', '/v1/customers/{customerId}/recommendations', '/v1/settings/knowledge']));
  });
});
