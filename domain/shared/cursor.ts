/**
 * The one cursor codec. A list's cursor is opaque to clients: base64url of a small JSON value that the list
 * alone gives meaning to. Decoding checks the value against the list's schema (and whatever the list adds, such
 * as "the key is in this partition"); anything a client made up, truncated or took from another list is a
 * 400 `invalid_input` on `cursor`, never a 500 and never a read elsewhere.
 */
import type { z } from 'zod';
import { InvalidInput } from './errors.js';

/** Longest cursor a list accepts (the query parameter's limit too). */
export const MAX_CURSOR_LENGTH = 2048;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S, message = 'cursor is not valid for this list'): z.output<S> {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw new InvalidInput(message, { field: 'cursor' });
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInput(message, { field: 'cursor' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidInput(message, { field: 'cursor' });
  return parsed.data;
}

/** A calendar day as YYYY-MM-DD that exists (no 2026-02-30, no 9999-99-99). */
export const isCalendarDay = (d: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
