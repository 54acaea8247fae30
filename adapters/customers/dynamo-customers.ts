/**
 * Customers, identities, timeline and interactions on the one table (keys: store/keys.ts).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '../../domain/shared/errors.js';
import type { Customer, Identity, Interaction, Page, Tenant, TimelineEntry, YoutubeSubscription } from '../../domain/shared/model.js';
import type { CustomerRepository, InteractionRepository, InteractionRetention, NewProspect, RecordOutcome, TenantDirectory, YoutubeSubscriptionRepository, YoutubeVideoIndex } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { refreshedIdentities } from '../../domain/customers/identity.js';
import { documentClient, isConditionalCheckFailed, retryWhileChanged, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { privacySettings, suppressionList } from '../privacy/index.js';

const notExpired = {
  FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds',
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Opaque cursor: the sort key of the last item, so a cursor can never point into another partition. */
export function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ sk: sortKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedPrefix: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown };
    if (typeof decoded.sk === 'string' && decoded.sk.startsWith(expectedPrefix)) return decoded.sk;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInput('cursor is not valid for this list');
}

/** Tenant settings change rarely and every webhook reads them: a container keeps them for a minute. */
const TENANT_TTL_MS = 60_000;

export class DynamoTenantDirectory implements TenantDirectory {
  private readonly cache = new Map<string, { at: number; tenant: Tenant | undefined }>();

  async get(tenantId: string): Promise<Tenant | undefined> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < TENANT_TTL_MS) return hit.tenant;
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId) }));
    const tenant = Item?.data as Tenant | undefined;
    // unknown tenants are not cached, so a tenant created a moment ago is found at once
    if (tenant) this.cache.set(tenantId, { at: Date.now(), tenant });
    return tenant;
  }

  async put(tenant: Tenant): Promise<void> {
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.tenant(tenant.tenantId), entity: 'Tenant', data: tenant } }),
    );
  }

  /** Forgets the cached tenant, so this container reads settings just written (tests, admin changes). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /**
   * Read-modify-write of the tenant record with optimistic concurrency on `rev` (two admins changing two
   * networks at once both land). Forgets the cached copy, so this container sees the change at once; other
   * containers within TENANT_TTL_MS. Answers the written tenant, or undefined when it does not exist.
   */
  async update(tenantId: string, change: (tenant: Tenant) => Tenant): Promise<Tenant | undefined> {
    for (let attempt = 1; attempt <= MAX_TENANT_ATTEMPTS; attempt++) {
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const rev = (Item.rev as number | undefined) ?? 0;
      const next = change(Item.data as Tenant);
      try {
        await documentClient().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...Item, ...keys.tenant(tenantId), entity: 'Tenant', data: next, rev: rev + 1 },
            ConditionExpression: 'attribute_not_exists(rev) OR rev = :rev',
            ExpressionAttributeValues: { ':rev': rev },
          }),
        );
        this.invalidate(tenantId);
        return next;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new Error(`tenant ${tenantId} kept changing; gave up after ${MAX_TENANT_ATTEMPTS} attempts`);
  }
}

const MAX_TENANT_ATTEMPTS = 5;

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
      return {
        ...c,
        identities: [...c.identities, ...claimed.filter((i) => !have.has(`${i.channel}|${i.externalId}`))],
        ...(suppressed && !c.suppressed && { suppressed: { at: new Date().toISOString() } }),
      };
    });
  }

  async refreshIdentities(tenantId: string, customerId: string, identities: Identity[]): Promise<void> {
    await updateProfile(tenantId, customerId, (c) => refreshedIdentities(c, identities));
  }

  async timeline(tenantId: string, customerId: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>> {
    const pk = keys.customerPartition(tenantId, customerId);
    const startSk = cursor ? decodeCursor(cursor, keys.timelinePrefix) : undefined;
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...notExpired,
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.timelinePrefix, ':nowSeconds': nowSeconds() },
        ScanIndexForward: false,
        Limit: limit,
        ...(startSk && { ExclusiveStartKey: { pk, sk: startSk } }),
      }),
    );
    const items = (result.Items ?? []).map((i) => ({ type: i.type, occurredAt: i.occurredAt, item: i.data }) as TimelineEntry);
    const last = result.LastEvaluatedKey?.sk as string | undefined;
    return { items, nextCursor: last ? encodeCursor(last) : null };
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
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...customerItem(next), rev: rev + 1 },
        ConditionExpression: 'rev = :rev OR attribute_not_exists(rev)',
        ExpressionAttributeValues: { ':rev': rev },
      }),
    );
    return next;
  });
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

/** An item DynamoDB's TTL has not deleted yet but that has expired: every reader passes over it. */
const expired = (item: Record<string, unknown> | undefined) => typeof item?.expiresAt === 'number' && item.expiresAt <= nowSeconds();

