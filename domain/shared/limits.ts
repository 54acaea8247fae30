/**
 * The size limits, decided once (DynamoDB allows 2,048 bytes of partition key and 400 KB an item; a platform's
 * ids are a few dozen characters, its texts a few thousand):
 * - any id or key part that comes from outside (a path parameter, a platform id, a delivery id header): 512
 *   characters, else 400 before anything is written;
 * - a query value: 1,024 characters (a cursor: its own 2,048, domain/shared/cursor.ts), else 400;
 * - a message's text (a comment, a tweet, a video title, a review): kept up to 20,000 characters and cut there
 *   with a visible mark. A platform retries a refused delivery for hours and then disables the endpoint, so the
 *   interaction is stored, cut, rather than refused: nothing of the person is half-written either way.
 */
import { InvalidInput } from './errors.js';

export const MAX_ID_LENGTH = 512;
export const MAX_QUERY_VALUE_LENGTH = 1024;
export const MAX_TEXT_LENGTH = 20_000;
export const TRUNCATION_MARK = ' […]';

/** Headers whose value becomes part of a key (delivery dedupe). */
export const KEY_HEADERS = ['webhook-id', 'x-shopify-event-id', 'x-shopify-webhook-id', 'x-wc-webhook-delivery-id'] as const;

/** The text as stored: whole when it fits, else cut at the limit (never inside a surrogate pair) with the mark. */
export function boundedText(text: string): string;
export function boundedText(text: string | undefined): string | undefined;
export function boundedText(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_TEXT_LENGTH) return text;
  let cut = MAX_TEXT_LENGTH - TRUNCATION_MARK.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + TRUNCATION_MARK;
}

export function requireIdLength(field: string, value: string | undefined): void {
  if (value !== undefined && value.length > MAX_ID_LENGTH) throw new InvalidInput(`${field}: at most ${MAX_ID_LENGTH} characters`, { field });
}

/** The edge's check of a request: path parameters, query values and key headers within their limits (400 otherwise). */
export function checkRequestLimits(request: {
  pathParameters?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
}): void {
  for (const [name, value] of Object.entries(request.pathParameters ?? {})) requireIdLength(name, value);
  for (const [name, value] of Object.entries(request.queryStringParameters ?? {})) {
    const max = name === 'cursor' ? 2048 : MAX_QUERY_VALUE_LENGTH;
    if (value !== undefined && value.length > max) throw new InvalidInput(`${name}: at most ${max} characters`, { field: name });
  }
  const headers = request.headers ?? {};
  for (const name of KEY_HEADERS) requireIdLength(name, headers[name]);
}
