/**
 * Interactions on the one table: recorded once per platform id, with their outbox flag, edits and deletes,
 * and the retention of people without social_profiling consent.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Interaction } from '../../domain/shared/model.js';
import type { InteractionRepository, InteractionRetention, RecordedInteractionRef, RecordOutcome } from '../../domain/shared/ports.js';
import { publishedByConcurrentAttempt } from '../../domain/shared/outbox.js';
import { keys } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { privacySettings } from '../privacy/index.js';
import { nowSeconds } from '../dynamo/items.js';
import { interactionItem } from '../customers/index.js';

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
    const readRef = async () =>
      (await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.interactionRef(tenantId, channel, externalId), ConsistentRead: true })))
        .Item;
    const ref = await readRef();
    if (!ref) throw new Error('interaction reference vanished during dedupe');
    if (!ref.published) {
      // a concurrent attempt of the same delivery may be publishing it right now (domain/shared/outbox.ts); a
      // reference erased meanwhile has nothing left to publish either
      const stillUnpublished = async () => {
        const current = await readRef();
        return current !== undefined && current.published !== true;
      };
      if (await publishedByConcurrentAttempt(stillUnpublished)) ref.published = true;
    }
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

  async findRecorded(recorded: RecordedInteractionRef): Promise<Interaction | undefined> {
    const { tenantId, customerId, occurredAt, interactionId } = recorded;
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.timelineItem(tenantId, customerId, occurredAt, 'interaction', interactionId), ConsistentRead: true }),
    );
    if (Item) return expired(Item) ? undefined : (Item.data as Interaction);
    // moved to a survivor by a merge (or erased): the reference knows where it is now, if anywhere
    return this.findByExternalId(tenantId, recorded.channel, recorded.externalId);
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
