/**
 * The social newsroom: what customers said about the brand, newest first, across networks.
 *
 * Interactions are indexed per channel in write-sharded partitions (store/keys.ts `newsroomIndex`), so one
 * page is a k-way merge: every shard of every channel asked for is read newest first, a few items at a
 * time, and the newest head among them is taken until the page is full. A shard is read again only when
 * its buffer runs dry, so a page costs about one small query per shard plus what it returns.
 *
 * Filters (sentiment, intent) are applied here, not as a DynamoDB FilterExpression: DynamoDB charges for
 * every item a query reads before filtering, so the read units are the same either way, and filtering here
 * lets the cursor record how far each shard was read even when nothing in it matched, so a selective filter
 * still moves forward page after page. `since` is part of the key condition: it really reads less. One page
 * reads at most `maxReads` times; when that budget runs out the page may hold fewer items than asked for,
 * with a cursor to carry on.
 *
 * The cursor holds, per shard, the position of the last item taken or passed over (occurredAt, item id,
 * customer id), 'done' for a shard read to its end, or nothing for one not read yet. Keys are rebuilt from
 * those parts for the caller's tenant, so a cursor can never point into another tenant's data.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Channel } from '../../events/catalog.js';
import { InvalidInput } from '../shared/errors.js';
import type { Interaction, Page } from '../shared/model.js';
import type { Intent } from './text-analysis.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** Scores within ±NEUTRAL_BAND are neutral (the analyzers answer 0 for neutral or mixed text). */
export const NEUTRAL_BAND = 0.05;

/** Every channel an interaction can be recorded on: the newsroom reads them all unless one is asked for. */
export const NEWSROOM_CHANNELS: readonly Channel[] = Channel.options;

const FIRST_READ_MIN = 2;
const READ_MAX = 100;

