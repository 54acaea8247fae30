/**
 * Segments through the local runtime: defined by rule, back-filled over the stage index, previewed and paged
 * (counts and members checked against a brute-force pass over the fixture), and kept current as events
 * change customers, consent withdrawal included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { buildFixture, consent, placeOrders } from '../../support/knowledge.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let f: Awaited<ReturnType<typeof buildFixture>>;

type View = { id: string; stage: string; tags?: string[]; knowledge: any };

/** The rules, and the same conditions written plainly over the API's view of a customer (brute force). */
const RULES = {
  top: {
    rule: { or: [{ field: 'rfm.class', op: 'eq', value: 'champions' }, { field: 'stage', op: 'in', value: ['loyal', 'advocate'] }] },
    holds: (c: View) => c.knowledge.rfm.value?.class === 'champions' || ['loyal', 'advocate'].includes(c.stage),
  },
  loud: {
    rule: { field: 'shares.voice', op: 'gt', value: 0.5 },
    holds: (c: View) => c.knowledge.shares.voice.value !== null && c.knowledge.shares.voice.value > 0.5,
  },
  quiet: {
    // not (voice > 0.5): only customers whose voice is known, i.e. who consented
    rule: { not: { field: 'shares.voice', op: 'gt', value: 0.5 } },
    holds: (c: View) => c.knowledge.shares.voice.value !== null && !(c.knowledge.shares.voice.value > 0.5),
  },
  valuable: {
    rule: { and: [{ field: 'clv.historic', op: 'gte', value: '200.00' }, { not: { field: 'churnRisk', op: 'eq', value: 'high' } }] },
    holds: (c: View) => c.knowledge.clv.value !== null && Number(c.knowledge.clv.value.historic.amount) >= 200 && c.knowledge.lifecycle.value.churnRisk !== 'high',
  },
  firstTimers: {
    rule: { field: 'stage', op: 'eq', value: 'customer' },
    holds: (c: View) => c.stage === 'customer',
  },
  vips: {
    rule: { and: [{ field: 'tags', op: 'has', value: 'vip' }, { field: 'channels', op: 'hasAll', value: ['facebook', 'shopify'] }] },
    holds: (c: View) => (c.tags ?? []).includes('vip') && ['facebook', 'shopify'].every((ch) => c.knowledge.channels.includes(ch)),
  },
} as const;
type Name = keyof typeof RULES;
const ids = {} as Record<Name, string>;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
  f = await buildFixture(rt, acme);
  for (const [name, { rule }] of Object.entries(RULES)) {
    const res = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name, rule }) });
    if (res.status !== 201) throw new Error(`segment ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    ids[name as Name] = res.body.id;
  }
  await rt.drain(60_000);
}, 180_000);
afterAll(async () => rt?.stop());

async function views(): Promise<View[]> {
  return Promise.all(f.ids.map(async (id) => (await marketer(`/v1/customers/${id}`)).body as View));
}

async function allMembers(segmentId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await marketer(`/v1/segments/${segmentId}/members?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(2);
    found.push(...res.body.items.map((i: { customerId: string }) => i.customerId));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return found.sort();
}

async function expectMatchesBruteForce(name: Name) {
  const expected = (await views()).filter(RULES[name].holds).map((c) => c.id).sort();
  const preview = await marketer(`/v1/segments/${ids[name]}/preview?sample=3`);
  expect(preview.status).toBe(200);
  expect(preview.body.count, name).toBe(expected.length);
  expect(preview.body.sample.length).toBe(Math.min(3, expected.length));
  for (const s of preview.body.sample) expect(expected).toContain(s.id);
  expect(await allMembers(ids[name]), name).toEqual(expected);
  return expected;
}

