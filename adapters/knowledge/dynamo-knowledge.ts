/**
 * Customer knowledge on the one table (keys: store/keys.ts): the knowledge record in the customer's
 * partition (indexed on gsi2 by shard, so the tenant's distribution is read with Query), the tenant's
 * settings and distribution beside the tenant record, recompute/back-fill jobs, and the co-occurrence
 * counts behind recommendations.
 */
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Stage } from '../../events/catalog.js';
import { InvalidInput } from '../../domain/shared/errors.js';
import {
  DEFAULT_SETTINGS,
  PAGE_SIZE,
  type CommitOutcome,
  type KnowledgeCommit,
  type KnowledgeInputs,
  type KnowledgeJob,
  type KnowledgeJobs,
  type JobPorts,
  type KnowledgeRecord,
  type KnowledgeSettings,
  type KnowledgeStore,
  type ProfileStages,
  type StagePartition,
  type StoredKnowledge,
  type TenantKnowledgeStats,
} from '../../domain/knowledge/knowledge.js';
import type { Customer } from '../../domain/shared/model.js';
import type { Clock, EventPublisher, IdGenerator } from '../../domain/shared/ports.js';
import type { Money } from '../../domain/shared/money.js';
import type { Affinity, AffinityStore, ProductStats } from '../../domain/knowledge/recommendations.js';
import { keys, SHARDS } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, retryWhileChanged, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { batchGetAll } from '../dynamo/items.js';
import { membershipWrites, segmentStore, type TransactItem } from '../segments/index.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';

/** Processed-markers outlive any redelivery (SQS keeps a message at most 14 days). */
const MARKER_TTL_SECONDS = 15 * 86_400;
const JOB_TTL_SECONDS = 30 * 86_400;
/** Settings and distribution change rarely; a container keeps them briefly (and forgets them on its own writes). */
const SETTINGS_TTL_MS = 30_000;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function knowledgeItem(record: KnowledgeRecord, rev: number) {
  return {
    ...keys.customerKnowledge(record.tenantId, record.customerId),
    ...keys.knowledgeIndex(record.tenantId, record.customerId),
    entity: 'CustomerKnowledge',
    rev,
    data: record,
  };
}

