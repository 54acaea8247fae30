/**
 * `npm run bench`: figures for every ingest path on this machine, through the local runtime (real HTTP,
 * DynamoDB Local, the in-process bus and queues with their consumers), each printed beside a floor measured
 * in the same run against the same DynamoDB Local: absolute times on a shared machine mean little, ratios do.
 *
 * Per scenario and concurrency:
 * - deliveries/s: acknowledged by the webhook (`ack/s`) and fully processed by every consumer (`e2e/s`);
 * - the floor at the same concurrency: 2-item TransactWriteItems/s and 300 B PutItem/s, 3 rounds right before and
 *   3 right after the scenario (min/median/max of the 6), and the ratio of deliveries/s to the transaction floor;
 * - latency p50/p99 of the acknowledgements, and how many answered 5xx (a platform would redeliver those; under a
 *   machine shared with other work a webhook can pass its 10 s timeout);
 * - DynamoDB calls, write and read units per delivery for ALL the functions a delivery causes (webhook and
 *   consumers, and the chain's usage-counter writes), as DynamoDB reported them, and the calls per function;
 * - CPU ms per delivery of this process (runtime, consumers and load generator; DynamoDB Local is a separate
 *   Java process and is not included).
 * Then the bundle table: each function bundled as CDK bundles it, size and module init against a bare handler.
 *
 * Sizes: BENCH_EVENTS per scenario and concurrency (default 300), BENCH_CONCURRENCY (default "8,32"),
 * BENCH_ROUNDS floor rounds before and after (default 3), BENCH_FLOOR_OPS operations per floor round (default 150),
 * BENCH_ONLY=name,name (scenario prefixes, or `loyalty`, `service`, `finance`, `campaigns`), BENCH_BUNDLES=0 to skip bundles.
 * Then loyalty awards (bench/loyalty.ts) and service tickets (bench/service.ts) end to end, finance (bench/finance.ts)
 * and one campaign (bench/campaigns.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableName } from '../adapters/dynamo/client.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { bundleTable } from './bundles.js';
import { bigId, facebookComment, postEvent, postMeta, postShopify, postX, shopifyOrder, whatsappText, xMention } from './deliveries.js';
import { countDynamoCalls, takeTally } from './dynamo-calls.js';
import { Floor, stats } from './floor.js';
import { benchCampaigns } from './campaigns.js';
import { benchFinance } from './finance.js';
import { benchLoyalty } from './loyalty.js';
import { benchService } from './service.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '8,32').split(',').map(Number);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const ONLY = process.env.BENCH_ONLY?.split(',');
const FLOOR_OPS = Number(process.env.BENCH_FLOOR_OPS ?? 150);

type Tenant = LocalRuntime['credentials']['tenants'][number];
interface Scenario {
  name: string;
  /** Deliveries before the measured ones, so that the people they name are known (or not, as the name says). */
  warmUp: number;
  send(runtime: LocalRuntime, tenant: Tenant, i: number): Promise<Response>;
}

const COMMENTS = ['Love the new jacket, great fit! 😍', 'Mi pedido no llegó, pésimo servicio 😡', 'Where can I buy the blue one?'];
const text = (i: number) => COMMENTS[i % COMMENTS.length]!;
const KNOWN = 97; // people who comment again and again

