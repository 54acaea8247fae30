/**
 * Helpers for the customer-knowledge integration tests: events published straight onto the local bus (as
 * the store ingest and the consent ledger publish them), customers made through the Meta webhook, and the
 * ten-customer fixture tenant whose figures the tests compute by hand.
 */
import { randomUUID } from 'node:crypto';
import {
  buildEvent,
  ConsentChanged,
  InteractionRecorded,
  OrderPlaced,
  OrderRefunded,
  type EventDefinition,
} from '../../events/catalog.js';
import type { TestRuntime } from './runtime.js';
import { api, feedComment, pageDelivery, postMeta } from './webhooks.js';
import type { z } from 'zod';

export const DAY_MS = 86_400_000;
type Tenant = TestRuntime['credentials']['tenants'][number];

export function daysAgo(base: number, days: number): string {
  return new Date(base - days * DAY_MS).toISOString();
}

export async function publish<S extends z.ZodType>(rt: TestRuntime, tenantId: string, definition: EventDefinition<S>, data: z.input<S>, occurredAt = new Date().toISOString()) {
  await rt.bus.publish([buildEvent(definition, { tenantId, eventId: randomUUID(), occurredAt, correlationId: randomUUID() }, data)]);
}

let authorSeq = 0;

/** Makes one customer per comment through the Meta webhook; answers their ids in the same order. */
export async function customersFromComments(rt: TestRuntime, tenant: Tenant, texts: string[]): Promise<string[]> {
  const page = tenant.accounts.facebook;
  const psids = texts.map(() => `8100${Date.now() % 1_000_000}${++authorSeq}`);
  const body = pageDelivery(
    page,
    texts.map((message, i) => feedComment({ pageId: page, fromId: psids[i]!, message })),
  );
  const res = await postMeta(rt.url, tenant.tenantId, tenant.secrets.meta.appSecret, body);
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  const marketer = api(rt.url, tenant.tokens.marketer);
  const ids: string[] = [];
  for (const psid of psids) {
    const found = await marketer(`/v1/customers?channel=facebook&externalId=${psid}`);
    ids.push(found.body.items[0].id as string);
  }
  return ids;
}

export interface OrderSpec {
  orderId: string;
  days: number;
  amount: string;
  products?: string[];
}

export async function placeOrders(rt: TestRuntime, tenantId: string, customerId: string, base: number, orders: OrderSpec[]) {
  for (const o of orders) {
    const products = o.products ?? ['basic-tee'];
    await publish(rt, tenantId, OrderPlaced, {
      customerId,
      orderId: o.orderId,
      store: 'shopify',
      total: { amount: o.amount, currency: 'EUR' },
      lineItems: products.map((productId) => ({ productId, quantity: 1, price: { amount: o.amount, currency: 'EUR' } })),
      placedAt: daysAgo(base, o.days),
    });
  }
}

export async function refund(rt: TestRuntime, tenantId: string, customerId: string, orderId: string, amount: string) {
  await publish(rt, tenantId, OrderRefunded, { customerId, orderId, store: 'shopify', amount: { amount, currency: 'EUR' } });
}

export async function consent(rt: TestRuntime, tenantId: string, customerId: string, status: 'granted' | 'withdrawn', purpose: 'social_profiling' | 'marketing' = 'social_profiling') {
  await publish(rt, tenantId, ConsentChanged, { customerId, channel: purpose === 'marketing' ? 'email' : 'all', purpose, status });
}

export async function interaction(
  rt: TestRuntime,
  tenantId: string,
  customerId: string,
  kind: z.input<typeof InteractionRecorded.data>['kind'],
  sentiment: number | null,
) {
  await publish(rt, tenantId, InteractionRecorded, {
    customerId,
    interactionId: randomUUID(),
    channel: 'instagram',
    kind,
    externalId: randomUUID(),
    hasText: false,
    sentiment,
    intent: null,
  });
}

