import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivitySignal, ActivityStore } from '../../domain/customers/activity.js';
import { keys } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName, transactionConditionFailed } from '../dynamo/client.js';

/**
 * The activity figures live on the profile (`data.activity`). Each interaction is one transaction: the event's
 * processed-marker, and an update of the profile that ADDs to the channel's counter, moves "last seen" forward
 * and ADDs to the profile's revision, without reading it first. No read-modify-write, so a burst from one person
 * never makes consumers retry against each other; the revision still moves, so a writer that read the profile
 * before (updateProfile's conditional put) reads it again instead of overwriting the counter.
 */
export class DynamoActivityStore implements ActivityStore {
  constructor(private readonly consumer: string) {}

  async addOnce(tenantId: string, customerId: string, eventId: string, signal: ActivitySignal): Promise<boolean> {
    // the usual case first: this interaction is the newest; else (an older one delivered late) only the count
    for (const newest of [true, false]) {
      const outcome = await this.attempt(tenantId, customerId, eventId, signal, newest).catch(async (error: unknown) => {
        // a profile written without activity figures (none should be: every creator sets them) gets empty ones once
        if (!lacksFigures(error)) throw error;
        await this.ensureFigures(tenantId, customerId);
        return this.attempt(tenantId, customerId, eventId, signal, newest);
      });
      if (outcome !== 'older') return outcome === 'applied';
    }
    return false;
  }

  private async ensureFigures(tenantId: string, customerId: string): Promise<void> {
    await documentClient()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.customer(tenantId, customerId),
          UpdateExpression: 'SET #data.#activity = if_not_exists(#data.#activity, :empty)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#data': 'data', '#activity': 'activity' },
          ExpressionAttributeValues: { ':empty': { interactionsByChannel: {} } },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
  }

  private async attempt(tenantId: string, customerId: string, eventId: string, signal: ActivitySignal, newest: boolean): Promise<'applied' | 'done-before' | 'missing' | 'older'> {
    const now = new Date().toISOString();
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: { ...keys.processedEvent(tenantId, this.consumer, eventId), entity: 'ProcessedEvent', at: now, expiresAt: Math.floor(Date.now() / 1000) + 14 * 86400 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName(),
                Key: keys.customer(tenantId, customerId),
                UpdateExpression: `ADD #data.#activity.#byChannel.#channel :one, rev :one SET #data.updatedAt = :now${newest ? ', #data.#activity.#last = :at' : ''}`,
                ConditionExpression: newest
                  ? 'attribute_exists(pk) AND (attribute_not_exists(#data.#activity.#last) OR #data.#activity.#last <= :at)'
                  : 'attribute_exists(pk)',
                ExpressionAttributeNames: {
                  '#data': 'data',
                  '#activity': 'activity',
                  '#byChannel': 'interactionsByChannel',
                  '#channel': signal.channel,
                  ...(newest && { '#last': 'lastInteractionAt' }),
                },
                ExpressionAttributeValues: { ':one': 1, ':now': now, ...(newest && { ':at': signal.occurredAt }) },
              },
            },
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (!transactionConditionFailed(error)) throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'done-before';
      return newest ? 'older' : 'missing';
    }
  }
}

/** The update named a document path the profile does not have (outside a transaction, or inside one). */
function lacksFigures(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ValidationException') return true;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return error.name === 'TransactionCanceledException' && reasons.some((r) => r.Code === 'ValidationError');
}
