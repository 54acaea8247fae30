/**
 * The merge's steps on the one table (keys: store/keys.ts). Every write here can be repeated: the tombstone
 * and identity writes are conditional, timeline pages move in one transaction each, and records are puts
 * of the same key.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict, NotFound } from '../../domain/shared/errors.js';
import type { Customer, Identity } from '../../domain/shared/model.js';
import type { MergeRecord, MergeStore } from '../../domain/customers/merge.js';
import { keys } from '../../store/keys.js';
import { TABLE } from '../../store/table.js';
import { putProfile, updateProfile } from './dynamo-customers.js';
import { documentClient, isConditionalCheckFailed, retryWhileChanged, tableName } from '../dynamo/client.js';

/** Items per transaction: each moves with a put, a delete and (interactions, orders) one update, 3 × 25 < 100. */
export const MOVE_PAGE_SIZE = 25;

/** Index attributes a tombstone drops, so no index (stage, segments...) lists it any more. */
const INDEX_ATTRIBUTES = TABLE.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]);

type Item = Record<string, unknown>;

function withoutIndexes(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !INDEX_ATTRIBUTES.includes(name as never)));
}

export class DynamoMergeStore implements MergeStore {
  async get(tenantId: string, customerId: string): Promise<Customer | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
    );
    return Item?.data as Customer | undefined;
  }

  async markMerged(tenantId: string, mergedId: string, survivorId: string, merge: { at: string; reason: string }): Promise<Customer> {
    return this.rewriteProfile(tenantId, mergedId, (customer) => {
      if (customer.mergedInto === survivorId) return undefined; // marked by an earlier attempt
      if (customer.mergedInto) throw new Conflict(`Customer ${mergedId} was already merged into ${customer.mergedInto}`);
      return { ...customer, mergedInto: survivorId, merge, updatedAt: merge.at };
    });
  }

  async completeMerge(tenantId: string, mergedId: string, completedAt: string): Promise<void> {
    await this.rewriteProfile(tenantId, mergedId, (customer) => {
      if (!customer.mergedInto || !customer.merge) throw new Error(`customer ${mergedId} is not being merged`);
      if (customer.merge.completedAt) return undefined;
      // a tombstone: where the person went, and nothing about them
      return {
        id: customer.id,
        tenantId: customer.tenantId,
        stage: customer.stage,
        identities: [],
        activity: { interactionsByChannel: {} },
        mergedInto: customer.mergedInto,
        merge: { ...customer.merge, completedAt },
        createdAt: customer.createdAt,
        updatedAt: completedAt,
      };
    });
  }

  /** Optimistic rewrite of a profile item without its index attributes; `change` answering undefined leaves it. */
  private async rewriteProfile(tenantId: string, customerId: string, change: (c: Customer) => Customer | undefined): Promise<Customer> {
    return retryWhileChanged(`customer ${customerId}`, async () => {
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
      );
      if (!Item) throw new NotFound('Customer not found');
      const current = Item.data as Customer;
      const next = change(current);
      if (!next) return current;
      const rev = (Item.rev as number | undefined) ?? 0;
      // the survivor is found by the handles it gains; the merged record by none
      await putProfile(
        {
          TableName: tableName(),
          Item: { ...withoutIndexes(Item), ...keys.customer(tenantId, customerId), data: next, rev: rev + 1 },
          ConditionExpression: 'attribute_not_exists(rev) OR rev = :rev',
          ExpressionAttributeValues: { ':rev': rev },
        },
        current,
        next,
      );
      return next;
    });
  }

  async moveTimelinePage(tenantId: string, fromId: string, toId: string, after?: string): Promise<{ moved: number; next?: string }> {
    const from = keys.customerPartition(tenantId, fromId);
    const to = keys.customerPartition(tenantId, toId);
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': from, ':prefix': keys.timelinePrefix },
        ConsistentRead: true,
        Limit: MOVE_PAGE_SIZE,
        // deleted items still order the partition: starting after one that is gone is fine
        ...(after !== undefined && { ExclusiveStartKey: { pk: from, sk: after } }),
      }),
    );
    const items = (result.Items ?? []).filter((item) => !isRecordOfThisMerge(item, fromId));
    const operations = items.flatMap((item) => moveOperations(tenantId, item, from, to, fromId, toId));
    if (operations.length > 0) await transactSkippingMissingRefs(operations);
    const last = result.LastEvaluatedKey?.sk as string | undefined;
    return { moved: items.length, ...(last !== undefined && { next: last }) };
  }

  async updateProfile(tenantId: string, customerId: string, change: (customer: Customer) => Customer): Promise<Customer | undefined> {
    return updateProfile(tenantId, customerId, change);
  }

  async repointIdentity(tenantId: string, identity: Pick<Identity, 'channel' | 'externalId'>, fromId: string, toId: string): Promise<boolean> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.identity(tenantId, identity.channel, identity.externalId),
          UpdateExpression: 'SET customerId = :to, entity = :entity',
          ConditionExpression: 'attribute_not_exists(pk) OR customerId = :from OR customerId = :to',
          ExpressionAttributeValues: { ':to': toId, ':from': fromId, ':entity': 'Identity' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false; // a third customer holds it: a later merge decides
      throw error;
    }
  }

  async putTimelineRecord(tenantId: string, customerId: string, record: MergeRecord): Promise<void> {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.timelineItem(tenantId, customerId, record.occurredAt, record.type, record.itemId),
          entity: 'TimelineItem',
          type: record.type,
          occurredAt: record.occurredAt,
          data: record.data,
        },
      }),
    );
  }
}

