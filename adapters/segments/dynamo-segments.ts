/**
 * Segments on the one table (keys: store/keys.ts): definitions in one small partition per tenant; members
 * write-sharded by customer (`T#t#SEG#seg#shard / C#customer`) with a member counter per shard beside them,
 * so a campaign pages a segment of a million customers with Query and a preview adds up eight counters.
 * Membership items are only written by the knowledge store's transactions (membershipWrites below), in the
 * same transaction as the customer's knowledge record, so members, counters and records always agree.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '../../domain/shared/errors.js';
import type { MembershipChange, SegmentCatalog } from '../../domain/knowledge/knowledge.js';
import type { Page } from '../../domain/shared/model.js';
import type { SegmentDefinition, SegmentRepository } from '../../domain/segments/segments.js';
import { keys, SHARDS, shardOf } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';
import { TtlCache } from '../dynamo/ttl-cache.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The transaction items for membership changes: a Put or Delete per member, and one counter update per
 * (segment, shard) with the net change (a transaction may not touch one item twice).
 */
export function membershipWrites(tenantId: string, changes: readonly MembershipChange[], at: string): TransactItem[] {
  const items: TransactItem[] = [];
  const deltas = new Map<string, { segmentId: string; shard: number; delta: number }>();
  for (const c of changes) {
    const key = keys.segmentMember(tenantId, c.segmentId, c.customerId);
    items.push(
      c.change === 'add'
        ? { Put: { TableName: tableName(), Item: { ...key, entity: 'SegmentMember', segmentId: c.segmentId, customerId: c.customerId, addedAt: at } } }
        : { Delete: { TableName: tableName(), Key: key } },
    );
    const shard = shardOf(c.customerId, SHARDS.segment);
    const id = `${c.segmentId}|${shard}`;
    const entry = deltas.get(id) ?? { segmentId: c.segmentId, shard, delta: 0 };
    entry.delta += c.change === 'add' ? 1 : -1;
    deltas.set(id, entry);
  }
  for (const { segmentId, shard, delta } of deltas.values()) {
    if (delta === 0) continue;
    items.push({
      Update: {
        TableName: tableName(),
        Key: keys.segmentCounter(tenantId, segmentId, shard),
        UpdateExpression: 'SET entity = :entity, segmentId = :segment ADD members :delta',
        ExpressionAttributeValues: { ':entity': 'SegmentCount', ':segment': segmentId, ':delta': delta },
      },
    });
  }
  return items;
}

/** Opaque member cursor: the shard being read and the last member's sort key in it. */
function encodeMemberCursor(shard: number, sk: string | undefined): string {
  return encodeCursor({ s: shard, ...(sk && { k: sk }) });
}

const MemberCursor = z.object({
  s: z.number().int().min(0).max(SHARDS.segment - 1),
  k: z.string().startsWith(keys.segmentMemberPrefix).max(1024).optional(),
});

function decodeMemberCursor(cursor: string): { shard: number; sk?: string } {
  const { s, k } = decodeCursor(cursor, MemberCursor);
  return { shard: s, ...(k !== undefined && { sk: k }) };
}

/** Segments per tenant are few and change rarely: an evaluating container keeps the list for a second. */
const CATALOG_TTL_MS = 1000;

export class DynamoSegmentStore implements SegmentRepository, SegmentCatalog {
  private readonly cache = new TtlCache<SegmentDefinition[]>(CATALOG_TTL_MS);

  async create(segment: SegmentDefinition, max: number): Promise<boolean> {
    const existing = await this.list(segment.tenantId);
    if (existing.length >= max) return false;
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.segment(segment.tenantId, segment.id), entity: 'Segment', data: segment },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    this.cache.forget(segment.tenantId);
    return true;
  }

  async setJob(tenantId: string, segmentId: string, jobId: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.segment(tenantId, segmentId),
        UpdateExpression: 'SET #data.jobId = :job',
        ExpressionAttributeNames: { '#data': 'data' },
        ExpressionAttributeValues: { ':job': jobId },
      }),
    );
  }

  async markReady(tenantId: string, segmentId: string, at: string): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.segment(tenantId, segmentId),
          UpdateExpression: 'SET #data.#status = :ready, #data.readyAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#data': 'data', '#status': 'status' },
          ExpressionAttributeValues: { ':ready': 'ready', ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    this.cache.forget(tenantId);
  }

  async get(tenantId: string, segmentId: string): Promise<SegmentDefinition | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.segment(tenantId, segmentId) }));
    return Item?.data as SegmentDefinition | undefined;
  }

  async list(tenantId: string): Promise<SegmentDefinition[]> {
    const segments: SegmentDefinition[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.segmentsPartition(tenantId), ':prefix': keys.segmentPrefix },
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      segments.push(...(page.Items ?? []).map((i) => i.data as SegmentDefinition));
      start = page.LastEvaluatedKey;
    } while (start);
    return segments.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async forEvaluation(tenantId: string, fresh = false): Promise<SegmentDefinition[]> {
    return this.cache.through(tenantId, () => this.list(tenantId), { fresh });
  }

  async count(tenantId: string, segmentId: string): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: SHARDS.segment }, async (_, shard) => {
        const { Item } = await documentClient().send(
          new GetCommand({ TableName: tableName(), Key: keys.segmentCounter(tenantId, segmentId, shard), ConsistentRead: true }),
        );
        return (Item?.members as number | undefined) ?? 0;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async members(tenantId: string, segmentId: string, limit: number, cursor?: string): Promise<Page<string>> {
    const shards = keys.segmentShards(tenantId, segmentId);
    let { shard, sk } = cursor ? decodeMemberCursor(cursor) : { shard: 0, sk: undefined as string | undefined };
    const items: string[] = [];
    while (shard < shards.length) {
      const pk = shards[shard]!;
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.segmentMemberPrefix },
          ProjectionExpression: 'sk, customerId',
          Limit: limit - items.length,
          ...(sk && { ExclusiveStartKey: { pk, sk } }),
        }),
      );
      items.push(...(page.Items ?? []).map((i) => i.customerId as string));
      const last = page.LastEvaluatedKey?.sk as string | undefined;
      if (items.length >= limit) {
        // more may follow in this shard (last set) or in the next ones
        if (last) return { items, nextCursor: encodeMemberCursor(shard, last) };
        return { items, nextCursor: shard + 1 < shards.length ? encodeMemberCursor(shard + 1, undefined) : null };
      }
      if (last) {
        sk = last;
        continue;
      }
      shard += 1;
      sk = undefined;
    }
    return { items, nextCursor: null };
  }
}

export const segmentStore = new DynamoSegmentStore();
