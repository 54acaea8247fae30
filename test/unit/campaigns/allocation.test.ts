import { describe, expect, it } from 'vitest';
import { inHoldout, variantFor } from '../../../domain/campaigns/allocation.js';
import type { Variant } from '../../../domain/campaigns/model.js';

const ids = Array.from({ length: 100_000 }, (_, i) => `customer-${i}`);
const v = (id: string, weight: number): Variant => ({ id, channel: 'email', weight, subject: 's', body: 'b' });

describe('allocation', () => {
  it('holds out 10% of 100k ids within ±1%, and the same ids every time', () => {
    const held = ids.filter((id) => inHoldout('camp-1', id, 10));
    expect(held.length / ids.length).toBeGreaterThan(0.09);
    expect(held.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => inHoldout('camp-1', id, 10))).toEqual(held);
    // another campaign holds out other people
    const other = new Set(ids.filter((id) => inHoldout('camp-2', id, 10)));
    const overlap = held.filter((id) => other.has(id)).length / held.length;
    expect(overlap).toBeLessThan(0.15);
  });

  it('splits 100k ids by the variant weights within ±1% (1:1 and 1:3)', () => {
    for (const [weights, shares] of [
      [[1, 1], [0.5, 0.5]],
      [[1, 3], [0.25, 0.75]],
    ] as const) {
      const variants = [v('A', weights[0]), v('B', weights[1])];
      const counts = { A: 0, B: 0 } as Record<string, number>;
      for (const id of ids) counts[variantFor('camp-1', id, 'email', variants)!.id]!++;
      expect(Math.abs(counts.A! / ids.length - shares[0])).toBeLessThan(0.01);
      expect(Math.abs(counts.B! / ids.length - shares[1])).toBeLessThan(0.01);
    }
  });

  it('gives no variant on a channel without one, and the same variant to the same customer', () => {
    expect(variantFor('c', 'x', 'sms', [v('A', 1)])).toBeUndefined();
    const variants = [v('A', 1), v('B', 1), v('C', 2)];
    expect(variantFor('c', 'x', 'email', variants)).toEqual(variantFor('c', 'x', 'email', variants));
  });
});
