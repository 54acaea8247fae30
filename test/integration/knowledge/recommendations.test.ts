/**
 * Recommendations through the local runtime: orders on the bus → co-occurrence counts per tenant →
 * GET /v1/customers/{id}/recommendations, what buyers of the same products also bought, without what the
 * customer already has, with the counts as the explanation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderPlaced } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { customersFromComments, publish } from '../../support/knowledge.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;

const PRICES: Record<string, string> = { p1: '10.00', p2: '15.00', p3: '8.00', p4: '30.00', p9: '99.00' };
let orderSeq = 0;

async function buy(tenantId: string, customerId: string, products: string[]) {
  await publish(rt, tenantId, OrderPlaced, {
    customerId,
    orderId: `rec-${++orderSeq}`,
    store: 'shopify',
    total: { amount: '1.00', currency: 'EUR' },
    lineItems: products.map((productId) => ({ productId, quantity: 1, price: { amount: PRICES[productId]!, currency: 'EUR' } })),
  });
}

let a: string, b: string, c: string, d: string, t: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
  [a, b, c, d, t] = (await customersFromComments(rt, acme, ['a', 'b', 'c', 'd', 't'])) as [string, string, string, string, string];
  // A buys p1, later p2 (a pair across orders); B p1 p2 p3; C p1 p3; D p2 p4; T p1
  await buy('acme', a, ['p1']);
  await rt.drain(30_000);
  await buy('acme', a, ['p2']);
  await buy('acme', b, ['p1', 'p2', 'p3']);
  await buy('acme', c, ['p1', 'p3']);
  await buy('acme', d, ['p2', 'p4']);
  await buy('acme', t, ['p1']);
  await rt.drain(30_000);
}, 120_000);
afterAll(async () => rt?.stop());

const recommendations = async (customerId: string, client = marketer) => {
  const res = await client(`/v1/customers/${customerId}/recommendations`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('GET /v1/customers/{id}/recommendations', () => {
  it('recommends what buyers of p1 also bought: p2 (A, B) and p3 (B, C), not p1 itself, not p4', async () => {
    const recs = await recommendations(t);
    expect(recs.basedOn).toEqual(['p1']);
    expect(recs.nextCursor).toBeNull();
    expect(recs.items).toEqual([
      {
        productId: 'p2',
        kind: 'up-sell', // 15.00 against the 10.00 T paid for p1
        score: 2,
        price: { amount: '15.00', currency: 'EUR' },
        // p1 has 4 buyers (A, B, C, T), 2 of whom bought p2
        because: [{ productId: 'p1', customers: 2, buyers: 4, confidence: 0.5 }],
      },
      {
        productId: 'p3',
        kind: 'cross-sell',
        score: 2,
        price: { amount: '8.00', currency: 'EUR' },
        because: [{ productId: 'p1', customers: 2, buyers: 4, confidence: 0.5 }],
      },
    ]);
  });

  it('once T owns p2 too: p3 scores 2 (via p1) + 1 (via p2), p4 1 (via p2); p2 is left out', async () => {
    await buy('acme', t, ['p2']);
    await rt.drain(30_000);
    const recs = await recommendations(t);
    expect(recs.basedOn.sort()).toEqual(['p1', 'p2']);
    expect(recs.items.map((r: { productId: string; score: number }) => [r.productId, r.score])).toEqual([
      ['p3', 3],
      ['p4', 1],
    ]);
    expect(recs.items[0].because).toEqual([
      { productId: 'p1', customers: 2, buyers: 4, confidence: 0.5 },
      // p2's buyers: A, B, D and now T
      { productId: 'p2', customers: 1, buyers: 4, confidence: 0.25 },
    ]);
    expect(recs.items.some((r: { productId: string }) => ['p1', 'p2'].includes(r.productId))).toBe(false);
  });

  it('answers an empty list for a customer without orders, and honours the limit', async () => {
    const [fresh] = await customersFromComments(rt, acme, ['just looking']);
    expect(await recommendations(fresh!)).toEqual({ items: [], nextCursor: null, basedOn: [] });
    expect((await marketer(`/v1/customers/${t}/recommendations?limit=1`)).body.items).toHaveLength(1);
    expect((await marketer(`/v1/customers/${t}/recommendations?limit=0`)).status).toBe(400);
  });

  it("counts within the tenant only: another tenant's buyers of p1 change nothing here", async () => {
    const [g1, g2] = (await customersFromComments(rt, globex, ['g1', 'g2'])) as [string, string];
    await buy('globex', g1, ['p1', 'p9']);
    await buy('globex', g2, ['p1']);
    await rt.drain(30_000);
    const theirs = await recommendations(g2, api(rt.url, globex.tokens.marketer));
    expect(theirs.items.map((r: { productId: string }) => r.productId)).toEqual(['p9']);
    expect(theirs.items[0].because).toEqual([{ productId: 'p1', customers: 1, buyers: 2, confidence: 0.5 }]);
    const ours = await recommendations(t);
    expect(ours.items.map((r: { productId: string }) => r.productId)).toEqual(['p3', 'p4']);
    expect((await api(rt.url, globex.tokens.marketer)(`/v1/customers/${t}/recommendations`)).status).toBe(404);
  });
});
