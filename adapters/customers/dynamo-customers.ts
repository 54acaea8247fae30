/**
 * Customers and identities on the one table (keys: store/keys.ts): profiles with a revision, identity items,
 * the timeline.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer, Identity, Interaction, Page, TimelineEntry } from '../../domain/shared/model.js';
import type { CustomerRepository, NewProspect } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { refreshedIdentities } from '../../domain/customers/identity.js';
import { directoryChanges } from '../../domain/customers/directory.js';
import { ChangedMeanwhile, documentClient, isConditionalCheckFailed, retryWhileChanged, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { suppressionList } from '../privacy/index.js';
import { batchGetAll, decodeSortKeyCursor, encodeSortKeyCursor, notExpired, nowSeconds } from '../dynamo/items.js';

export class DynamoCustomerRepository implements CustomerRepository {
  async get(tenantId: string, customerId: string): Promise<Customer | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId) }),
    );
    return Item?.data as Customer | undefined;
  }

  async findIdByIdentity(tenantId: string, channel: string, externalId: string): Promise<string | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.identity(tenantId, channel, externalId) }),
    );
    return Item?.customerId as string | undefined;
  }

  async createWithIdentity({ customer: prospect, identity, otherIdentities = [] }: NewProspect): Promise<{ customerId: string; created: boolean }> {
    // an erased person coming back (a suppression tombstone matches) is kept to serve them, flagged never to target
    const suppressed = !prospect.suppressed && (await suppressionList.anySuppressed(prospect.tenantId, [identity, ...otherIdentities]));
    const customer: Customer = suppressed ? { ...prospect, suppressed: { at: prospect.createdAt } } : prospect;
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            ...[identity, ...otherIdentities].map((i) => ({
              Put: {
                TableName: tableName(),
                Item: identityItem(customer.tenantId, i.channel, i.externalId, customer.id),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            {
              Put: {
                TableName: tableName(),
                Item: customerItem(customer),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...directoryWrites(customer.tenantId, customer.id, undefined, customer),
          ],
        }),
      );
      return { customerId: customer.id, created: true };
    } catch (error) {
      if (!transactionConditionFailed(error)) throw error;
      // another delivery claimed this identity first: that customer is the one
      const existing = await this.findIdByIdentity(customer.tenantId, identity.channel, identity.externalId);
      if (!existing) throw error;
      return { customerId: existing, created: false };
    }
  }

  async attachIdentities(tenantId: string, customerId: string, identities: Identity[]): Promise<void> {
    const claimed: Identity[] = [];
    for (const identity of identities) {
      try {
        await documentClient().send(
          new PutCommand({
            TableName: tableName(),
            Item: identityItem(tenantId, identity.channel, identity.externalId, customerId),
            ConditionExpression: 'attribute_not_exists(pk) OR customerId = :customer',
            ExpressionAttributeValues: { ':customer': customerId },
          }),
        );
        claimed.push(identity);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    if (claimed.length === 0) return;
    // an identity of an erased person makes this customer that person: never targeted again
    const suppressed = await suppressionList.anySuppressed(tenantId, claimed);
    await updateProfile(tenantId, customerId, (c) => {
      const have = new Set(c.identities.map((i) => `${i.channel}|${i.externalId}`));
      const added = claimed.filter((i) => !have.has(`${i.channel}|${i.externalId}`));
      const suppress = suppressed && !c.suppressed;
      // already there (a concurrent copy of the same delivery attached them): no write, so a redelivery storm
      // does not turn into a queue of writers on one profile
      if (added.length === 0 && !suppress) return c;
      return { ...c, identities: [...c.identities, ...added], ...(suppress && { suppressed: { at: new Date().toISOString() } }) };
    });
  }

  async refreshIdentities(tenantId: string, customerId: string, identities: Identity[]): Promise<Customer | undefined> {
    return updateProfile(tenantId, customerId, (c) => refreshedIdentities(c, identities));
  }

  async findIdsByName(tenantId: string, prefix: string, limit: number): Promise<string[]> {
    const { gsi2pk, gsi2skPrefix } = keys.nameSearch(tenantId, prefix);
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
        ExpressionAttributeValues: { ':pk': gsi2pk, ':prefix': gsi2skPrefix },
        Limit: limit,
      }),
    );
    return [...new Set((result.Items ?? []).map((i) => i.customerId as string))];
  }

  async getMany(tenantId: string, customerIds: string[]): Promise<Customer[]> {
    const found = (await batchGetAll(customerIds.map((id) => keys.customer(tenantId, id)))).map((item) => item.data as Customer);
    const order = new Map(customerIds.map((id, i) => [id, i]));
    return found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  async timeline(tenantId: string, customerId: string, limit: number, cursor?: string, type?: string): Promise<Page<TimelineEntry>> {
    const pk = keys.customerPartition(tenantId, customerId);
    const startSk = cursor ? decodeSortKeyCursor(cursor, keys.timelinePrefix) : undefined;
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...(type
          ? { FilterExpression: `(${notExpired.FilterExpression}) AND #type = :type`, ExpressionAttributeNames: { '#type': 'type' } }
          : notExpired),
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.timelinePrefix, ':nowSeconds': nowSeconds(), ...(type && { ':type': type }) },
        ScanIndexForward: false,
        Limit: limit,
        ...(startSk && { ExclusiveStartKey: { pk, sk: startSk } }),
      }),
    );
    const items = (result.Items ?? []).map((i) => ({ type: i.type, occurredAt: i.occurredAt, item: i.data }) as TimelineEntry);
    const last = result.LastEvaluatedKey?.sk as string | undefined;
    return { items, nextCursor: last ? encodeSortKeyCursor(last) : null };
  }
}

export function identityItem(tenantId: string, channel: string, externalId: string, customerId: string) {
  return { ...keys.identity(tenantId, channel, externalId), entity: 'Identity', customerId };
}

/**
 * Read-modify-write of a customer profile with optimistic concurrency on `rev`: a concurrent writer makes
 * this read again and re-apply `change`. Answers the written customer, or undefined when it does not exist.
 */
