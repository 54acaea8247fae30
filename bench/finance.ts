/**
 * Finance figures for `npm run bench` (one call from bench/run.ts, with the runtime it started):
 * 1. metering overhead: the time the meter adds to an invocation (a metered no-op handler against the same
 *    no-op bare, in this process), and the write units per invocation its counter flushes cost, against
 *    the previous design's one counter UpdateItem per invocation (both as DynamoDB Local reports them);
 * 2. the modelled AWS cost per 1 million social events: comments posted through the real webhook, every
 *    function they cause metered and priced with the us-east-1 table, beside the architecture's floor
 *    (1 HTTP API request + 1 Lambda request of 1 ms at 128 MB + 1 write unit + 1 EventBridge event).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Meter, runMetered, LAMBDA_PLATFORM_LOG_BYTES } from '../adapters/shared/meter.js';
import { collectUsage, flushUsage } from '../adapters/shared/usage.js';
import { documentClient, tableName } from '../adapters/dynamo/client.js';
import { dynamoUsageReader } from '../adapters/finance/dynamo-usage.js';
import { priceBook } from '../adapters/finance/price-book.js';
import { groupCosts, priceUsage, type UsageRow } from '../domain/finance/costs.js';
import { divideRounded, multiplyDecimal, roundDecimal, sumExact } from '../domain/finance/decimal.js';
import { keys, randomShard, SHARDS } from '../store/keys.js';
import type { LocalRuntime } from '../local/runtime.js';
import { facebookComment, postMeta } from './deliveries.js';

const COMMENTS = Number(process.env.BENCH_FINANCE_COMMENTS ?? 200);

async function timePerCall(calls: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 1000; i++) await fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / calls / 1000; // µs
}

/** What metering adds to one invocation in this process: the meter, its counts and the buffer (no I/O on the reply). */
async function meteringTime(): Promise<{ bareUs: number; meteredUs: number }> {
  const work = async () => 1;
  const bareUs = await timePerCall(50_000, work);
  const meteredUs = await timePerCall(50_000, async () => {
    const meter = new Meter('BenchNoop', Date.now(), 'api');
    meter.tenantId = 'bench-overhead';
    await runMetered(meter, work);
    meter.add('invocations', 1);
    meter.add('billedMs', 1);
    meter.add('mbMs', 512);
    meter.add('httpRequests', 1);
    meter.add('logBytes', LAMBDA_PLATFORM_LOG_BYTES);
    collectUsage(meter, 512);
  });
  return { bareUs, meteredUs };
}

/** Write units of flushing `invocations` buffered invocations of 3 functions, against one UpdateItem per invocation. */
async function meteringWrites(invocations: number): Promise<{ flushedPerInvocation: number; perInvocationDesign: number }> {
  await flushUsage();
  for (let i = 0; i < invocations; i++) {
    const meter = new Meter(['MetaWebhook', 'CustomerKnowledge', 'LoyaltyAwarder'][i % 3]!, Date.now(), 'social');
    meter.tenantId = 'bench-overhead';
    meter.add('invocations', 1);
    meter.add('writeUnits', 3);
    meter.add('eventsPublished', 1);
    collectUsage(meter, 512);
  }
  const flushMeter = new Meter('flush', Date.now());
  await runMetered(flushMeter, () => flushUsage());
  const oldMeter = new Meter('old', Date.now());
  await runMetered(oldMeter, async () => {
    for (let i = 0; i < 50; i++) {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.usage('bench-old-design', '2026-01-01', 'MetaWebhook', 'social', undefined, randomShard(SHARDS.usage)),
          UpdateExpression: 'SET entity = :e, tenantId = :t, #day = :d, functionName = :f, memoryMb = :m ADD invocations :one, billedMs :ms, mbMs :mbms, readUnits :ru, writeUnits :wu, eventsPublished :ev',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':e': 'Usage', ':t': 'bench-old-design', ':d': '2026-01-01', ':f': 'MetaWebhook', ':m': 512, ':one': 1, ':ms': 12, ':mbms': 6144, ':ru': 2.5, ':wu': 7, ':ev': 1 },
        }),
      );
    }
  });
  return { flushedPerInvocation: flushMeter.usage.writeUnits / invocations, perInvocationDesign: oldMeter.usage.writeUnits / 50 };
}