class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }
  set(key: string, value: T): void {
    this.entries.set(key, { at: Date.now(), value });
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** Shared by every store of the container, so a write here is seen at once by the other functions here. */
const settingsCache = new TtlCache<KnowledgeSettings>(SETTINGS_TTL_MS);
const statsCache = new TtlCache<TenantKnowledgeStats | null>(SETTINGS_TTL_MS);

/**
 * The role whose processed-event markers the knowledge store keeps: the consumer that keeps customer knowledge
 * current. Its value is the name those markers were first written under, so markers already stored still count.
 */
export const KNOWLEDGE_KEEPER = 'CustomerKnowledge';

export class DynamoKnowledgeStore implements KnowledgeStore {
  /** `consumer`: the function whose processed-markers this store writes. */
  constructor(private readonly consumer: string) {}

  async get(tenantId: string, customerId: string): Promise<StoredKnowledge | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.customerKnowledge(tenantId, customerId), ConsistentRead: true }),
    );
    return Item ? { record: Item.data as KnowledgeRecord, rev: (Item.rev as number | undefined) ?? 0 } : undefined;
  }

  async getMany(tenantId: string, customerIds: string[]): Promise<Map<string, StoredKnowledge>> {
    const items = await batchGetAll(customerIds.map((id) => keys.customerKnowledge(tenantId, id)));
    return new Map(items.map((item) => [(item.data as KnowledgeRecord).customerId, { record: item.data as KnowledgeRecord, rev: (item.rev as number | undefined) ?? 0 }]));
  }

  async processed(tenantId: string, eventId: string): Promise<boolean> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.processedEvent(tenantId, this.consumer, eventId), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async commit(commit: KnowledgeCommit): Promise<CommitOutcome> {
    const at = new Date().toISOString();
    const items: TransactItem[] = [];
    if (commit.eventId) {
      items.push({
        Put: {
          TableName: tableName(),
          Item: { ...keys.processedEvent(commit.tenantId, this.consumer, commit.eventId), entity: 'ProcessedEvent', at, expiresAt: nowSeconds() + MARKER_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const { record, expectedRev } of commit.puts) {
      items.push({
        Put: {
          TableName: tableName(),
          Item: knowledgeItem(record, (expectedRev ?? 0) + 1),
          ...(expectedRev === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
        },
      });
    }
    for (const { customerId, expectedRev } of commit.deletes) {
      items.push({
        Delete: {
          TableName: tableName(),
          Key: keys.customerKnowledge(commit.tenantId, customerId),
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: { ':rev': expectedRev },
        },
      });
    }
    items.push(...membershipWrites(commit.tenantId, commit.membership, at));
    if (items.length === 0) return 'written';
    if (items.length > 100) throw new Error(`a knowledge commit of ${items.length} items exceeds a transaction`);
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return 'written';
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (commit.eventId && reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      // a revision check failed, or another transaction held the same items: read again
      if (transactionConditionFailed(error) || reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
      throw error;
    }
  }

  async clearPendingAffinity(tenantId: string, customerId: string, eventId: string, known?: StoredKnowledge): Promise<StoredKnowledge | undefined> {
    let first = true;
    return retryWhileChanged(`knowledge of customer ${customerId}`, async () => {
      const stored = first && known ? known : await this.get(tenantId, customerId);
      first = false;
      const pending = stored?.record.pendingAffinity ?? [];
      if (!stored || !pending.some((p) => p.eventId === eventId)) return stored;
      const rest = pending.filter((p) => p.eventId !== eventId);
      const { pendingAffinity: _, ...record } = stored.record;
      const next = { record: { ...record, ...(rest.length > 0 && { pendingAffinity: rest }) }, rev: stored.rev + 1 };
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: knowledgeItem(next.record, next.rev),
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: { ':rev': stored.rev },
        }),
      );
      return next;
    });
  }

  async forgetMemberships(tenantId: string, customerId: string, segmentIds: string[]): Promise<void> {
    const at = new Date().toISOString();
    for (const segmentId of segmentIds) {
      const [member, counter] = membershipWrites(tenantId, [{ segmentId, customerId, change: 'remove' }], at);
      try {
        await documentClient().send(
          new TransactWriteCommand({
            TransactItems: [{ Delete: { ...member!.Delete!, ConditionExpression: 'attribute_exists(pk)' } }, counter!],
          }),
        );
      } catch (error) {
        if (!transactionConditionFailed(error)) throw error; // not a member: nothing to forget
      }
    }
  }

  async settings(tenantId: string): Promise<KnowledgeSettings> {
    const hit = settingsCache.get(tenantId);
    if (hit) return hit;
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.knowledgeSettings(tenantId) }));
    const settings = { ...DEFAULT_SETTINGS, ...(Item?.data as Partial<KnowledgeSettings> | undefined) };
    settingsCache.set(tenantId, settings);
    return settings;
  }

  async putSettings(tenantId: string, settings: KnowledgeSettings): Promise<void> {
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.knowledgeSettings(tenantId), entity: 'KnowledgeSettings', data: settings } }),
    );
    settingsCache.delete(tenantId);
  }

  async stats(tenantId: string): Promise<TenantKnowledgeStats | undefined> {
    const hit = statsCache.get(tenantId);
    if (hit !== undefined) return hit ?? undefined;
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.knowledgeStats(tenantId) }));
    const stats = (Item?.data as TenantKnowledgeStats | undefined) ?? null;
    statsCache.set(tenantId, stats);
    return stats ?? undefined;
  }
}