export class DynamoInteractionRepository implements InteractionRepository {
  async recordOnce(interaction: Interaction, retention: InteractionRetention = {}): Promise<{ outcome: RecordOutcome; stored: Interaction }> {
    const { tenantId, customerId, channel, externalId, occurredAt, id } = interaction;
    const timelineKey = keys.timelineItem(tenantId, customerId, occurredAt, 'interaction', id);
    const { expiresAt } = retention;
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...keys.interactionRef(tenantId, channel, externalId),
                  entity: 'InteractionRef',
                  customerId,
                  interactionId: id,
                  timelineSk: timelineKey.sk,
                  published: false,
                  ...(expiresAt !== undefined && { expiresAt }),
                },
                // a reference past its retention that TTL has not deleted yet does not count
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
                ExpressionAttributeValues: { ':now': nowSeconds() },
              },
            },
            { Put: { TableName: tableName(), Item: interactionItem(interaction, expiresAt) } },
          ],
        }),
      );
      return { outcome: 'recorded', stored: interaction };
    } catch (error) {
      if (!transactionConditionFailed(error)) throw error;
      return this.existing(interaction);
    }
  }

  private async existing(interaction: Interaction): Promise<{ outcome: RecordOutcome; stored: Interaction }> {
    const { tenantId, channel, externalId } = interaction;
    const { Item: ref } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.interactionRef(tenantId, channel, externalId), ConsistentRead: true }),
    );
    if (!ref) throw new Error('interaction reference vanished during dedupe');
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: keys.customerPartition(tenantId, ref.customerId as string), sk: ref.timelineSk as string },
        ConsistentRead: true,
      }),
    );
    const stored = (Item?.data as Interaction | undefined) ?? interaction;
    return { outcome: ref.published ? 'duplicate' : 'recorded-unpublished', stored };
  }

  async findByExternalId(tenantId: string, channel: string, externalId: string): Promise<Interaction | undefined> {
    const { Item: ref } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.interactionRef(tenantId, channel, externalId), ConsistentRead: true }),
    );
    if (!ref) return undefined;
    const { Item } = await documentClient().send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: keys.customerPartition(tenantId, ref.customerId as string), sk: ref.timelineSk as string },
        ConsistentRead: true,
      }),
    );
    // past its retention: gone for every reader, even before TTL deletes it
    return expired(Item) ? undefined : (Item?.data as Interaction | undefined);
  }

  /**
   * Replaces what the stored interaction says, keeping its retention (`expiresAt`); an interaction gone
   * meanwhile (expired, erased) is not brought back.
   */
  async replace(interaction: Interaction): Promise<void> {
    const { pk, sk } = keys.timelineItem(interaction.tenantId, interaction.customerId, interaction.occurredAt, 'interaction', interaction.id);
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk, sk },
          UpdateExpression: 'SET #data = :data',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeNames: { '#data': 'data' },
          ExpressionAttributeValues: { ':data': interaction, ':now': nowSeconds() },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Days the tenant keeps interactions of people without social_profiling consent (adapters/privacy/dynamo-retention.ts). */
  retentionDays(tenantId: string): Promise<number> {
    return privacySettings.retentionDays(tenantId);
  }

  async markPublished(interaction: Interaction): Promise<void> {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.interactionRef(interaction.tenantId, interaction.channel, interaction.externalId),
          UpdateExpression: 'SET published = :true',
          // a reference erased meanwhile (the person's erasure) is not brought back as a stub
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

/** WebSub leases of YouTube channel feeds: one item per tenant and channel, indexed by expiry (gsi1). */
export class DynamoYoutubeSubscriptions implements YoutubeSubscriptionRepository {
  async put(subscription: YoutubeSubscription): Promise<void> {
    const { tenantId, channelId, leaseExpiresAt } = subscription;
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.youtubeSubscription(tenantId, channelId),
          ...keys.youtubeLeaseIndex(tenantId, leaseExpiresAt, channelId),
          entity: 'YoutubeSubscription',
          data: subscription,
        },
      }),
    );
  }

  async expiringBefore(tenantId: string, before: string, limit = 100): Promise<YoutubeSubscription[]> {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': keys.youtubeLeasePartition(tenantId), ':before': before },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => i.data as YoutubeSubscription);
  }
}

/** Per-video record of the notification ids seen and of the deletion (keys.youtubeVideo). */
export class DynamoYoutubeVideos implements YoutubeVideoIndex {
  async remember(tenantId: string, videoId: string, channelId: string, externalId: string): Promise<{ deletedAt?: string }> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.youtubeVideo(tenantId, videoId),
        UpdateExpression: 'SET entity = :entity, videoId = :video, channelId = if_not_exists(channelId, :channel) ADD externalIds :ids',
        ExpressionAttributeValues: { ':entity': 'YoutubeVideo', ':video': videoId, ':channel': channelId, ':ids': new Set([externalId]) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const deletedAt = Attributes?.deletedAt as string | undefined;
    return deletedAt ? { deletedAt } : {};
  }

  async markDeleted(tenantId: string, videoId: string, at: string): Promise<string[]> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.youtubeVideo(tenantId, videoId),
        UpdateExpression: 'SET entity = :entity, videoId = :video, deletedAt = if_not_exists(deletedAt, :at)',
        ExpressionAttributeValues: { ':entity': 'YoutubeVideo', ':video': videoId, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const ids = Attributes?.externalIds as Set<string> | undefined;
    return ids ? [...ids].sort() : [];
  }
}