function sumRows(rows: UsageRow[]): Map<string, UsageRow> {
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) byKey.set([r.day, r.functionName, r.feature, r.campaignId ?? ''].join('|'), r);
  return byKey;
}

/** after − before, per row and dimension. */
function delta(before: UsageRow[], after: UsageRow[]): UsageRow[] {
  const b = sumRows(before);
  return after.map((r) => {
    const old = b.get([r.day, r.functionName, r.feature, r.campaignId ?? ''].join('|'));
    return { ...r, counts: Object.fromEntries(Object.entries(r.counts).map(([k, v]) => [k, v - (old?.counts[k] ?? 0)])) };
  });
}

export async function benchFinance(runtime: LocalRuntime): Promise<void> {
  console.log('\nFinance');
  const { bareUs, meteredUs } = await meteringTime();
  console.log(`metering time per invocation: ${(meteredUs - bareUs).toFixed(2)} µs added (metered no-op ${meteredUs.toFixed(2)} µs, bare no-op ${bareUs.toFixed(2)} µs, same process); nothing on the reply's I/O path`);
  const writes = await meteringWrites(600);
  console.log(
    `metering writes per invocation: ${writes.flushedPerInvocation.toFixed(4)} WU (buffered, 600 invocations of 3 functions in one flush) vs ${writes.perInvocationDesign.toFixed(2)} WU for one counter UpdateItem per invocation (the previous design)`,
  );

  // the modelled cost of social events: comments through the real webhook, everything they cause metered
  const tenant = runtime.credentials.tenants[1]!;
  const day = new Date().toISOString().slice(0, 10);
  await runtime.drain(300_000);
  const before = await dynamoUsageReader.read(tenant.tenantId, day, day);
  for (let i = 0; i < COMMENTS; i++) {
    const res = await postMeta(
      runtime.url,
      tenant.tenantId,
      tenant.secrets.meta.appSecret,
      facebookComment(tenant.accounts.facebook, `8800${i % 50}`, `bench comment ${i} love it`),
    );
    await res.text();
  }
  await runtime.drain(300_000);
  const used = delta(before, await dynamoUsageReader.read(tenant.tenantId, day, day)).filter((r) => r.feature !== 'finance');
  const table = (d: string) => priceBook().tableFor(d, 'us-east-1');
  const report = groupCosts(priceUsage(used, table), 'service', 'USD');
  const perMillion = divideRounded(multiplyDecimal(report.total.exactAmount, '1000000'), String(COMMENTS), 4);
  const t = table(day);
  const floorParts = {
    httpRequests: '1',
    invocations: '1',
    mbMs: '128', // 1 ms at 128 MB
    writeUnits: '1',
    eventsPublished: '1',
  };
  const floor = sumExact(Object.entries(floorParts).map(([d, n]) => multiplyDecimal(multiplyDecimal(n, t.priceOf(d)!.price), divideRounded('1000000', t.priceOf(d)!.per, 12))));
  const ratio = divideRounded(perMillion, floor, 2);
  const units = (d: string) => used.reduce((n, r) => n + (r.counts[d] ?? 0), 0) / COMMENTS;
  console.log(
    `per comment, all functions: ${units('invocations').toFixed(2)} Lambda requests, ${units('writeUnits').toFixed(2)} WU, ${units('readUnits').toFixed(2)} RU, ${units('eventsPublished').toFixed(2)} events, ${units('sqsSends').toFixed(2)} SQS sends, ${units('sqsReceives').toFixed(2)} receives, ${(units('mbMs') / 1024).toFixed(1)} GB-ms, ${units('logBytes').toFixed(0)} log bytes`,
  );
  console.table(report.groups.map((g) => ({ service: g.key, 'USD per 1M comments': roundDecimal(divideRounded(multiplyDecimal(g.exactAmount, '1000000'), String(COMMENTS), 6), 4) })));
  console.log(`modelled AWS cost per 1M social events (us-east-1, no free tier): $${roundDecimal(perMillion, 2)} vs the floor $${roundDecimal(floor, 4)}: ${ratio}× (goal ≤ 1.25×)`);
}