/**
 * The fixture tenant: ten buyers with known orders (hand-computed figures in the tests), plus social
 * signals and consent for C1 and C2. Settings: brand "acme", competitors "globex" and "initech",
 * category spend 1000.00 EUR a year, expected lifetime 2.5 years.
 *
 *   customer  orders (days ago: amount)                       net      R F M  class
 *   C1        10,20,30,40: 100.00; 50: 100.00 refunded 20.00   480.00   4 5 5  champions
 *   C2        5, 60, 120, 180: 50.00                           200.00   5 5 3  loyal
 *   C3        15, 90, 200: 80.00                               240.00   4 4 4  champions
 *   C4        30: 150.00; 100: 250.00; 60: 100.00 refunded     400.00   3 2 5  needs_attention
 *   C5        2: 60.00                                          60.00   5 1 2  new
 *   C6        45: 20.00                                         20.00   3 1 1  needs_attention
 *   C7        200, 300: 35.00                                   70.00   2 2 2  hibernating
 *   C8        400: 300.00                                      300.00   1 1 4  hibernating
 *   C9        250, 260, 270: 10.00                              30.00   1 4 1  at_risk
 *   C10       120: 45.50; 130: 44.50                            90.00   2 2 3  hibernating
 */
export async function buildFixture(rt: TestRuntime, tenant: Tenant) {
  const admin = api(rt.url, tenant.tokens.admin);
  const settings = await admin('/v1/settings/knowledge', {
    method: 'PUT',
    body: JSON.stringify({
      currency: 'EUR',
      brandKeywords: ['acme'],
      competitorKeywords: ['globex', 'initech'],
      categorySpendEstimate: { amount: '1000.00', currency: 'EUR' },
      expectedLifetimeYears: 2.5,
    }),
  });
  if (settings.status !== 200) throw new Error(`settings answered ${settings.status}: ${JSON.stringify(settings.body)}`);
  const base = Date.now();
  const ids = await customersFromComments(rt, tenant, [
    'Acme boots are great, much better than Globex',
    'Nice colours',
    'I want the acme jacket',
    'ok',
    'hello',
    'when is the sale',
    'thanks',
    'fine',
    'cool',
    'see you',
  ]);
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = ids as [string, string, string, string, string, string, string, string, string, string];
  const t = tenant.tenantId;
  const every = (prefix: string, days: number[], amount: string): OrderSpec[] => days.map((d, i) => ({ orderId: `${prefix}-${i}`, days: d, amount }));
  await placeOrders(rt, t, c1, base, every(`${c1}`, [10, 20, 30, 40, 50], '100.00'));
  await refund(rt, t, c1, `${c1}-4`, '20.00');
  await placeOrders(rt, t, c2, base, every(`${c2}`, [5, 60, 120, 180], '50.00'));
  await placeOrders(rt, t, c3, base, every(`${c3}`, [15, 90, 200], '80.00'));
  await placeOrders(rt, t, c4, base, [
    { orderId: `${c4}-a`, days: 30, amount: '150.00' },
    { orderId: `${c4}-b`, days: 100, amount: '250.00' },
    { orderId: `${c4}-x`, days: 60, amount: '100.00' },
  ]);
  await refund(rt, t, c4, `${c4}-x`, '100.00');
  await placeOrders(rt, t, c5, base, every(`${c5}`, [2], '60.00'));
  await placeOrders(rt, t, c6, base, every(`${c6}`, [45], '20.00'));
  await placeOrders(rt, t, c7, base, every(`${c7}`, [200, 300], '35.00'));
  await placeOrders(rt, t, c8, base, every(`${c8}`, [400], '300.00'));
  await placeOrders(rt, t, c9, base, every(`${c9}`, [250, 260, 270], '10.00'));
  await placeOrders(rt, t, c10, base, [
    { orderId: `${c10}-a`, days: 120, amount: '45.50' },
    { orderId: `${c10}-b`, days: 130, amount: '44.50' },
  ]);
  await consent(rt, t, c1, 'granted');
  await consent(rt, t, c2, 'granted');
  await interaction(rt, t, c1, 'share', null);
  await interaction(rt, t, c1, 'review', 0.6);
  await rt.drain(60_000);
  await recompute(rt, tenant);
  return { base, ids, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 };
}

/** POST /v1/knowledge/recompute and wait for the whole job. */
export async function recompute(rt: TestRuntime, tenant: Tenant) {
  const admin = api(rt.url, tenant.tokens.admin);
  const res = await admin('/v1/knowledge/recompute', { method: 'POST' });
  if (res.status !== 202) throw new Error(`recompute answered ${res.status}: ${JSON.stringify(res.body)}`);
  await rt.drain(60_000);
  const job = await admin(`/v1/knowledge/jobs/${res.body.jobId}`);
  if (job.body.status !== 'done') throw new Error(`recompute job not done: ${JSON.stringify(job.body)}`);
  return res.body.jobId as string;
}
