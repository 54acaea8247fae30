/**
 * `npm run bench`: figures for every ingest path on this machine, through the local runtime (real HTTP,
 * DynamoDB Local, the in-process bus and queues with their consumers).
 *
 * Per scenario: throughput with BENCH_CONCURRENCY deliveries in flight, latency p50/p99 one at a time and
 * under load, and the DynamoDB read/write units and billed milliseconds the webhook function used per
 * delivery (from the metering counters, i.e. what DynamoDB itself reported). Through DynamoDB Local the
 * throughput is bound by the emulator (a few hundred writes/s, SQLite underneath, one machine), so the
 * in-function work of the comment path is measured alone too: what the code itself costs per event.
 *
 * Sizes: BENCH_EVENTS per scenario (default 300), BENCH_CONCURRENCY (default 8), BENCH_ONLY=name,name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../adapters/dynamo/client.js';
import { lexiconTextAnalyzer } from '../adapters/social/lexicon-text-analyzer.js';
import { extractMetaSignals, MetaDelivery } from '../domain/social/ingest/meta.js';
import { hmacMatches } from '../domain/shared/signatures.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { benchFinance } from './finance.js';
import { keys } from '../store/keys.js';
import { changesEntry, delivery, pageComment, wabaDelivery, whatsappText } from '../test/support/meta.js';
import { bigId, postEvent, postShopify, shopifyOrderBody, uniqueEmail } from '../test/support/stores.js';
import { postMeta, metaSignature, feedComment, pageDelivery } from '../test/support/webhooks.js';
import { postX, tweet, xDelivery, xUser } from '../test/support/x.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LATENCY_SAMPLES = Math.min(100, EVENTS);
const ONLY = process.env.BENCH_ONLY?.split(',');

type Tenant = LocalRuntime['credentials']['tenants'][number];
interface Scenario {
  name: string;
  /** The function whose usage counters tell the units per delivery. */
  functionId: string;
  send(runtime: LocalRuntime, tenant: Tenant, i: number): Promise<Response>;
}

const COMMENTS = ['Love the new jacket, great fit! 😍', 'Mi pedido no llegó, pésimo servicio 😡', 'Where can I buy the blue one?'];
const text = (i: number) => COMMENTS[i % COMMENTS.length]!;

