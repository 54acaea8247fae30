/** Every integer id beyond 2^53 is kept as its source digits, whatever its value (issue 10). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJsonExact } from '../../../domain/shared/money.js';
import { StoreId } from '../../../domain/commerce/orders.js';

describe('parseJsonExact and StoreId', () => {
  it.each(['820982911946154500', '483857751338182900', '9007199254741000', '98765432109876540000', '820982911946154508'])(
    '%s reads back as its digits',
    (digits) => {
      const body = parseJsonExact(`{"id":${digits}}`) as { id: unknown };
      expect(body.id).toBe(digits);
      expect(StoreId.parse(body.id)).toBe(digits);
    },
  );

  it('any integer beyond 2^53 keeps its digits; a safe one stays a number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n - 1n }), (n) => {
        const digits = n.toString();
        const id = (parseJsonExact(`{"id":${digits}}`) as { id: unknown }).id;
        if (n > BigInt(Number.MAX_SAFE_INTEGER)) expect(id).toBe(digits);
        else expect(id).toBe(Number(n));
        expect(StoreId.parse(id)).toBe(digits);
      }),
      { numRuns: 500 },
    );
  });
});
