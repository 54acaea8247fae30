/**
 * What every DynamoDB adapter shares about items: the opaque list cursor (the sort key of the last item, so a
 * cursor can never point into another partition) and items past their TTL that DynamoDB has not deleted yet.
 */
import { z } from 'zod';
import { BatchGetCommand, type BatchGetCommandInput, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';
import { documentClient, tableName } from './client.js';

/** Query filter: items past their TTL that DynamoDB has not deleted yet are left out. */
export const notExpired = {
  FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds',
};
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A list's cursor: the sort key of the last item, so a cursor can never point into another partition. */
export function encodeSortKeyCursor(sortKey: string): string {
  return encodeCursor({ sk: sortKey });
}

export function decodeSortKeyCursor(cursor: string, expectedPrefix: string): string {
  return decodeCursor(cursor, z.object({ sk: z.string().startsWith(expectedPrefix).max(1024) })).sk;
}

/**
 * Every item of `keys` that exists, in as many BatchGetItem calls as it takes: 100 keys a call, and what DynamoDB
 * leaves unprocessed under load asked again (up to 8 rounds; then the call fails rather than answer part).
 */
export async function batchGetAll(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: BatchGetCommandInput['RequestItems'] = { [tableName()]: { Keys: keys.slice(i, i + 100).map(({ pk, sk }) => ({ pk, sk })) } };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round === 8) throw new Error('DynamoDB left keys of a BatchGetItem unprocessed eight times');
      const result: BatchGetCommandOutput = await documentClient().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[tableName()] ?? []));
      request = result.UnprocessedKeys;
    }
  }
  return found;
}
