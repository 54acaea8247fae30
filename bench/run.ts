/**
 * `npm run bench`: figures for the comment slice on this machine, through the local runtime (real HTTP,
 * DynamoDB Local, the in-process bus and queues). Prints throughput, latency percentiles, DynamoDB units
 * per comment, and memory. Through DynamoDB Local the figures are bound by the emulator (a few hundred
 * writes/s, SQLite underneath), so the in-function rate is printed too: what the code itself costs. Sizes: BENCH_COMMENTS (default 2000), BENCH_CONCURRENCY (default 16).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../adapters/dynamo.js';
import { startLocalRuntime } from '../local/runtime.js';
import { keys } from '../store/keys.js';
import { feedComment, metaSignature, pageDelivery } from '../test/support/webhooks.js';
import { hmacMatches } from '../domain/ingest/signatures.js';
import { extractMetaSignals, MetaDelivery } from '../domain/ingest/meta.js';
import { lexiconTextAnalyzer } from '../adapters/lexicon-text-analyzer.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function usageOf(tenantId: string) {
  const day = new Date().toISOString().slice(0, 10);
  const byFunction: Record<string, { invocations: number; readUnits: number; writeUnits: number; billedMs: number }> = {};
  for (const pk of keys.usageShards(tenantId, day)) {
    const { Items } = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    for (const row of Items ?? []) {
      const f = (byFunction[row.functionName as string] ??= { invocations: 0, readUnits: 0, writeUnits: 0, billedMs: 0 });
      f.invocations += row.invocations as number;
      f.readUnits += row.readUnits as number;
      f.writeUnits += row.writeUnits as number;
      f.billedMs += row.billedMs as number;
    }
  }
  return byFunction;
}

/** The webhook's own work per comment, without I/O: verify, parse, validate, extract, analyse. */
async function inFunctionWork(n: number) {
  const secret = 'bench-secret';
  const bodies = Array.from({ length: 200 }, (_, i) =>
    Buffer.from(pageDelivery('1', [feedComment({ pageId: '1', fromId: `p${i}`, message: i % 2 ? 'Love the new jacket, great fit!' : 'Mi pedido no llegó, pésimo servicio 😡' })])),
  );
  const signatures = bodies.map((b) => metaSignature(secret, b).slice('sha256='.length));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const k = i % bodies.length;
    if (!hmacMatches({ algorithm: 'sha256', secrets: [secret], signed: bodies[k]!, provided: signatures[k]!, encoding: 'hex' })) throw new Error('bad');
    const { signals } = extractMetaSignals(MetaDelivery.parse(JSON.parse(bodies[k]!.toString('utf8'))), ['1']);
    await lexiconTextAnalyzer.analyze(signals.map((s) => s.text ?? ''));
  }
  return n / ((performance.now() - t0) / 1000);
}

async function main() {
  const cpuRate = await inFunctionWork(20_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'social-crm-bench-'));
  console.log(`Social CRM benchmark: ${COMMENTS} Facebook comments, ${CONCURRENCY} concurrent deliveries`);
  const runtime = await startLocalRuntime({ port: 0, dataDir });
  const tenant = runtime.credentials.tenants[0]!;
  const page = tenant.accounts.facebook;
  const authors = Math.max(1, Math.floor(COMMENTS / 4)); // four comments per person on average

  // warm-up: load modules, open connections
  for (let i = 0; i < 20; i++) await send(i, true);

  // phase 1: one delivery at a time, for latency without queueing
  const latencies: number[] = [];
  const LATENCY_SAMPLES = Math.min(200, COMMENTS);
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = performance.now();
    await send(1_000_000 + i, false);
    latencies.push(performance.now() - t0);
  }
  await runtime.drain(120_000);

  // phase 2: CONCURRENCY deliveries in flight, for throughput
  const concurrentLatencies: number[] = [];
  let next = 0;
  async function worker() {
    while (next < COMMENTS) {
      const i = next++;
      const t0 = performance.now();
      await send(i, false);
      concurrentLatencies.push(performance.now() - t0);
    }
  }
  async function send(i: number, warmup: boolean) {
    const body = pageDelivery(page, [
      feedComment({ pageId: page, fromId: `${warmup ? 'w' : 'p'}${i % authors}`, message: i % 3 ? 'Love the new jacket, great fit!' : 'Mi pedido no llegó, pésimo servicio 😡', commentId: `${warmup ? 'w' : 'c'}_${i}` }),
    ]);
    const res = await fetch(`${runtime.url}/webhooks/${tenant.tenantId}/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(tenant.secrets.meta.appSecret, body) },
      body,
    });
    if (res.status !== 200) throw new Error(`delivery ${i} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  const before = await usageOf(tenant.tenantId);
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ingestSeconds = (performance.now() - started) / 1000;
  await runtime.drain(120_000);
  const totalSeconds = (performance.now() - started) / 1000;
  const after = await usageOf(tenant.tenantId);

  latencies.sort((a, b) => a - b);
  concurrentLatencies.sort((a, b) => a - b);
  const delta = (fn: string, field: 'writeUnits' | 'readUnits' | 'billedMs' | 'invocations') => (after[fn]?.[field] ?? 0) - (before[fn]?.[field] ?? 0);
  const rows: [string, string][] = [
    ['in-function work (verify+parse+analyse, no I/O)', `${cpuRate.toFixed(0)} comments/s on one core`],
    ['webhook throughput', `${(COMMENTS / ingestSeconds).toFixed(0)} comments/s (${ingestSeconds.toFixed(1)} s)`],
    ['end to end (incl. activity consumer)', `${(COMMENTS / totalSeconds).toFixed(0)} comments/s (${totalSeconds.toFixed(1)} s)`],
    ['webhook latency p50 / p99, one at a time', `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`],
    [`webhook latency p50 / p99, ${CONCURRENCY} in flight`, `${percentile(concurrentLatencies, 50).toFixed(1)} / ${percentile(concurrentLatencies, 99).toFixed(1)} ms`],
    ['DynamoDB write units per comment (webhook)', (delta('MetaWebhook', 'writeUnits') / COMMENTS).toFixed(2)],
    ['DynamoDB read units per comment (webhook)', (delta('MetaWebhook', 'readUnits') / COMMENTS).toFixed(2)],
    ['DynamoDB write units per comment (activity consumer)', (delta('CustomerActivity', 'writeUnits') / COMMENTS).toFixed(2)],
    ['billed ms per comment (webhook)', (delta('MetaWebhook', 'billedMs') / COMMENTS).toFixed(1)],
    ['process RSS', `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (runtime + load generator, one process)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
