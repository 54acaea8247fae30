/** The size limits as properties: what passes fits a key, what is cut keeps its start and says so. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { boundedText, checkRequestLimits, MAX_ID_LENGTH, MAX_QUERY_VALUE_LENGTH, MAX_TEXT_LENGTH, TRUNCATION_MARK } from '../../../domain/shared/limits.js';

describe('boundedText', () => {
  it('keeps any text within the limit as it is, and cuts a longer one to exactly the limit with the mark, never splitting a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 3 * MAX_TEXT_LENGTH }), (piece, extra) => {
        const text = piece + '😀'.repeat(Math.floor(extra / 2));
        const out = boundedText(text);
        if (text.length <= MAX_TEXT_LENGTH) {
          expect(out).toBe(text);
          return;
        }
        expect(out.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
        expect(out.endsWith(TRUNCATION_MARK)).toBe(true);
        const kept = out.slice(0, -TRUNCATION_MARK.length);
        expect(text.startsWith(kept)).toBe(true);
        const last = kept.charCodeAt(kept.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkRequestLimits', () => {
  it('lets through every path value up to the id limit and query value up to its limit, refuses anything longer with a 400 naming it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (idLength, queryLength) => {
        const request = { pathParameters: { customerId: 'i'.repeat(idLength) }, queryStringParameters: { email: 'q'.repeat(queryLength) } };
        const ok = idLength <= MAX_ID_LENGTH && queryLength <= MAX_QUERY_VALUE_LENGTH;
        if (ok) expect(() => checkRequestLimits(request)).not.toThrow();
        else expect(() => checkRequestLimits(request)).toThrow(InvalidInput);
      }),
      { numRuns: 300 },
    );
  });
  it('applies to the headers that become keys', () => {
    expect(() => checkRequestLimits({ headers: { 'webhook-id': 'w'.repeat(MAX_ID_LENGTH + 1) } })).toThrow(/webhook-id/);
    expect(() => checkRequestLimits({ headers: { 'user-agent': 'u'.repeat(5000) } })).not.toThrow();
  });
});
