/**
 * Orders, webhook delivery records and profile writes that go with a delivery, on the one table
 * (keys: store/keys.ts order, webhookDelivery, timelineItem, customer).
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../../events/catalog.js';
import type { Customer } from '../../domain/shared/model.js';
import type { DeliveryRef, Order, OrderRepository, SaveOutcome, Store, SavedPending, StoredOrder } from '../../domain/commerce/orders.js';
import type { DeliveryRecord, ProfileStore } from '../../domain/customers/registration.js';
import { keys } from '../../store/keys.js';
import { customerItem, directoryWrites } from '../customers/index.js';
import { documentClient, isConditionalCheckFailed, retryWhileChanged, tableName } from '../dynamo/client.js';

/** Delivery records outlive every platform's retry window (Shopify 4 h, Standard Webhooks senders days). */
const DELIVERY_TTL_SECONDS = 30 * 86400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery record not yet expired (DynamoDB deletes expired items late; reads ignore them). */
const live = (item: Record<string, unknown> | undefined) =>
  item && !(typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds()) ? item : undefined;

/** The customer a delivery's events name, if any: its record is listed under them (export and erasure find it). */
function customerNamedIn(events: OutgoingEvent[]): string | undefined {
  for (const event of events) {
    const customerId = (event.detail.data as { customerId?: unknown } | undefined)?.customerId;
    if (typeof customerId === 'string') return customerId;
  }
  return undefined;
}

function deliveryPut(tenantId: string, delivery: DeliveryRef, events: OutgoingEvent[]) {
  const customerId = customerNamedIn(events);
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.webhookDelivery(tenantId, delivery.source, delivery.key),
        ...(customerId !== undefined && keys.personalIndex(tenantId, customerId, 'WebhookDelivery', `${delivery.source}#${delivery.key}`)),
        entity: 'WebhookDelivery',
        at: new Date().toISOString(),
        published: events.length === 0,
        events,
        expiresAt: nowSeconds() + DELIVERY_TTL_SECONDS,
      },
      // an expired record that DynamoDB has not deleted yet does not count
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': nowSeconds() },
    },
  };
}

/** The order's timeline item: the same data, in the customer's partition, at the time it was placed. */
function orderTimelineItem(order: Order) {
  return {
    ...keys.timelineItem(order.tenantId, order.customerId, order.placedAt, 'order', order.id),
    entity: 'TimelineItem',
    type: 'order',
    occurredAt: order.placedAt,
    data: order,
  };
}

/** The indexes of a cancelled transaction's items that failed their condition; undefined for other failures. */
function failedCondition(error: unknown): number[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  if (!reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None' || r.Code === undefined)) return undefined;
  return reasons.flatMap((r, index) => (r.Code === 'ConditionalCheckFailed' ? [index] : []));
}

export class DynamoCommerceStore implements OrderRepository, ProfileStore {
  async get(tenantId: string, store: Store, orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.order(tenantId, store, orderId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { order: Item.data as Order, rev: (Item.rev as number | undefined) ?? 0, pendingEvents: (Item.pendingEvents as OutgoingEvent[] | undefined) ?? [] };
  }

  async save(order: Order, expectedRev: number | null, pendingEvents: OutgoingEvent[], delivery: DeliveryRef): Promise<SaveOutcome> {
    const orderKey = keys.order(order.tenantId, order.store, order.orderId);
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            deliveryPut(order.tenantId, delivery, []),
            {
              Put: {
                TableName: tableName(),
                Item: { ...orderKey, entity: 'Order', rev: (expectedRev ?? -1) + 1, data: order, pendingEvents },
                ...(expectedRev === null
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
              },
            },
            { Put: { TableName: tableName(), Item: orderTimelineItem(order) } },
          ],
        }),
      );
      return 'saved';
    } catch (error) {
      const failed = failedCondition(error);
      if (!failed || failed.length === 0) throw error;
      return failed.includes(0) ? 'duplicate' : 'stale';
    }
  }

  async clearPending(tenantId: string, store: Store, orderId: string, eventIds: string[], saved?: SavedPending): Promise<void> {
    const done = new Set(eventIds);
    const drop = async (stored: SavedPending) => {
      const remaining = stored.pendingEvents.filter((e) => !done.has(e.detail.metadata.eventId));
      if (remaining.length === stored.pendingEvents.length) return;
      // bumping the revision makes a writer that read the old pending list read again
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.order(tenantId, store, orderId),
          UpdateExpression: 'SET pendingEvents = :remaining, rev = :next',
          ConditionExpression: 'rev = :rev',
          ExpressionAttributeValues: { ':remaining': remaining, ':rev': stored.rev, ':next': stored.rev + 1 },
        }),
      );
    };
    // right after our own save we know the order's revision and list: no read, unless someone wrote since
    if (saved) {
      try {
        return await drop(saved);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    await retryWhileChanged(`order ${store}:${orderId}`, async () => {
      const stored = await this.get(tenantId, store, orderId);
      if (stored) await drop(stored);
    });
  }

  async seen(tenantId: string, delivery: DeliveryRef): Promise<boolean> {
    return (await this.getDelivery(tenantId, delivery)) !== undefined;
  }

  async getDelivery(tenantId: string, delivery: DeliveryRef): Promise<DeliveryRecord | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.webhookDelivery(tenantId, delivery.source, delivery.key), ConsistentRead: true }),
    );
    const item = live(Item);
    return item && { published: item.published === true, events: (item.events as OutgoingEvent[] | undefined) ?? [] };
  }

  async markPublished(tenantId: string, delivery: DeliveryRef): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.webhookDelivery(tenantId, delivery.source, delivery.key),
        UpdateExpression: 'SET published = :true',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':true': true },
      }),
    ).catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
  }

  async getForUpdate(tenantId: string, customerId: string): Promise<{ customer: Customer; rev: number } | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
    );
    return Item ? { customer: Item.data as Customer, rev: (Item.rev as number | undefined) ?? 0 } : undefined;
  }

  async commit(
    tenantId: string,
    change: { customer: Customer; rev: number; before?: Customer } | undefined,
    delivery: DeliveryRef | undefined,
    events: OutgoingEvent[],
  ): Promise<SaveOutcome> {
    const items = [
      ...(delivery ? [deliveryPut(tenantId, delivery, events)] : []),
      ...(change
        ? [
            {
              Put: {
                TableName: tableName(),
                // the same item shape and revision rule as updateProfile (adapters/customers/dynamo-customers.ts)
                Item: { ...customerItem(change.customer), rev: change.rev + 1 },
                // and never brings back a customer erased meanwhile
                ConditionExpression: 'attribute_exists(pk) AND (rev = :rev OR attribute_not_exists(rev))',
                ExpressionAttributeValues: { ':rev': change.rev },
              },
            },
            ...directoryWrites(tenantId, change.customer.id, change.before, change.customer),
          ]
        : []),
    ];
    if (items.length === 0) return 'saved';
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return 'saved';
    } catch (error) {
      const failed = failedCondition(error);
      if (!failed || failed.length === 0) throw error;
      return delivery && failed.includes(0) ? 'duplicate' : 'stale';
    }
  }
}

export const commerceStore = new DynamoCommerceStore();
