/**
 * The audit trail on the one table. Each entry lands in its tenant's day partition (write-sharded: a busy
 * tenant's consent changes, merges and erasures all write there) with sort key `{at}#{id}`, and in GSI2
 * under its target, so both "what happened lately" and "what happened to this customer" are Queries.
 *
 * Listing is newest first. Tenant-wide: day by day from today back to `since`, each day's shards read
 * below the cursor and merged; the cursor is the day and the last sort key returned, so every page is
 * exact however the shards interleave. A page visits at most MAX_DAYS_PER_PAGE days, so a long quiet
 * window answers a short (even empty) page with a cursor rather than one slow request.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditInput, AuditQuery } from '../../domain/audit/audit.js';
import { InvalidInput } from '../../domain/shared/errors.js';
import type { Page } from '../../domain/shared/model.js';
import type { AuditLog } from '../../domain/shared/ports.js';
import { dayOf, keys, randomShard, SHARDS } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor, isCalendarDay } from '../../domain/shared/cursor.js';

const MAX_DAYS_PER_PAGE = 31;
const DAYS_IN_PARALLEL = 7;

type Cursor = { m: 'd'; d: string; b?: string } | { m: 't'; b: string };

const Bookmark = z.string().min(1).max(400);
const CURSORS = {
  d: z.object({ m: z.literal('d'), d: z.string().refine(isCalendarDay), b: Bookmark.optional() }),
  t: z.object({ m: z.literal('t'), b: Bookmark }),
} as const;

function encode(cursor: Cursor): string {
  return encodeCursor(cursor);
}

function decode(value: string, mode: Cursor['m']): Cursor {
  return decodeCursor(value, CURSORS[mode]) as Cursor;
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

interface Found {
  sortKey: string;
  entry: AuditEntry;
}

/**
 * Up to `want` entries of one partition (table or GSI2), newest first, with sort key in [from, below),
 * matching the actor when one is given. `more`: the partition may hold further matches.
 */
async function collect(options: {
  index?: 'gsi2';
  pk: string;
  from?: string;
  below?: string;
  actor?: string;
  want: number;
}): Promise<{ found: Found[]; more: boolean }> {
  const [pkName, skName] = options.index ? ['gsi2pk', 'gsi2sk'] : ['pk', 'sk'];
  const values: Record<string, unknown> = { ':pk': options.pk };
  let condition = '#pk = :pk';
  if (options.from !== undefined && options.below !== undefined) {
    // BETWEEN is inclusive: the entry at `below` itself is dropped below
    condition += ' AND #sk BETWEEN :from AND :below';
    Object.assign(values, { ':from': options.from, ':below': options.below });
  } else if (options.from !== undefined) {
    condition += ' AND #sk >= :from';
    values[':from'] = options.from;
  } else if (options.below !== undefined) {
    condition += ' AND #sk < :below';
    values[':below'] = options.below;
  }
  const names: Record<string, string> = { '#pk': pkName };
  if (options.from !== undefined || options.below !== undefined) names['#sk'] = skName;
  if (options.actor !== undefined) {
    Object.assign(names, { '#data': 'data', '#actor': 'actor' });
    values[':actor'] = options.actor;
  }

  const found: Found[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        ...(options.index && { IndexName: options.index }),
        KeyConditionExpression: condition,
        ...(options.actor !== undefined && { FilterExpression: '#data.#actor = :actor' }),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        // one more than wanted, so a full page also tells whether more follow
        Limit: options.actor !== undefined ? 100 : options.want - found.length + 2,
        ...(startKey && { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      const sortKey = item[skName] as string;
      if (sortKey !== options.below) found.push({ sortKey, entry: item.data as AuditEntry });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && found.length <= options.want);
  return { found: found.slice(0, options.want), more: found.length > options.want || startKey !== undefined };
}

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly newId: () => string = randomUUID) {}

  async record(input: AuditInput): Promise<AuditEntry> {
    const entry: AuditEntry = { ...input, id: this.newId(), details: input.details ?? {} };
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.auditEntry(entry.tenantId, entry.at, entry.id, randomShard(SHARDS.audit)),
          ...keys.auditTargetIndex(entry.tenantId, entry.targetId, entry.at, entry.id),
          entity: 'AuditEntry',
          data: entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return entry;
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    return query.targetId !== undefined ? this.byTarget({ ...query, targetId: query.targetId }) : this.byDay(query);
  }

  private async byTarget(query: AuditQuery & { targetId: string }): Promise<Page<AuditEntry>> {
    const cursor = query.cursor ? (decode(query.cursor, 't') as { b: string }) : undefined;
    const { gsi2pk } = keys.auditTargetIndex(query.tenantId, query.targetId, '', '');
    const { found, more } = await collect({
      index: 'gsi2',
      pk: gsi2pk,
      ...(query.since !== undefined && { from: query.since }),
      ...(cursor && { below: cursor.b }),
      ...(query.actor !== undefined && { actor: query.actor }),
      want: query.limit,
    });
    const last = found.at(-1);
    return { items: found.map((f) => f.entry), nextCursor: more && last ? encode({ m: 't', b: last.sortKey }) : null };
  }

  private async byDay(query: AuditQuery): Promise<Page<AuditEntry>> {
    const since = query.since ?? new Date(0).toISOString();
    const sinceDay = dayOf(since);
    const cursor = query.cursor ? (decode(query.cursor, 'd') as { d: string; b?: string }) : undefined;
    let day = cursor?.d ?? dayOf(new Date().toISOString());
    let below = cursor?.b;
    const items: AuditEntry[] = [];
    let visited = 0;

    while (day >= sinceDay && visited < MAX_DAYS_PER_PAGE) {
      // a window of days is read at once, so quiet days cost one round trip per window, not per day
      const window: string[] = [];
      for (let d = day; d >= sinceDay && window.length < DAYS_IN_PARALLEL && visited + window.length < MAX_DAYS_PER_PAGE; d = previousDay(d)) {
        window.push(d);
      }
      const need = query.limit - items.length;
      const days = await Promise.all(window.map((d, i) => this.readDay(query, d, need, i === 0 ? below : undefined, d === sinceDay ? since : undefined)));
      for (const [i, d] of window.entries()) {
        const { merged, more } = days[i]!;
        const want = query.limit - items.length;
        const taken = merged.slice(0, want);
        items.push(...taken.map((f) => f.entry));
        visited += 1;
        if (items.length === query.limit) {
          const last = taken.at(-1);
          const further = merged.length > want || more || d > sinceDay;
          return { items, nextCursor: further && last ? encode({ m: 'd', d, b: last.sortKey }) : null };
        }
      }
      day = previousDay(window.at(-1)!);
      below = undefined;
    }
    return { items, nextCursor: day >= sinceDay ? encode({ m: 'd', d: day }) : null };
  }

  /** One day's shards, each read newest first below the cursor, merged into one order. */
  private async readDay(query: AuditQuery, day: string, want: number, below?: string, from?: string) {
    const shards = await Promise.all(
      keys.auditDayShards(query.tenantId, day).map((pk) =>
        collect({
          pk,
          ...(from !== undefined && { from }),
          ...(below !== undefined && { below }),
          ...(query.actor !== undefined && { actor: query.actor }),
          want,
        }),
      ),
    );
    const merged = shards.flatMap((s) => s.found).sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    return { merged, more: shards.some((s) => s.more) };
  }
}

export const auditLog = new DynamoAuditLog();
