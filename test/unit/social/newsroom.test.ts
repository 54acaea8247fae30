import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../domain/shared/errors.js';
import type { Interaction } from '../../../domain/shared/model.js';
import { matches, newestFirst, readNewsroom, sentimentLabel, type NewsroomQuery } from '../../../domain/social/newsroom.js';
import type { Channel } from '../../../events/catalog.js';
import { FakeNewsroom } from '../../support/merge-fakes.js';

let seq = 0;
function item(channel: Channel, minute: number, overrides: Partial<Interaction> = {}): Interaction {
  seq += 1;
  const occurredAt = new Date(Date.UTC(2026, 10, 23, 9, 0) + minute * 60_000).toISOString();
  return {
    id: `item-${String(seq).padStart(3, '0')}`,
    tenantId: 'acme',
    customerId: `cust-${seq % 5}`,
    channel,
    kind: 'comment',
    externalId: `ext-${seq}`,
    text: 'hello',
    sentiment: 0,
    intent: 'other',
    occurredAt,
    receivedAt: occurredAt,
    ...overrides,
  };
}

/** 40 interactions over four networks, some at the same minute, one removed, one from another tenant. */
function corpus() {
  const channels: Channel[] = ['facebook', 'instagram', 'x', 'youtube'];
  const items: Interaction[] = [];
  for (let n = 0; n < 40; n++) {
    const sentiment = n % 3 === 0 ? 0.6 : n % 3 === 1 ? -0.7 : 0;
    items.push(item(channels[n % 4]!, Math.floor(n / 2), { sentiment, intent: sentiment < 0 ? 'complaint' : 'other' }));
  }
  items.push(item('facebook', 100, { removedAt: '2026-11-23T12:00:00.000Z', text: undefined }));
  items.push(item('facebook', 101, { tenantId: 'globex' }));
  return items;
}

const expected = (items: Interaction[], keep: (i: Interaction) => boolean = () => true) =>
  items.filter((i) => i.tenantId === 'acme' && !i.removedAt && keep(i)).sort(newestFirst).map((i) => i.id);

async function allPages(reader: FakeNewsroom, query: Omit<NewsroomQuery, 'cursor'>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await readNewsroom(reader, 'acme', { ...query, ...(cursor && { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { ids, pages };
}

describe('sentiment labels and filters', () => {
  it('labels scores around a small neutral band', () => {
    expect(sentimentLabel(0.3)).toBe('positive');
    expect(sentimentLabel(0.05)).toBe('neutral');
    expect(sentimentLabel(0)).toBe('neutral');
    expect(sentimentLabel(-0.2)).toBe('negative');
    expect(sentimentLabel(undefined)).toBeUndefined();
  });

  it('never shows a removed interaction; a sentiment filter skips what has no text', () => {
    expect(matches(item('x', 0, { removedAt: '2026-11-23T10:00:00.000Z' }), {})).toBe(false);
    expect(matches(item('x', 0, { sentiment: undefined }), { sentiment: 'neutral' })).toBe(false);
    expect(matches(item('x', 0, { intent: 'question' }), { intent: 'question' })).toBe(true);
  });
});

describe('readNewsroom', () => {
  it('merges every shard of every channel newest first', async () => {
    const items = corpus();
    const page = await readNewsroom(new FakeNewsroom(items), 'acme', { limit: 100 });
    expect(page.items.map((i) => i.id)).toEqual(expected(items));
    expect(page.nextCursor).toBeNull();
    expect(new Set(page.items.map((i) => i.channel))).toEqual(new Set(['facebook', 'instagram', 'x', 'youtube']));
  });

  it('pages through everything exactly once, in order, with the cursor', async () => {
    const items = corpus();
    const { ids, pages } = await allPages(new FakeNewsroom(items), { limit: 7 });
    expect(ids).toEqual(expected(items));
    expect(pages).toBe(Math.ceil(40 / 7));
  });

  it('filters by channel, sentiment, intent and since, across pages', async () => {
    const items = corpus();
    const reader = new FakeNewsroom(items);
    expect((await allPages(reader, { limit: 4, channel: 'x' })).ids).toEqual(expected(items, (i) => i.channel === 'x'));
    expect((await allPages(reader, { limit: 4, sentiment: 'negative' })).ids).toEqual(expected(items, (i) => (i.sentiment ?? 0) < -0.05));
    expect((await allPages(reader, { limit: 4, intent: 'complaint', channel: 'facebook' })).ids).toEqual(
      expected(items, (i) => i.intent === 'complaint' && i.channel === 'facebook'),
    );
    const since = '2026-11-23T09:10:00.000Z';
    expect((await allPages(reader, { limit: 5, since })).ids).toEqual(expected(items, (i) => i.occurredAt >= since));
  });

  it('reads only the shards of the channel asked for', async () => {
    const reader = new FakeNewsroom(corpus());
    await readNewsroom(reader, 'acme', { limit: 5, channel: 'youtube' });
    expect(new Set(reader.reads.map((r) => r.ref.channel))).toEqual(new Set(['youtube']));
  });

  it('a selective filter under a small read budget answers partial pages that still move forward', async () => {
    const items = corpus();
    const reader = new FakeNewsroom(items);
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let partial = 0;
    do {
      const page = await readNewsroom(reader, 'acme', { limit: 3, channel: 'facebook', intent: 'complaint', ...(cursor && { cursor }) }, { maxReads: 5 });
      ids.push(...page.items.map((i) => i.id));
      if (page.nextCursor && page.items.length < 3) partial += 1;
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 200);
    expect(partial).toBeGreaterThan(0);
    expect(ids).toEqual(expected(items, (i) => i.intent === 'complaint' && i.channel === 'facebook'));
  });

  it('refuses a cursor made for other filters, and one that was tampered with', async () => {
    const reader = new FakeNewsroom(corpus());
    const first = await readNewsroom(reader, 'acme', { limit: 3, channel: 'x' });
    expect(first.nextCursor).toEqual(expect.any(String));
    await expect(readNewsroom(reader, 'acme', { limit: 3, channel: 'facebook', cursor: first.nextCursor! })).rejects.toThrow(InvalidInput);
    await expect(readNewsroom(reader, 'acme', { limit: 3, channel: 'x', sentiment: 'positive', cursor: first.nextCursor! })).rejects.toThrow(InvalidInput);
    await expect(readNewsroom(reader, 'acme', { limit: 3, channel: 'x', cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(InvalidInput);
    const decoded = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8'));
    decoded.s.x = [['not a date', 'a', 'b'], 0, 0, 0];
    const forged = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    await expect(readNewsroom(reader, 'acme', { limit: 3, channel: 'x', cursor: forged })).rejects.toThrow(InvalidInput);
  });

  it('the cursor carries positions, never keys: another tenant using it reads only its own data', async () => {
    const items = corpus();
    const reader = new FakeNewsroom(items);
    const first = await readNewsroom(reader, 'acme', { limit: 2, channel: 'facebook' });
    expect(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')).not.toMatch(/T#|acme/);
    const theirs = await readNewsroom(reader, 'globex', { limit: 50, channel: 'facebook', cursor: first.nextCursor! });
    expect(theirs.items.every((i) => i.tenantId === 'globex')).toBe(true);
  });

  it('an empty newsroom answers no items and no cursor', async () => {
    const page = await readNewsroom(new FakeNewsroom([]), 'acme', { limit: 25 });
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});