describe('defining and back-filling', () => {
  it('back-fills every existing customer; the segment is ready afterwards', async () => {
    const list = await marketer('/v1/segments');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(RULES).sort());
    for (const s of list.body.items) expect(s.status).toBe('ready');
    const one = await marketer(`/v1/segments/${ids.top}`);
    expect(one.body).toMatchObject({ id: ids.top, name: 'top', rule: RULES.top.rule, status: 'ready' });
  });

  it.each(Object.keys(RULES) as Name[])('%s: preview count, sample and paged members equal a brute-force pass', async (name) => {
    await expectMatchesBruteForce(name);
  });

  it('holds what the fixture says: champions or loyal C1 C2 C3; only C1 is loud; of the consenting, C2 is quiet', async () => {
    expect(await allMembers(ids.top)).toEqual([f.c1, f.c2, f.c3].sort());
    expect(await allMembers(ids.loud)).toEqual([f.c1]);
    // C3..C10 have no social profiling consent: their voice is unknown, so `not` does not take them in
    expect(await allMembers(ids.quiet)).toEqual([f.c2]);
    expect(await allMembers(ids.valuable)).toEqual([f.c1, f.c2, f.c3, f.c4].sort());
    expect(await allMembers(ids.firstTimers)).toEqual([f.c5, f.c6, f.c8].sort());
  });

  it('refuses an invalid rule with 400 naming the problem, and roles without the right', async () => {
    const bad = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'x', rule: { field: 'stage', op: 'in', value: 'loyal' } }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('rule');
    expect((await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ rule: RULES.top.rule }) })).status).toBe(400);
    expect((await api(rt.url, acme.tokens.agent)('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'x', rule: RULES.top.rule }) })).status).toBe(403);
    expect((await marketer('/v1/segments/nope/preview')).status).toBe(404);
    expect((await marketer(`/v1/segments/${ids.top}/members?cursor=forged`)).status).toBe(400);
  });

  it("keeps tenants apart: another tenant neither lists nor reads acme's segments", async () => {
    const other = api(rt.url, globex.tokens.marketer);
    expect((await other('/v1/segments')).body).toEqual({ items: [], nextCursor: null });
    expect((await other(`/v1/segments/${ids.top}`)).status).toBe(404);
    expect((await other(`/v1/segments/${ids.top}/preview`)).status).toBe(404);
    expect((await other(`/v1/segments/${ids.top}/members`)).status).toBe(404);
  });
});

describe('membership kept current by events', () => {
  it('a marketer tagging C6 "vip" (CustomerUpdated) puts C6 in the vips at once', async () => {
    expect(await allMembers(ids.vips)).toEqual([]);
    const patched = await marketer(`/v1/customers/${f.c6}`, { method: 'PATCH', body: JSON.stringify({ tags: ['vip'] }) });
    expect(patched.status).toBe(200);
    await rt.drain(30_000);
    expect(await allMembers(ids.vips)).toEqual([f.c6]);
    await expectMatchesBruteForce('vips');
  });

  it('a second order moves C5 out of the first-timers at once', async () => {
    await placeOrders(rt, 'acme', f.c5, f.base, [{ orderId: `${f.c5}-again`, days: 0, amount: '25.00' }]);
    await rt.drain(30_000);
    expect(await allMembers(ids.firstTimers)).toEqual([f.c6, f.c8].sort());
    await expectMatchesBruteForce('firstTimers');
  });

  it('withdrawing social profiling consent takes C1 out of the social segment at once, not out of the order-based ones', async () => {
    await consent(rt, 'acme', f.c1, 'withdrawn');
    await rt.drain(30_000);
    expect(await allMembers(ids.loud)).toEqual([]);
    expect((await marketer(`/v1/segments/${ids.loud}/preview`)).body.count).toBe(0);
    expect(await allMembers(ids.quiet)).toEqual([f.c2]);
    expect(await allMembers(ids.top)).toContain(f.c1);
    expect(await allMembers(ids.valuable)).toContain(f.c1);
    for (const name of Object.keys(RULES) as Name[]) await expectMatchesBruteForce(name);
  });
});