export function sentimentLabel(score: number | undefined): SentimentLabel | undefined {
  if (score === undefined) return undefined;
  if (score > NEUTRAL_BAND) return 'positive';
  if (score < -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

export interface NewsroomQuery {
  channel?: Channel;
  sentiment?: SentimentLabel;
  intent?: Intent;
  /** ISO 8601: only what happened at or after it. */
  since?: string;
  limit: number;
  cursor?: string;
}

/** Where a shard was left: the last item taken or passed over. */
export interface ShardPosition {
  occurredAt: string;
  itemId: string;
  customerId: string;
}

export interface ShardRef {
  channel: Channel;
  shard: number;
}

export interface NewsroomReader {
  /** How many write shards one channel's newsroom has. */
  shardCount(): number;
  /**
   * Up to `limit` items of one shard, newest first, strictly after `after`, not older than `since`.
   * `last`: where the read stopped (the last item read, even one not answered, e.g. expired);
   * `exhausted`: nothing is left beyond it.
   */
  readShard(
    tenantId: string,
    ref: ShardRef,
    after: ShardPosition | undefined,
    limit: number,
    since: string | undefined,
  ): Promise<{ items: Interaction[]; last?: ShardPosition; exhausted: boolean }>;
}

export interface NewsroomOptions {
  /** Queries one page may make at most (default: two rounds over every shard, plus a few). */
  maxReads?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Ordering, filters and the cursor (pure)

/** Newest first, as the index orders them (occurredAt, then id): negative when `a` comes first. */
export function newestFirst(a: Pick<Interaction, 'occurredAt' | 'id'>, b: Pick<Interaction, 'occurredAt' | 'id'>): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

export function matches(interaction: Interaction, query: Pick<NewsroomQuery, 'sentiment' | 'intent'>): boolean {
  if (interaction.removedAt !== undefined) return false;
  if (query.sentiment !== undefined && sentimentLabel(interaction.sentiment) !== query.sentiment) return false;
  if (query.intent !== undefined && interaction.intent !== query.intent) return false;
  return true;
}

type ShardState = ShardPosition | 'done' | null;

const Position = z.tuple([z.string().datetime({ offset: true }), z.string().min(1).max(256), z.string().min(1).max(256)]);
const CursorShape = z.object({
  v: z.literal(1),
  q: z.string(),
  s: z.record(z.string(), z.array(z.union([Position, z.literal(0), z.null()]))),
});

/** A short fingerprint of what was asked, so a cursor cannot be reused with other filters. */
function fingerprint(channels: readonly string[], query: NewsroomQuery): string {
  const asked = [channels, query.sentiment ?? '', query.intent ?? '', query.since ?? ''];
  return createHash('sha256').update(JSON.stringify(asked)).digest('base64url').slice(0, 16);
}

export function encodeNewsroomCursor(channels: readonly Channel[], query: NewsroomQuery, states: Map<string, ShardState[]>): string {
  const s: Record<string, (readonly [string, string, string] | 0 | null)[]> = {};
  for (const channel of channels) {
    s[channel] = (states.get(channel) ?? []).map((state) =>
      state === 'done' ? 0 : state === null ? null : ([state.occurredAt, state.itemId, state.customerId] as const),
    );
  }
  return encodeCursor({ v: 1, q: fingerprint(channels, query), s });
}

export function decodeNewsroomCursor(cursor: string, channels: readonly Channel[], query: NewsroomQuery, shardCount: number): Map<string, ShardState[]> {
  const parsed = decodeCursor(cursor, CursorShape);
  if (parsed.q !== fingerprint(channels, query)) throw new InvalidInput('cursor belongs to a newsroom query with other filters');
  const states = new Map<string, ShardState[]>();
  for (const channel of channels) {
    const shards = parsed.s[channel];
    if (!shards || shards.length !== shardCount) throw new InvalidInput('cursor is not valid for this list');
    states.set(
      channel,
      shards.map((entry) => (entry === 0 ? 'done' : entry === null ? null : { occurredAt: entry[0], itemId: entry[1], customerId: entry[2] })),
    );
  }
  return states;
}

const positionOf = (i: Interaction): ShardPosition => ({ occurredAt: i.occurredAt, itemId: i.id, customerId: i.customerId });

// ---------------------------------------------------------------------------------------------------------
// The use case

interface Shard {
  ref: ShardRef;
  /** The last item taken or passed over (what the cursor records), or null when none yet. */
  position: ShardPosition | null;
  /** Where the next read starts: the last item read. */
  readFrom: ShardPosition | undefined;
  buffer: Interaction[];
  exhausted: boolean;
  nextReadSize: number;
}

/**
 * One page of the newsroom.
 * 1. decide the channels (the one asked for, or all) and where each of their shards stands (the cursor);
 * 2. read every shard that has nothing buffered (in parallel), a few items each;
 * 3. drop what does not match; take the newest head while every unfinished shard has a head to compare;
 * 4. repeat 2-3 until the page is full, every shard is read to its end, or the read budget is spent;
 * 5. answer the page and a cursor of the shard positions (null when every shard is done).
 */
export async function readNewsroom(reader: NewsroomReader, tenantId: string, query: NewsroomQuery, options: NewsroomOptions = {}): Promise<Page<Interaction>> {
  const channels = query.channel ? [query.channel] : NEWSROOM_CHANNELS;
  const shardCount = reader.shardCount();
  const since = query.since !== undefined ? new Date(query.since).toISOString() : undefined;
  const normalised: NewsroomQuery = { ...query, ...(since !== undefined && { since }) };
  const states = query.cursor ? decodeNewsroomCursor(query.cursor, channels, normalised, shardCount) : undefined;
  // the first read assumes the page spreads evenly over the shards; a shard that runs dry is read again, twice as much
  const firstRead = Math.max(FIRST_READ_MIN, Math.ceil(query.limit / (channels.length * shardCount)) + 1);

  const shards: Shard[] = channels.flatMap((channel) =>
    Array.from({ length: shardCount }, (_, shard) => {
      const state = states?.get(channel)?.[shard] ?? null;
      return {
        ref: { channel, shard },
        position: state === 'done' ? null : state,
        readFrom: state === 'done' || state === null ? undefined : state,
        buffer: [],
        exhausted: state === 'done',
        nextReadSize: firstRead,
      };
    }),
  );

  const maxReads = options.maxReads ?? 2 * shards.length + 8;
  let reads = 0;
  const page: Interaction[] = [];
  const seen = new Set<string>();

  /** Takes the head off a shard's buffer; once the buffer is empty the shard stands where its last read stopped. */
  const shiftHead = (shard: Shard): Interaction => {
    const head = shard.buffer.shift()!;
    shard.position = shard.buffer.length === 0 && shard.readFrom ? shard.readFrom : positionOf(head);
    return head;
  };
  const dropUnwanted = (shard: Shard) => {
    // what is passed over still counts as read: the cursor moves past it
    while (shard.buffer.length > 0 && (!matches(shard.buffer[0]!, query) || seen.has(shard.buffer[0]!.id))) shiftHead(shard);
  };

  while (page.length < query.limit) {
    for (const shard of shards) dropUnwanted(shard);
    const dry = shards.filter((s) => s.buffer.length === 0 && !s.exhausted);
    if (dry.length > 0) {
      if (reads + dry.length > maxReads) break;
      reads += dry.length;
      await Promise.all(
        dry.map(async (shard) => {
          const { items, last, exhausted } = await reader.readShard(tenantId, shard.ref, shard.readFrom, shard.nextReadSize, since);
          shard.buffer.push(...items);
          shard.exhausted = exhausted;
          if (last) shard.readFrom = last;
          // nothing answered (all expired): the shard has still moved on
          if (shard.buffer.length === 0 && last) shard.position = last;
          shard.nextReadSize = Math.min(READ_MAX, shard.nextReadSize * 2);
        }),
      );
      continue;
    }
    const candidates = shards.filter((s) => s.buffer.length > 0);
    if (candidates.length === 0) break; // every shard read to its end
    const newest = candidates.reduce((best, s) => (newestFirst(s.buffer[0]!, best.buffer[0]!) < 0 ? s : best));
    const taken = shiftHead(newest);
    seen.add(taken.id);
    page.push(taken);
  }

  for (const shard of shards) {
    dropUnwanted(shard);
    // read to its end and nothing left over: done (a later page need not read it again)
    if (shard.exhausted && shard.buffer.length === 0) shard.position = null;
  }
  const finished = shards.every((s) => s.exhausted && s.buffer.length === 0);
  if (finished) return { items: page, nextCursor: null };
  const next = new Map<string, ShardState[]>();
  for (const shard of shards) {
    const list = next.get(shard.ref.channel) ?? [];
    list[shard.ref.shard] = shard.exhausted && shard.buffer.length === 0 ? 'done' : shard.position;
    next.set(shard.ref.channel, list);
  }
  return { items: page, nextCursor: encodeNewsroomCursor(channels, normalised, next) };
}