/** Sets the stage (and the stage index keys) without a read, so no other field of the profile is touched. */
export class DynamoProfileStages implements ProfileStages {
  async setStage(tenantId: string, customerId: string, stage: Stage): Promise<void> {
    const index = keys.customerStageIndex(tenantId, stage, customerId);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.customer(tenantId, customerId),
          UpdateExpression: 'SET #data.stage = :stage, #data.updatedAt = :now, gsi1pk = :gpk, gsi1sk = :gsk ADD rev :one',
          // a tombstone (merged away) stays off the stage index
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#data.mergedInto) AND #data.stage <> :stage',
          ExpressionAttributeNames: { '#data': 'data' },
          ExpressionAttributeValues: { ':stage': stage, ':now': new Date().toISOString(), ':gpk': index.gsi1pk, ':gsk': index.gsi1sk, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

function encodePageCursor(key: Record<string, unknown>): string {
  return encodeCursor(key);
}

function decodePageCursor(cursor: string, gsi1pk: string): Record<string, unknown> {
  const key = z.object({ gsi1pk: z.literal(gsi1pk), pk: z.string(), sk: z.string(), gsi1sk: z.string() });
  return decodeCursor(cursor, key, 'job cursor does not belong to this partition');
}

export class DynamoKnowledgeJobs implements KnowledgeJobs {
  readonly stageShards = SHARDS.stage;

  async create(job: KnowledgeJob): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.knowledgeJob(job.tenantId, job.jobId), entity: 'KnowledgeJob', data: job, expiresAt: nowSeconds() + JOB_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tenantId: string, jobId: string): Promise<KnowledgeJob | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.knowledgeJob(tenantId, jobId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const done = (Item.doneParts as Set<string> | undefined)?.size ?? 0;
    return { ...(Item.data as KnowledgeJob), done };
  }

  async finishPartition(tenantId: string, jobId: string, partition: string, at: string): Promise<KnowledgeJob | undefined> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.knowledgeJob(tenantId, jobId),
        UpdateExpression: 'ADD doneParts :part',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':part': new Set([partition]) },
        ReturnValues: 'ALL_NEW',
      }),
    ).catch((error: unknown) => {
      if (isConditionalCheckFailed(error)) return { Attributes: undefined }; // the job expired
      throw error;
    });
    if (!Attributes) return undefined;
    const job = Attributes.data as KnowledgeJob;
    const done = (Attributes.doneParts as Set<string>).size;
    if (done < job.partitions || job.status === 'done') return { ...job, done };
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.knowledgeJob(tenantId, jobId),
          UpdateExpression: 'SET #data.#status = :done, #data.finishedAt = :at',
          ConditionExpression: '#data.#status = :running',
          ExpressionAttributeNames: { '#data': 'data', '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':running': 'running', ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return { ...job, done, status: 'done', finishedAt: at };
  }

  async *allInputs(tenantId: string): AsyncIterable<KnowledgeInputs> {
    for (const pk of keys.knowledgeIndexShards(tenantId)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ExpressionAttributeNames: { '#data': 'data', '#inputs': 'inputs' },
            ProjectionExpression: '#data.#inputs',
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const item of page.Items ?? []) yield (item.data as { inputs: KnowledgeInputs }).inputs;
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  async putStats(tenantId: string, stats: TenantKnowledgeStats): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.knowledgeStats(tenantId),
        UpdateExpression: 'SET entity = :entity, #data = :stats',
        ExpressionAttributeNames: { '#data': 'data' },
        ExpressionAttributeValues: { ':entity': 'KnowledgeStats', ':stats': stats },
      }),
    );
    statsCache.delete(tenantId);
  }

  async customersPage(tenantId: string, partition: StagePartition, cursor?: string): Promise<{ customers: Customer[]; next?: string }> {
    const gsi1pk = keys.customerStageShards(tenantId, partition.stage)[partition.shard];
    if (!gsi1pk) throw new Error(`no shard ${partition.shard} of stage ${partition.stage}`);
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        Limit: PAGE_SIZE,
        ...(cursor && { ExclusiveStartKey: decodePageCursor(cursor, gsi1pk) }),
      }),
    );
    const customers = (page.Items ?? []).filter((i) => i.entity === 'Customer').map((i) => i.data as Customer).filter((c) => !c.mergedInto);
    return { customers, ...(page.LastEvaluatedKey && { next: encodePageCursor(page.LastEvaluatedKey) }) };
  }

  async claimRecompute(tenantId: string, now: string, minutes: number): Promise<boolean> {
    const cutoff = new Date(Date.parse(now) - minutes * 60_000).toISOString();
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.knowledgeStats(tenantId),
          UpdateExpression: 'SET entity = :entity, recomputeRequestedAt = :now',
          ConditionExpression: 'attribute_not_exists(recomputeRequestedAt) OR recomputeRequestedAt < :cutoff',
          ExpressionAttributeValues: { ':entity': 'KnowledgeStats', ':now': now, ':cutoff': cutoff },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

/** Co-occurrence pairs and product figures (domain/knowledge/recommendations.ts). */
export class DynamoAffinityStore implements AffinityStore {
  async topAffinities(tenantId: string, productId: string, limit: number): Promise<Affinity[]> {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.productAffinityPartition(tenantId, productId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => ({ productId: i.productId as string, otherId: i.otherId as string, customers: i.customers as number }));
  }

  async products(tenantId: string, productIds: string[]): Promise<Map<string, ProductStats>> {
    const found = new Map<string, ProductStats>();
    for (const item of await batchGetAll(productIds.map((p) => keys.product(tenantId, p)))) {
      found.set(item.productId as string, {
        productId: item.productId as string,
        buyers: (item.buyers as number | undefined) ?? 0,
        ...(item.lastPrice ? { lastPrice: item.lastPrice as Money } : {}),
      });
    }
    return found;
  }

  async addPair(tenantId: string, productId: string, otherId: string, token: string): Promise<void> {
    let customers: number;
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.productAffinity(tenantId, productId, otherId),
          UpdateExpression: 'SET entity = :entity, productId = :p, otherId = :q, lastBy = :token, gsi2pk = :gpk ADD customers :one',
          ConditionExpression: 'attribute_not_exists(lastBy) OR lastBy <> :token',
          ExpressionAttributeValues: {
            ':entity': 'ProductAffinity',
            ':p': productId,
            ':q': otherId,
            ':token': token,
            ':gpk': keys.productAffinityPartition(tenantId, productId),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      customers = Attributes?.customers as number;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.productAffinity(tenantId, productId, otherId), ConsistentRead: true }),
      );
      customers = (Item?.customers as number | undefined) ?? 0;
    }
    // the index key follows the count; a writer with an older count loses the condition, harmlessly
    const { gsi2sk } = keys.productAffinityIndex(tenantId, productId, customers, otherId);
    await documentClient()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.productAffinity(tenantId, productId, otherId),
          UpdateExpression: 'SET gsi2sk = :sk',
          ConditionExpression: 'customers = :n',
          ExpressionAttributeValues: { ':sk': gsi2sk, ':n': customers },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
  }

  async addBuyer(tenantId: string, productId: string, price: Money | undefined, at: string, token: string): Promise<void> {
    await documentClient()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.product(tenantId, productId),
          // the price of the latest order processed (orders arrive about in order; no read for an exact latest)
          UpdateExpression: `SET entity = :entity, productId = :p, lastBy = :token${price ? ', lastPrice = :price, lastPriceAt = :at' : ''} ADD buyers :one`,
          ConditionExpression: 'attribute_not_exists(lastBy) OR lastBy <> :token',
          ExpressionAttributeValues: {
            ':entity': 'ProductStats',
            ':p': productId,
            ':token': token,
            ':one': 1,
            ...(price && { ':price': price, ':at': at }),
          },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
  }
}

/**
 * The ports of the knowledge use cases on DynamoDB. `base` gives the shared customer repository, clock,
 * ids and publisher (functions/shared/ports.ts); the publisher is read per call, as the local runtime installs
 * its bus after import.
 */
export function dynamoKnowledgePorts(
  consumer: string,
  base: { customers: JobPorts['customers']; clock: Clock; ids: IdGenerator; readonly publisher: EventPublisher },
): JobPorts {
  return {
    knowledge: new DynamoKnowledgeStore(consumer),
    customers: base.customers,
    segments: segmentStore,
    stages: new DynamoProfileStages(),
    clock: base.clock,
    ids: base.ids,
    jobs: new DynamoKnowledgeJobs(),
    get publisher() {
      return base.publisher;
    },
    markSegmentReady: (tenantId, segmentId, at) => segmentStore.markReady(tenantId, segmentId, at),
  };
}
