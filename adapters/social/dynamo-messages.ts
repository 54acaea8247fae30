/**
 * Outbound messages and their delivery state on the one table (key: store/keys.ts `message`).
 * A status moves the message forward in one conditional update, so concurrent or repeated reports can
 * never move it back.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../../events/catalog.js';
import {
  statesBefore,
  type DeliveryError,
  type DeliveryOutcome,
  type DeliveryStatus,
  type MessageStore,
  type NewOutboundMessage,
  type OutboundMessage,
} from '../../domain/social/messages.js';
import { keys } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';

export function messageItem(message: OutboundMessage) {
  return {
    ...keys.message(message.tenantId, message.channel, message.providerMessageId),
    // listed under the person, so their export and erasure find it (store/keys.ts personalIndex)
    ...(message.customerId !== undefined && keys.personalIndex(message.tenantId, message.customerId, 'Message', `${message.channel}#${message.providerMessageId}`)),
    entity: 'Message',
    data: message,
  };
}

export class DynamoMessageStore implements MessageStore {
  async createOutboundMessage(input: NewOutboundMessage): Promise<{ created: boolean }> {
    const message: OutboundMessage = { ...input, status: 'accepted', statusTimes: {}, updatedAt: input.createdAt };
    try {
      await documentClient().send(
        new PutCommand({ TableName: tableName(), Item: messageItem(message), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { created: false };
    }
  }

  async get(tenantId: string, channel: Channel, providerMessageId: string): Promise<OutboundMessage | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.message(tenantId, channel, providerMessageId), ConsistentRead: true }),
    );
    return Item?.data as OutboundMessage | undefined;
  }

  async recordDeliveryStatus(
    tenantId: string,
    channel: Channel,
    providerMessageId: string,
    status: DeliveryStatus,
    at: string,
    error?: DeliveryError,
  ): Promise<DeliveryOutcome> {
    const from = statesBefore(status);
    const fromValues = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.message(tenantId, channel, providerMessageId),
          UpdateExpression: `SET #data.#status = :status, #data.statusTimes.#step = :at, #data.updatedAt = :now${error ? ', #data.#error = :error' : ''}`,
          ConditionExpression: `attribute_exists(pk) AND #data.#status IN (${Object.keys(fromValues).join(', ')})`,
          ExpressionAttributeNames: { '#data': 'data', '#status': 'status', '#step': status, ...(error && { '#error': 'error' }) },
          ExpressionAttributeValues: { ':status': status, ':at': at, ':now': new Date().toISOString(), ...fromValues, ...(error && { ':error': error }) },
        }),
      );
      return 'advanced';
    } catch (failure) {
      if (!isConditionalCheckFailed(failure)) throw failure;
      return (await this.get(tenantId, channel, providerMessageId)) ? 'unchanged' : 'unknown';
    }
  }
}
