/**
 * What every DynamoDB adapter shares about items: the opaque list cursor (the sort key of the last item, so a
 * cursor can never point into another partition) and items past their TTL that DynamoDB has not deleted yet.
 */
import { InvalidInput } from '../../domain/shared/errors.js';

/** Query filter: items past their TTL that DynamoDB has not deleted yet are left out. */
export const notExpired = {
  FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds',
};
export const nowSeconds = () => Math.floor(Date.now() / 1000);

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
