/**
 * The consent ledger on the one table: records in the customer's partition (`CONSENT#{at}#{id}`, time
 * order), written with conditional puts so nothing is ever overwritten; the profile's summary through
 * `updateProfile` (optimistic concurrency).
 */
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsentRecord } from '../../domain/consent/consent.js';
import type { ConsentSummary, Customer } from '../../domain/shared/model.js';
import type { ConsentRepository } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { updateProfile } from '../customers/index.js';
import { documentClient, isConditionalCheckFailed, tableName, transactionConditionFailed } from '../dynamo/client.js';

/** A used nonce is kept a day past its link's expiry; after that the expired link is refused anyway. */
const NONCE_GRACE_SECONDS = 86_400;

export function consentItem(record: ConsentRecord) {
  return { ...keys.consent(record.tenantId, record.customerId, record.at, record.id), entity: 'ConsentRecord', data: record };
}

export class DynamoConsentRepository implements ConsentRepository {
  async append(record: ConsentRecord, consumeNonce?: { nonce: string; expiresAt: number }): Promise<'appended' | 'nonce-used' | 'exists'> {
    const put = { TableName: tableName(), Item: consentItem(record), ConditionExpression: 'attribute_not_exists(pk)' };
    if (!consumeNonce) {
      try {
        await documentClient().send(new PutCommand(put));
        return 'appended';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'exists';
        throw error;
      }
    }
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...keys.consentTokenUse(record.tenantId, record.customerId, consumeNonce.nonce),
                  entity: 'ConsentTokenUse',
                  usedAt: record.at,
                  recordId: record.id,
                  expiresAt: consumeNonce.expiresAt + NONCE_GRACE_SECONDS,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: put },
          ],
        }),
      );
      return 'appended';
    } catch (error) {
      if (!transactionConditionFailed(error)) throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'nonce-used';
      throw error;
    }
  }

  async history(tenantId: string, customerId: string): Promise<ConsentRecord[]> {
    const pk = keys.customerPartition(tenantId, customerId);
    const records: ConsentRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.consentPrefix },
          ConsistentRead: true,
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) records.push(item.data as ConsentRecord);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async updateSummary(
    tenantId: string,
    customerId: string,
    change: (summary: ConsentSummary | undefined) => ConsentSummary,
  ): Promise<Customer | undefined> {
    return updateProfile(tenantId, customerId, (customer) => ({ ...customer, consentSummary: change(customer.consentSummary) }));
  }
}

export const consentRepository = new DynamoConsentRepository();
