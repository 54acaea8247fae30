/**
 * The social newsroom through the local runtime: newest first across networks and shards, filters,
 * cursor pagination, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInteractionRepository } from '../../../adapters/social/dynamo-interactions.js';
import type { Interaction } from '../../../domain/shared/model.js';
import type { Channel } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
const seeded: Interaction[] = [];
let viaWebhook: string;

const channels: Channel[] = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube'];
const BASE = Date.parse('2026-10-01T08:00:00.000Z');

function interaction(tenantId: string, n: number, overrides: Partial<Interaction> = {}): Interaction {
  // two at each minute, so equal timestamps are ordered too
  const occurredAt = new Date(BASE + Math.floor(n / 2) * 60_000).toISOString();
  const sentiment = n % 3 === 0 ? 0.7 : n % 3 === 1 ? -0.6 : 0;
  return {
    id: `${tenantId}-ix-${String(n).padStart(3, '0')}`,
    tenantId,
    customerId: `${tenantId}-customer-${n % 4}`,
    channel: channels[n % channels.length]!,
    kind: 'comment',
    externalId: `${tenantId}-ext-${n}`,
    text: `text ${n}`,
    sentiment,
    intent: sentiment < 0 ? 'complaint' : n % 5 === 0 ? 'question' : 'other',
    occurredAt,
    receivedAt: occurredAt,
    ...overrides,
  };
}

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
  const repository = new DynamoInteractionRepository();
  for (let n = 0; n < 30; n++) seeded.push(interaction('acme', n));
  for (let n = 0; n < 3; n++) seeded.push(interaction('globex', n, { occurredAt: new Date(BASE + 3_600_000 + n).toISOString() }));
  for (const i of seeded) await repository.recordOnce(i);
  // one removed by the platform after it was stored: it must not show
  const removed = interaction('acme', 99, { occurredAt: new Date(BASE + 7_200_000).toISOString() });
  await repository.recordOnce(removed);
  const { text: _t, sentiment: _s, intent: _i, ...rest } = removed;
  await repository.replace({ ...rest, removedAt: new Date().toISOString() });
  // and one through the real ingest path
  const page = acme.accounts.facebook;
  const body = pageDelivery(page, [feedComment({ pageId: page, fromId: '7700000000001', message: 'I love the new tent', createdTime: Math.floor((BASE + 10_800_000) / 1000) })]);
  expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
  const found = await marketer('/v1/customers?channel=facebook&externalId=7700000000001');
  viaWebhook = found.body.items[0].id;
});
afterAll(async () => rt?.stop());

const acmeSeeded = (keep: (i: Interaction) => boolean = () => true) =>
  seeded
    .filter((i) => i.tenantId === 'acme' && keep(i))
    .sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1))
    .map((i) => i.id);

async function walk(query: string, limit: number, client = marketer) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await client(`/v1/newsroom?limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { ids, pages };
}

describe('GET /v1/newsroom', () => {
  it('answers newest first across every network, each item with its customer', async () => {
    const res = await marketer('/v1/newsroom?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const [first, ...rest] = res.body.items;
    expect(first).toMatchObject({ channel: 'facebook', kind: 'comment', text: 'I love the new tent', customerId: viaWebhook });
    expect(first.sentiment).toBeGreaterThan(0);
    expect(rest.map((i: { id: string }) => i.id)).toEqual(acmeSeeded());
    expect(new Set(rest.map((i: { channel: string }) => i.channel))).toEqual(new Set(channels));
    expect(rest[0]).toMatchObject({ customerId: expect.stringMatching(/^acme-customer-/), externalId: expect.any(String), occurredAt: expect.any(String) });
    expect(rest[0].tenantId).toBeUndefined();
  });

  it('never shows what the platform removed', async () => {
    const ids = (await walk('', 100)).ids;
    expect(ids).not.toContain('acme-ix-099');
  });

  it('pages through everything once, in order, with an opaque cursor', async () => {
    const { ids, pages } = await walk('', 4);
    expect(ids.slice(1)).toEqual(acmeSeeded());
    expect(pages).toBe(Math.ceil(31 / 4));
  });

  it('filters by channel, sentiment, intent and since', async () => {
    expect((await walk('channel=x', 3)).ids).toEqual(acmeSeeded((i) => i.channel === 'x'));
    expect((await walk('sentiment=negative', 5)).ids).toEqual(acmeSeeded((i) => (i.sentiment ?? 0) < 0));
    expect((await walk('sentiment=neutral&channel=whatsapp', 5)).ids).toEqual(acmeSeeded((i) => i.sentiment === 0 && i.channel === 'whatsapp'));
    expect((await walk('intent=question', 5)).ids).toEqual(acmeSeeded((i) => i.intent === 'question'));
    const since = new Date(BASE + 10 * 60_000).toISOString();
    const recent = (await walk(`since=${encodeURIComponent(since)}`, 6)).ids;
    expect(recent.slice(1)).toEqual(acmeSeeded((i) => i.occurredAt >= since));
  });

  it('refuses invalid queries and cursors with 400', async () => {
    expect((await marketer('/v1/newsroom?sentiment=angry')).status).toBe(400);
    expect((await marketer('/v1/newsroom?limit=0')).status).toBe(400);
    expect((await marketer('/v1/newsroom?channel=tiktok')).status).toBe(400);
    expect((await marketer('/v1/newsroom?since=yesterday')).status).toBe(400);
    expect((await marketer('/v1/newsroom?cursor=not-a-cursor')).status).toBe(400);
    const first = await marketer('/v1/newsroom?limit=2&channel=x');
    const reused = await marketer(`/v1/newsroom?limit=2&channel=facebook&cursor=${first.body.nextCursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_input');
  });

  it('shows each tenant only its own, even with the other tenant’s cursor', async () => {
    const theirs = api(rt.url, globex.tokens.agent);
    const res = await theirs('/v1/newsroom?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id).sort()).toEqual(['globex-ix-000', 'globex-ix-001', 'globex-ix-002']);

    const acmeCursor = (await marketer('/v1/newsroom?limit=2')).body.nextCursor;
    const replayed = await theirs(`/v1/newsroom?limit=100&cursor=${acmeCursor}`);
    expect(replayed.status).toBe(200);
    expect(replayed.body.items.every((i: { id: string }) => i.id.startsWith('globex-'))).toBe(true);
  });

  it('is for marketers, agents and admins (finance 403, no token 401)', async () => {
    expect((await api(rt.url, acme.tokens.finance)('/v1/newsroom')).status).toBe(403);
    expect((await api(rt.url, acme.tokens.admin)('/v1/newsroom?limit=1')).status).toBe(200);
    expect((await fetch(`${rt.url}/v1/newsroom`)).status).toBe(401);
  });
});
