import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityStore } from '../../domain/customers/activity.js';
import type { Customer, CustomerActivity } from '../../domain/shared/model.js';
import { keys } from '../../store/keys.js';
import { ChangedMeanwhile, documentClient, retryWhileChanged, tableName, transactionConditionFailed } from '../dynamo/client.js';


export class DynamoActivityStore implements ActivityStore {
  constructor(private readonly consumer: string) {}

  async updateOnce(
    tenantId: string,
    customerId: string,
    eventId: string,
    change: (activity: CustomerActivity) => CustomerActivity,
  ): Promise<boolean> {
    const marker = keys.processedEvent(tenantId, this.consumer, eventId);
    return retryWhileChanged(`customer ${customerId}`, async () => {
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
      );
      if (!Item) return false;
      const customer = Item.data as Customer;
      const rev = (Item.rev as number | undefined) ?? 0;
      const now = new Date().toISOString();
      try {
        await documentClient().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName(),
                  Item: { ...marker, entity: 'ProcessedEvent', at: now, expiresAt: Math.floor(Date.now() / 1000) + 14 * 86400 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: tableName(),
                  Key: keys.customer(tenantId, customerId),
                  UpdateExpression: 'SET #data.#activity = :activity, #data.updatedAt = :now, rev = :next',
                  ConditionExpression: 'rev = :rev OR attribute_not_exists(rev)',
                  ExpressionAttributeNames: { '#data': 'data', '#activity': 'activity' },
                  ExpressionAttributeValues: { ':activity': change(customer.activity), ':now': now, ':rev': rev, ':next': rev + 1 },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!transactionConditionFailed(error)) throw error;
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false; // applied before
        throw new ChangedMeanwhile(); // the customer changed between read and write: read again
      }
    });
  }
}
