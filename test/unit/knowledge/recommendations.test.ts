/**
 * Recommendations from co-occurrence: the pairs a purchase adds, the ranking and its explanation, and
 * settling the counts once per customer even when a delivery is retried half way.
 */
import { describe, expect, it } from 'vitest';
import { applyOrderPlaced, updateCustomerKnowledge, type KnowledgeInputs, type ProductFact } from '../../../domain/knowledge/knowledge.js';
import { affinityPairs, rankRecommendations, recommendProducts, settleAffinity, type ProductStats } from '../../../domain/knowledge/recommendations.js';
import { NotFound } from '../../../domain/shared/errors.js';
import { customer, FakeAffinityStore, fakeKnowledgePorts } from '../../support/knowledge-fakes.js';

const NOW = '2026-11-23T10:00:00.000Z';
const EUR = (amount: string) => ({ amount, currency: 'EUR' });
const owned = (entries: Record<string, string>): Record<string, ProductFact> =>
  Object.fromEntries(Object.entries(entries).map(([id, price]) => [id, { firstAt: NOW, lastAt: NOW, price: EUR(price) }]));

describe('affinityPairs', () => {
  it('pairs each new product with what was bought before (both ways) and with the other new ones', () => {
    expect(affinityPairs(['n1', 'n2'], ['p1']).sort()).toEqual(
      [
        ['n1', 'p1'],
        ['p1', 'n1'],
        ['n1', 'n2'],
        ['n2', 'p1'],
        ['p1', 'n2'],
        ['n2', 'n1'],
      ].sort(),
    );
  });

  it('adds nothing for a first purchase of one product, and ignores repeats', () => {
    expect(affinityPairs(['n1'], [])).toEqual([]);
    expect(affinityPairs(['n1', 'n1'], ['n1'])).toEqual([]);
  });
});

describe('rankRecommendations', () => {
  const stats = new Map<string, ProductStats>([
    ['p1', { productId: 'p1', buyers: 4, lastPrice: EUR('10.00') }],
    ['p2', { productId: 'p2', buyers: 3, lastPrice: EUR('15.00') }],
    ['p3', { productId: 'p3', buyers: 2, lastPrice: EUR('8.00') }],
    ['p4', { productId: 'p4', buyers: 1, lastPrice: EUR('30.00') }],
  ]);

  it('scores by customers who bought both, summed over owned products, leaving out what the customer has', () => {
    const affinities = [
      { productId: 'p1', otherId: 'p2', customers: 2 },
      { productId: 'p1', otherId: 'p3', customers: 2 },
      { productId: 'p2', otherId: 'p3', customers: 1 },
      { productId: 'p2', otherId: 'p4', customers: 1 },
      { productId: 'p2', otherId: 'p1', customers: 2 },
    ];
    const result = rankRecommendations(owned({ p1: '10.00', p2: '15.00' }), affinities, stats, 10);
    expect(result.map((r) => [r.productId, r.score])).toEqual([
      ['p3', 3],
      ['p4', 1],
    ]);
    expect(result[0]!.because).toEqual([
      { productId: 'p1', customers: 2, buyers: 4, confidence: 0.5 },
      { productId: 'p2', customers: 1, buyers: 3, confidence: 0.3333 },
    ]);
  });

  it('is an up-sell when dearer than what was paid for the product that drives it, else a cross-sell', () => {
    const affinities = [
      { productId: 'p1', otherId: 'p2', customers: 2 },
      { productId: 'p1', otherId: 'p3', customers: 2 },
    ];
    const result = rankRecommendations(owned({ p1: '10.00' }), affinities, stats, 10);
    expect(result.map((r) => [r.productId, r.kind, r.price?.amount])).toEqual([
      ['p2', 'up-sell', '15.00'],
      ['p3', 'cross-sell', '8.00'],
    ]);
    expect(rankRecommendations(owned({ p1: '10.00' }), affinities, stats, 1)).toHaveLength(1);
  });
});

describe('settling co-occurrence counts', () => {
  const order = (id: string, products: string[], at = NOW) => (inputs: KnowledgeInputs) =>
    applyOrderPlaced(inputs, {
      store: 'shopify',
      orderId: id,
      total: EUR('10.00'),
      lineItems: products.map((productId) => ({ productId, quantity: 1, price: EUR('5.00') })),
      at,
    });

  async function buy(f: ReturnType<typeof fakeKnowledgePorts>, affinity: FakeAffinityStore, customerId: string, eventId: string, products: string[]) {
    const result = await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId, eventId, trackAffinity: true, change: order(eventId, products) });
    await settleAffinity({ knowledge: f.knowledge, affinity }, 't1', customerId, result.written);
  }

  it('counts each customer once per pair, across orders, and recommends what the others also bought', async () => {
    const f = fakeKnowledgePorts(NOW, [customer('a'), customer('b'), customer('t')]);
    const affinity = new FakeAffinityStore();
    await buy(f, affinity, 'a', 'e1', ['p1']);
    await buy(f, affinity, 'a', 'e2', ['p2']);
    await buy(f, affinity, 'a', 'e3', ['p1', 'p2']); // nothing new: no count moves
    await buy(f, affinity, 'b', 'e4', ['p1', 'p2', 'p3']);
    await buy(f, affinity, 't', 'e5', ['p1']);
    expect(affinity.pairs.get('t1|p1|p2')?.customers).toBe(2);
    expect(affinity.pairs.get('t1|p2|p1')?.customers).toBe(2);
    expect(affinity.pairs.get('t1|p1|p3')?.customers).toBe(1);
    expect(affinity.productStats.get('t1|p1')?.buyers).toBe(3);
    expect((await f.knowledge.get('t1', 'a'))!.record.pendingAffinity).toBeUndefined();

    const recs = await recommendProducts({ knowledge: f.knowledge, affinity, customers: f.ports.customers }, 't1', 't', 10);
    expect(recs.basedOn).toEqual(['p1']);
    expect(recs.items.map((r) => [r.productId, r.score])).toEqual([
      ['p2', 2],
      ['p3', 1],
    ]);
    await expect(recommendProducts({ knowledge: f.knowledge, affinity, customers: f.ports.customers }, 't2', 't', 10)).rejects.toBeInstanceOf(NotFound);
  });

  it('finishes after a crash half way without counting twice (the note stays until settled; each pair has its token)', async () => {
    const f = fakeKnowledgePorts(NOW, [customer('a')]);
    const affinity = new FakeAffinityStore();
    await buy(f, affinity, 'a', 'e1', ['p1', 'p2']);
    const result = await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'a', eventId: 'e2', trackAffinity: true, change: order('e2', ['p3']) });
    affinity.failAtPair = 4; // p3↔p1, p1↔p3, p3↔p2 written; p2→p3 fails
    await expect(settleAffinity({ knowledge: f.knowledge, affinity }, 't1', 'a', result.written)).rejects.toThrow('crash');
    expect((await f.knowledge.get('t1', 'a'))!.record.pendingAffinity).toHaveLength(1);
    // the redelivery: the event is a duplicate, the note is settled from the stored record
    expect((await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'a', eventId: 'e2', trackAffinity: true, change: order('e2', ['p3']) })).outcome).toBe('duplicate');
    await settleAffinity({ knowledge: f.knowledge, affinity }, 't1', 'a');
    for (const pair of ['p3|p1', 'p1|p3', 'p3|p2', 'p2|p3', 'p1|p2', 'p2|p1']) expect(affinity.pairs.get(`t1|${pair}`)?.customers, pair).toBe(1);
    expect((await f.knowledge.get('t1', 'a'))!.record.pendingAffinity).toBeUndefined();
  });
});