const SCENARIOS: Scenario[] = [
  {
    name: 'facebook-comment (known)',
    warmUp: KNOWN,
    send: (rt, t, i) => postMeta(rt.url, t.tenantId, t.secrets.meta.appSecret, facebookComment(t.accounts.facebook, `fb${i % KNOWN}`, text(i))),
  },
  {
    name: 'facebook-comment (new)',
    warmUp: 10,
    send: (rt, t, i) => postMeta(rt.url, t.tenantId, t.secrets.meta.appSecret, facebookComment(t.accounts.facebook, `new${bigId('5')}`, text(i))),
  },
  {
    name: 'whatsapp-message (known)',
    warmUp: KNOWN,
    send: (rt, t, i) => postMeta(rt.url, t.tenantId, t.secrets.meta.appSecret, whatsappText(t.accounts.whatsapp, `3460011${String(i % KNOWN).padStart(4, '0')}`, text(i))),
  },
  {
    name: 'x-mention (known)',
    warmUp: KNOWN,
    send: (rt, t, i) => postX(rt.url, t.tenantId, t.secrets.x.consumerSecret, xMention(t.accounts.x, `77${i % KNOWN}`, text(i))),
  },
  {
    name: 'shopify-order (new buyer)',
    warmUp: 10,
    send: (rt, t, i) => postShopify(rt.url, t.tenantId, t.secrets.shopify.secret, 'orders/create', shopifyOrder({ orderId: bigId(), customerId: bigId('8'), email: `b${i}.${bigId('1')}@example.com` })),
  },
  {
    name: 'events-order-placed (known)',
    warmUp: KNOWN,
    send: (rt, t, i) =>
      postEvent(rt.url, t.tenantId, t.secrets.events.secret, 'order.placed', {
        orderId: `web-${bigId('3')}`,
        customer: { email: `web${i % KNOWN}@example.com` },
        total: { amount: '59.90', currency: 'EUR' },
        lineItems: [{ productId: `sku-${i % 13}`, quantity: 1, price: { amount: '59.90', currency: 'EUR' } }],
      }),
  },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** Answers the latency; a refused delivery (4xx) is a bug of the bench, a 5xx a figure of the system (counted). */
async function timed(send: () => Promise<Response>, failures?: { count: number }): Promise<number> {
  const t0 = performance.now();
  const res = await send();
  const body = await res.text();
  if (res.status >= 500 && failures) failures.count += 1;
  else if (res.status >= 300) throw new Error(`answered ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - t0;
}

async function runScenario(runtime: LocalRuntime, floor: Floor, scenario: Scenario, tenant: Tenant, concurrency: number, counter: { n: number }, warm: boolean) {
  // 1. warm up (once per scenario): containers loaded, the scenario's people known
  if (!warm) for (let i = 0; i < scenario.warmUp; i++) await timed(() => scenario.send(runtime, tenant, counter.n++));
  await runtime.drain(600_000);

  // 2. the floor right before
  const floorBefore = await floor.measure(ROUNDS, FLOOR_OPS, concurrency);

  // 3. the deliveries, `concurrency` in flight, until every consumer has finished with them
  takeTally();
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  const failures = { count: 0 };
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < EVENTS) {
        sent++;
        latencies.push(await timed(() => scenario.send(runtime, tenant, counter.n++), failures));
      }
    }),
  );
  const ackSeconds = (performance.now() - started) / 1000;
  await runtime.drain(600_000);
  const e2eSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const calls = takeTally();

  // 4. the floor right after
  const floorAfter = await floor.measure(ROUNDS, FLOOR_OPS, concurrency);

  latencies.sort((a, b) => a - b);
  const tx = stats([...floorBefore.tx, ...floorAfter.tx]);
  const put = stats([...floorBefore.put, ...floorAfter.put]);
  const ack = EVENTS / ackSeconds;
  const e2e = EVENTS / e2eSeconds;
  const per = (n: number) => n / EVENTS;
  const owners = [...calls.byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(per(v), 1)} (${fmt(per(calls.writeUnitsByOwner.get(k) ?? 0), 1)} WU)`)
    .join(', ');
  return {
    row: {
      scenario: scenario.name,
      '@': concurrency,
      'ack/s': fmt(ack),
      'e2e/s': fmt(e2e),
      'tx floor/s min/med/max': `${fmt(tx.min)}/${fmt(tx.median)}/${fmt(tx.max)}`,
      'put floor/s med': fmt(put.median),
      'ack/tx floor': `${fmt((100 * ack) / tx.median)}%`,
      'e2e/tx floor': `${fmt((100 * e2e) / tx.median)}%`,
      '5xx': failures.count,
      'p50/p99 ms': `${fmt(percentile(latencies, 50))}/${fmt(percentile(latencies, 99))}`,
      'calls/del': fmt(per(calls.calls), 1),
      'WU/del': fmt(per(calls.writeUnits), 1),
      'RU/del': fmt(per(calls.readUnits), 1),
      'CPU ms/del': fmt((cpu.user + cpu.system) / 1000 / EVENTS, 1),
    },
    owners: `${scenario.name} @${concurrency}: calls (write units) per delivery by function: ${owners}`,
  };
}

/** Issue 9's targets beside this run's figures: each a ratio or a count, never an absolute time. */
function printTargets(rows: Record<string, string | number>[]) {
  const pct = (v: unknown) => Number(String(v).replace('%', ''));
  const of = (prefix: string) => rows.filter((r) => String(r.scenario).startsWith(prefix));
  const worst = (list: Record<string, string | number>[], key: string, pick: (a: number, b: number) => number) =>
    list.length ? list.map((r) => (key.includes('floor') ? pct(r[key]) : Number(r[key]))).reduce((a, b) => pick(a, b)) : Number.NaN;
  const known = of('facebook-comment (known)');
  const shopify = of('shopify-order');
  const line = (figure: string, value: number, unit: string, target: string, met: boolean) => ({ figure, 'this run': Number.isNaN(value) ? 'n/a' : `${value}${unit}`, target, met: Number.isNaN(value) ? '' : met ? 'yes' : 'no' });
  const e2eComment = worst(known, 'e2e/tx floor', Math.min);
  const e2eShopify = worst(shopify, 'e2e/tx floor', Math.min);
  const calls = worst(known, 'calls/del', Math.max);
  const wu = worst(known, 'WU/del', Math.max);
  const shopifyWu = worst(shopify, 'WU/del', Math.max);
  console.log('\nTargets (issue 9), from the rows above:');
  console.table([
    line('Facebook comment (known), e2e deliveries/s ÷ 2-item-tx floor, worst concurrency', e2eComment, '%', '≥ 50%', e2eComment >= 50),
    line('Shopify order, e2e ÷ floor, worst concurrency', e2eShopify, '%', '≥ 35%', e2eShopify >= 35),
    line('DynamoDB calls per known comment, all functions', calls, '', '≤ 6', calls <= 6),
    line('write units per known comment, all functions', wu, '', '≤ 5', wu <= 5),
    line('write units per Shopify order, all functions', shopifyWu, '', '≤ 8', shopifyWu <= 8),
  ]);
}

async function main() {
  console.log(`Social CRM benchmark: ${EVENTS} deliveries per scenario and concurrency (${CONCURRENCIES.join(', ')} in flight), floor ${ROUNDS}+${ROUNDS} rounds of ${FLOOR_OPS} ops; node ${process.version}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'social-crm-bench-'));
  // a failed run (even a failed start) leaves nothing behind either
  const runtime = await startLocalRuntime({ port: 0, dataDir }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  try {
    countDynamoCalls();
    const floor = new Floor(process.env.DYNAMODB_ENDPOINT!, tableName());
    const tenant = runtime.credentials.tenants[0]!;
    const rows = [];
    const owners = [];
    const counter = { n: 0 };
    for (const scenario of SCENARIOS) {
      if (ONLY && !ONLY.some((o) => scenario.name.startsWith(o))) continue;
      for (const [k, concurrency] of CONCURRENCIES.entries()) {
        const { row, owners: line } = await runScenario(runtime, floor, scenario, tenant, concurrency, counter, k > 0);
        rows.push(row);
        owners.push(line);
        console.log(`  done: ${scenario.name} @${concurrency}`);
      }
    }
    if (rows.length > 0) {
      console.table(rows);
      for (const line of owners) console.log(line);
      printTargets(rows);
    }
    if (!ONLY || ONLY.includes('loyalty')) await benchLoyalty(runtime, floor, ROUNDS, FLOOR_OPS);
    if (!ONLY || ONLY.includes('service')) await benchService(runtime, floor, ROUNDS, FLOOR_OPS);
    floor.destroy();
    console.log(`process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (runtime, consumers and load generator in one process)`);
    if (!ONLY || ONLY.includes('finance')) await benchFinance(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (process.env.BENCH_BUNDLES !== '0') {
    const { rows, worst } = await bundleTable(5);
    console.table(rows);
    console.log(`worst module init / bare handler: ${worst.toFixed(2)}x (target ≤ 1.3×: ${worst <= 1.3 ? "met" : "not met"})`);
  }
}

await main();
if (!ONLY || ONLY.includes('campaigns')) await benchCampaigns();