/** The merge's own record stays on the tombstone's timeline. */
function isRecordOfThisMerge(item: Item, mergedId: string): boolean {
  return item.type === 'merge' && (item.data as { mergedId?: unknown } | undefined)?.mergedId === mergedId;
}

type Operation = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * One item's move: the copy under the survivor (same sort key, same index keys, so the newsroom keeps it),
 * the delete of the original, and what points at it from elsewhere: an interaction's dedupe reference (so
 * edits and deletes reported by the platform find it) and an order's record (so its next status change
 * lands on the survivor's timeline).
 */
function moveOperations(tenantId: string, item: Item, from: string, to: string, fromId: string, toId: string): Operation[] {
  const data = item.data as Record<string, unknown> | undefined;
  const moved = data && data.customerId === fromId ? { ...data, customerId: toId } : data;
  const operations: Operation[] = [
    { Put: { TableName: tableName(), Item: { ...item, pk: to, ...(moved !== undefined && { data: moved }) } } },
    { Delete: { TableName: tableName(), Key: { pk: from, sk: item.sk } } },
  ];
  if (item.type === 'interaction' && typeof data?.channel === 'string' && typeof data.externalId === 'string') {
    operations.push({
      Update: {
        TableName: tableName(),
        Key: keys.interactionRef(tenantId, data.channel, data.externalId),
        UpdateExpression: 'SET customerId = :to',
        ConditionExpression: 'attribute_exists(pk) AND (customerId = :from OR customerId = :to)',
        ExpressionAttributeValues: { ':to': toId, ':from': fromId },
      },
    });
  }
  if (item.type === 'order' && typeof data?.store === 'string' && typeof data.orderId === 'string') {
    // the order record rewrites its timeline item on every status change: it must name the survivor now
    // (its revision moves on, so a writer holding the old copy reads it again)
    operations.push({
      Update: {
        TableName: tableName(),
        Key: keys.order(tenantId, data.store, data.orderId),
        UpdateExpression: 'SET #data.#customer = :to, rev = if_not_exists(rev, :zero) + :one',
        ConditionExpression: 'attribute_exists(pk) AND #data.#customer = :from',
        ExpressionAttributeNames: { '#data': 'data', '#customer': 'customerId' },
        ExpressionAttributeValues: { ':to': toId, ':from': fromId, ':zero': 0, ':one': 1 },
      },
    });
  }
  return operations;
}

/**
 * A reference that is missing (or points at a third customer) must not stop the move: the transaction is
 * run again without those reference updates. Any other cancellation (a concurrent write) is thrown, and the
 * merge's retry picks the page up again.
 */
async function transactSkippingMissingRefs(operations: Operation[]): Promise<void> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: operations }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw error;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const failed = new Set(reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])));
    if (failed.size === 0 || [...failed].some((i) => !operations[i]?.Update)) throw error;
    const remaining = operations.filter((_, i) => !failed.has(i));
    if (remaining.length > 0) await documentClient().send(new TransactWriteCommand({ TransactItems: remaining }));
  }
}