export async function updateProfile(
  tenantId: string,
  customerId: string,
  change: (customer: Customer) => Customer,
): Promise<Customer | undefined> {
  return retryWhileChanged(`customer ${customerId}`, async () => {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const rev = (Item.rev as number | undefined) ?? 0;
    const current = Item.data as Customer;
    const changed = change(current);
    if (changed === current) return current; // nothing to write
    const next = { ...changed, updatedAt: new Date().toISOString() };
    await putProfile(
      {
        TableName: tableName(),
        Item: { ...customerItem(next), rev: rev + 1 },
        ConditionExpression: 'rev = :rev OR attribute_not_exists(rev)',
        ExpressionAttributeValues: { ':rev': rev },
      },
      current,
      next,
    );
    return next;
  });
}

/**
 * The conditional Put of a profile read at `before`; a change of names moves its directory keys in the same
 * transaction, any other change is the one Put. A lost condition either way is ChangedMeanwhile (read again).
 */
export async function putProfile(put: NonNullable<ConstructorParameters<typeof PutCommand>[0]>, before: Customer, after: Customer): Promise<void> {
  const directory = directoryWrites(after.tenantId, after.id, before, after);
  if (directory.length === 0) {
    await documentClient().send(new PutCommand(put));
    return;
  }
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...directory] }));
  } catch (error) {
    if (transactionConditionFailed(error)) throw new ChangedMeanwhile();
    throw error;
  }
}

/**
 * The directory keys (domain/customers/directory.ts) to put and delete when a customer goes from `before` to
 * `after`, as transaction items beside the profile's own write; none when the names did not change.
 */
export function directoryWrites(tenantId: string, customerId: string, before: Customer | undefined, after: Customer) {
  const { add, remove } = directoryChanges(before, after);
  return [
    ...add.map((token) => ({ Put: { TableName: tableName(), Item: { ...keys.nameKey(tenantId, customerId, token), entity: 'CustomerNameKey', customerId, token } } })),
    ...remove.map((token) => {
      const { pk, sk } = keys.nameKey(tenantId, customerId, token);
      return { Delete: { TableName: tableName(), Key: { pk, sk } } };
    }),
  ];
}

export function customerItem(customer: Customer) {
  return {
    ...keys.customer(customer.tenantId, customer.id),
    ...keys.customerStageIndex(customer.tenantId, customer.stage, customer.id),
    entity: 'Customer',
    /** Revision for optimistic concurrency: every update checks and bumps it. */
    rev: 0,
    data: customer,
  };
}

/**
 * An interaction on the customer's timeline, also indexed in the tenant's newsroom (gsi1). `expiresAt`: kept
 * only for the retention period (no social_profiling consent, domain/privacy/retention.ts).
 */
export function interactionItem(interaction: Interaction, expiresAt?: number) {
  const { tenantId, customerId, channel, occurredAt, id } = interaction;
  return {
    ...keys.timelineItem(tenantId, customerId, occurredAt, 'interaction', id),
    ...keys.newsroomIndex(tenantId, channel, occurredAt, id),
    entity: 'TimelineItem',
    type: 'interaction',
    occurredAt,
    data: interaction,
    ...(expiresAt !== undefined && { expiresAt }),
  };
}