const SCENARIOS: Scenario[] = [
  {
    name: 'facebook-comment',
    functionId: 'MetaWebhook',
    send: (rt, t, i) =>
      postMeta(rt.url, t.tenantId, t.secrets.meta.appSecret, delivery('page', [changesEntry(t.accounts.facebook, [pageComment({ pageId: t.accounts.facebook, fromId: `fb${i % 97}`, message: text(i) })])])),
  },
  {
    name: 'whatsapp-message',
    functionId: 'MetaWebhook',
    send: (rt, t, i) =>
      postMeta(rt.url, t.tenantId, t.secrets.meta.appSecret, wabaDelivery([whatsappText({ phoneNumberId: t.accounts.whatsapp, waId: `3460011${String(i % 89).padStart(4, '0')}`, body: text(i) })])),
  },
  {
    name: 'x-mention',
    functionId: 'XWebhook',
    send: (rt, t, i) =>
      postX(
        rt.url,
        t.tenantId,
        t.secrets.x.consumerSecret,
        xDelivery(t.accounts.x, {
          tweet_create_events: [tweet({ text: `@brand ${text(i)}`, user: xUser({ id: `77${i % 83}`, screenName: `fan${i % 83}` }), mentions: [{ id: t.accounts.x, screenName: 'brand' }] })],
        }),
      ),
  },
  {
    name: 'shopify-order',
    functionId: 'ShopifyWebhook',
    send: (rt, t, i) => postShopify(rt.url, t.tenantId, t.secrets.shopify.secret, 'orders/create', shopifyOrderBody({ orderId: bigId(), customerId: bigId(), email: uniqueEmail(`b${i % 71}`), cancelled: false, financialStatus: 'paid' })),
  },
  {
    name: 'events-order-placed',
    functionId: 'EventsWebhook',
    send: (rt, t, i) =>
      postEvent(rt.url, t.tenantId, t.secrets.events.secret, 'order.placed', {
        orderId: `web-${Date.now()}-${i}`,
        customer: { email: `web${i % 67}@example.com` },
        total: { amount: '59.90', currency: 'EUR' },
        lineItems: [{ productId: `sku-${i % 13}`, quantity: 1, price: { amount: '59.90', currency: 'EUR' } }],
      }),
  },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function usage(tenantId: string, functionId: string) {
  const day = new Date().toISOString().slice(0, 10);
  const total = { readUnits: 0, writeUnits: 0, billedMs: 0, invocations: 0 };
  for (const pk of keys.usageShards(tenantId, day)) {
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    for (const row of Items ?? []) {
      if (row.functionName !== functionId) continue;
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += (row[k] as number) ?? 0;
    }
  }
  return total;
}

async function timed(send: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await send();
  const body = await res.text();
  if (res.status >= 300) throw new Error(`answered ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - t0;
}

async function runScenario(runtime: LocalRuntime, scenario: Scenario, tenant: Tenant) {
  let n = 0;
  for (let i = 0; i < 10; i++) await timed(() => scenario.send(runtime, tenant, n++)); // warm-up
  const alone: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) alone.push(await timed(() => scenario.send(runtime, tenant, n++)));
  await runtime.drain(300_000);

  const before = await usage(tenant.tenantId, scenario.functionId);
  const loaded: number[] = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < EVENTS) {
        sent++;
        loaded.push(await timed(() => scenario.send(runtime, tenant, n++)));
      }
    }),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  await runtime.drain(300_000);
  const endToEndSeconds = (performance.now() - started) / 1000;
  const after = await usage(tenant.tenantId, scenario.functionId);
  alone.sort((a, b) => a - b);
  loaded.sort((a, b) => a - b);
  const per = (k: keyof typeof after) => (after[k] - before[k]) / EVENTS;
  return {
    scenario: scenario.name,
    'events/s': Math.round(EVENTS / ingestSeconds),
    'end-to-end/s': Math.round(EVENTS / endToEndSeconds),
    'p50 alone ms': percentile(alone, 50).toFixed(1),
    'p99 alone ms': percentile(alone, 99).toFixed(1),
    [`p50 @${CONCURRENCY} ms`]: percentile(loaded, 50).toFixed(1),
    [`p99 @${CONCURRENCY} ms`]: percentile(loaded, 99).toFixed(1),
    'WCU/event': per('writeUnits').toFixed(2),
    'RCU/event': per('readUnits').toFixed(2),
    'billed ms/event': per('billedMs').toFixed(1),
  };
}

/** The comment path's own work, without I/O: verify, parse, validate, extract, analyse. */
async function inFunctionWork(n: number) {
  const secret = 'bench-secret';
  const bodies = Array.from({ length: 200 }, (_, i) => Buffer.from(pageDelivery('1', [feedComment({ pageId: '1', fromId: `p${i}`, message: text(i) })])));
  const signatures = bodies.map((b) => metaSignature(secret, b).slice('sha256='.length));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const k = i % bodies.length;
    if (!hmacMatches({ algorithm: 'sha256', secrets: [secret], signed: bodies[k]!, provided: signatures[k]!, encoding: 'hex' })) throw new Error('bad signature');
    const { signals } = extractMetaSignals(MetaDelivery.parse(JSON.parse(bodies[k]!.toString('utf8'))), ['1']);
    await lexiconTextAnalyzer.analyze(signals.map((s) => s.text ?? ''));
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

async function main() {
  console.log(`Social CRM benchmark: ${EVENTS} deliveries per scenario, ${CONCURRENCY} in flight; node ${process.version}`);
  console.log(`in-function work of a comment (verify + parse + analyse, no I/O): ${await inFunctionWork(20_000)} comments/s on one core`);
  const dataDir = mkdtempSync(join(tmpdir(), 'social-crm-bench-'));
  try {
    const runtime = await startLocalRuntime({ port: 0, dataDir });
    try {
      const tenant = runtime.credentials.tenants[0]!;
      const rows = [];
      for (const scenario of SCENARIOS) {
        if (ONLY && !ONLY.includes(scenario.name)) continue;
        rows.push(await runScenario(runtime, scenario, tenant));
      }
      console.table(rows);
      console.log(`process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (runtime, consumers and load generator in one process)`);
      await benchFinance(runtime);
    } finally {
      await runtime.stop();
    }
  } finally {
    // a failed run leaves nothing behind either
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
