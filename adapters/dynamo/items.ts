/**
 * What every DynamoDB adapter shares about items: the opaque list cursor (the sort key of the last item, so a
 * cursor can never point into another partition) and items past their TTL that DynamoDB has not deleted yet.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';

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
