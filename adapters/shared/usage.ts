/**
 * The usage buffer: each invocation's meter is added to a per-container aggregate (no I/O), and the aggregate
 * is written to the tenants' usage counters (access pattern 11) off the reply:
 * - when its oldest count is FLUSH_INTERVAL_MS old or it holds FLUSH_MAX_INVOCATIONS invocations, the chain
 *   starts a flush after the handler's answer is made and does not wait for it;
 * - at shutdown (SIGTERM in Lambda when the runtime gets one; `stop()` and `drain()` of the local runtime).
 * A failed flush puts its counts back, so they go with the next one.
 *
 * Error bound (what can be lost): only a container that ends without a shutdown signal (crash, timeout,
 * an idle container reaped without an extension registered) loses its unflushed tail: at most
 * FLUSH_MAX_INVOCATIONS invocations or FLUSH_INTERVAL_MS of its work, whichever is less. A Lambda
 * container serves thousands of invocations in its life, so the loss is below 1/10 of a percent of a
 * busy tenant's counts; the reconciliation with the bill shares the billed total out in proportion to the
 * counts, so the tenant totals still add up to the bill.
 *
 * Counters are ADDed, so concurrent flushes never overwrite each other; each write goes to a random shard
 * of the tenant's day, and readers sum the shards.
 */
import { createHash } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, randomShard, shardOf, SHARDS, dayOf } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';
import { setOrphanUsageSink, type Counts, type Dimension, type Meter } from './meter.js';

export const FLUSH_INTERVAL_MS = Number(process.env.USAGE_FLUSH_INTERVAL_MS ?? 10_000);
export const FLUSH_MAX_INVOCATIONS = Number(process.env.USAGE_FLUSH_MAX_INVOCATIONS ?? 200);

interface Aggregate {
  tenantId: string;
  day: string;
  functionName: string;
  feature: string;
  campaignId: string | undefined;
  memoryMb: number;
  counts: Counts;
}

const ALWAYS = ['invocations', 'billedMs', 'mbMs', 'readUnits', 'writeUnits', 'eventsPublished'];

let pending = new Map<string, Aggregate>();
/** tenant \u0000 month → customers named by events since the last flush. */
let pendingCustomers = new Map<string, Set<string>>();
/** tenant \u0000 month \u0000 customer already written by this container (written once per container and month). */
const writtenCustomers = new Set<string>();
let pendingInvocations = 0;
let oldestAt: number | undefined;
let inFlight: Promise<void> | undefined;
/** (day, tenant) pairs already marked active by this container. */
const markedActive = new Set<string>();

function aggregateFor(a: Omit<Aggregate, 'counts'>): Aggregate {
  const id = [a.tenantId, a.day, a.functionName, a.feature, a.campaignId ?? ''].join('\u0000');
  let existing = pending.get(id);
  if (!existing) pending.set(id, (existing = { ...a, counts: new Map() }));
  return existing;
}

function addCounts(into: Counts, from: Counts): void {
  for (const [dimension, n] of from) into.set(dimension, (into.get(dimension) ?? 0) + n);
}

/** Adds a finished invocation's meter to the buffer (synchronous: nothing on the reply's path). */
export function collectUsage(meter: Meter, memoryMb: number, at = new Date(), now = Date.now()): void {
  if (!meter.tenantId) return;
  const day = dayOf(at.toISOString());
  for (const [campaignId, counts] of meter.buckets) {
    const aggregate = aggregateFor({ tenantId: meter.tenantId, day, functionName: meter.functionName, feature: meter.feature, campaignId: campaignId || undefined, memoryMb });
    addCounts(aggregate.counts, counts);
  }
  if (meter.customers.size > 0) {
    const month = `${meter.tenantId}\u0000${day.slice(0, 7)}`;
    let set = pendingCustomers.get(month);
    if (!set) pendingCustomers.set(month, (set = new Set()));
    for (const c of meter.customers) if (!writtenCustomers.has(`${month}\u0000${c}`)) set.add(c);
  }
  pendingInvocations += 1;
  oldestAt ??= now;
}

/** Work for a tenant outside any invocation's meter (meter.add with a tenantId). */
setOrphanUsageSink((tenantId: string, dimension: Dimension, n: number, campaignId: string | undefined) => {
  const aggregate = aggregateFor({ tenantId, day: dayOf(new Date().toISOString()), functionName: 'direct', feature: 'campaigns', campaignId, memoryMb: 0 });
  aggregate.counts.set(dimension, (aggregate.counts.get(dimension) ?? 0) + n);
  oldestAt ??= Date.now();
});

export function flushDue(now = Date.now()): boolean {
  return oldestAt !== undefined && (now - oldestAt >= FLUSH_INTERVAL_MS || pendingInvocations >= FLUSH_MAX_INVOCATIONS);
}

/** What the buffer holds (tests and the benchmark). */
export function pendingUsage(): { aggregates: number; invocations: number } {
  return { aggregates: pending.size, invocations: pendingInvocations };
}

/** Writes everything buffered; concurrent callers share one flush, then a later call flushes what came since. */
export async function flushUsage(): Promise<void> {
  while (inFlight) await inFlight;
  if (pending.size === 0 && pendingCustomers.size === 0) return;
  const batch = pending;
  const customers = pendingCustomers;
  pending = new Map();
  pendingCustomers = new Map();
  pendingInvocations = 0;
  oldestAt = undefined;
  inFlight = Promise.all([writeAll([...batch.values()]), writeCustomers(customers)]).then(() => undefined).finally(() => {
    inFlight = undefined;
  });
  await inFlight;
}

/** Starts a flush if one is due, without waiting for it (the chain calls it once the answer is made). */
export function flushIfDue(onError: (error: unknown) => void): void {
  if (!flushDue()) return;
  flushUsage().catch(onError);
}

async function writeAll(aggregates: Aggregate[]): Promise<void> {
  const failed: Aggregate[] = [];
  let firstError: unknown;
  await Promise.all(
    aggregates.map(async (a) => {
      try {
        await writeAggregate(a);
      } catch (error) {
        failed.push(a);
        firstError ??= error;
      }
    }),
  );
  if (failed.length === 0) return;
  // nothing lost: the counts go back into the buffer and leave with the next flush
  for (const a of failed) addCounts(aggregateFor(a).counts, a.counts);
  oldestAt ??= Date.now();
  throw firstError;
}

async function writeAggregate(a: Aggregate): Promise<void> {
  const names: Record<string, string> = { '#day': 'day' };
  const values: Record<string, unknown> = {
    ':entity': 'Usage',
    ':tenant': a.tenantId,
    ':day': a.day,
    ':fn': a.functionName,
    ':feature': a.feature,
    ':mem': a.memoryMb,
  };
  const adds: string[] = [];
  let i = 0;
  // the first figures are always present on an item (readers that sum them need no default)
  const counts = new Map<string, number>(ALWAYS.map((d) => [d, 0]));
  addCounts(counts, a.counts);
  for (const [dimension, n] of counts) {
    names[`#d${i}`] = dimension;
    values[`:d${i}`] = n;
    adds.push(`#d${i} :d${i}`);
    i++;
  }
  let set = 'SET entity = :entity, tenantId = :tenant, #day = :day, functionName = :fn, feature = :feature, memoryMb = :mem';
  if (a.campaignId) {
    set += ', campaignId = :campaign';
    values[':campaign'] = a.campaignId;
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.usage(a.tenantId, a.day, a.functionName, a.feature, a.campaignId, randomShard(SHARDS.usage)),
      UpdateExpression: `${set} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
  const active = `${tableName()}\u0000${a.day}\u0000${a.tenantId}`;
  if (!markedActive.has(active)) {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.activeTenant(a.day, a.tenantId),
        UpdateExpression: 'SET entity = :entity, tenantId = :tenant, #day = :day',
        ExpressionAttributeNames: { '#day': 'day' },
        ExpressionAttributeValues: { ':entity': 'ActiveTenant', ':tenant': a.tenantId, ':day': a.day },
      }),
    );
    markedActive.add(active);
  }
}

const customerDigest = (customerId: string) => createHash('sha256').update(`active-customer:${customerId}`).digest('base64url').slice(0, 22);

/** One PutItem per customer first seen in the month by this container (idempotent: a repeat overwrites). */
async function writeCustomers(customers: Map<string, Set<string>>): Promise<void> {
  const failed: [string, string][] = [];
  let firstError: unknown;
  for (const [tenantMonth, set] of customers) {
    const [tenantId, month] = tenantMonth.split('\u0000') as [string, string];
    await Promise.all(
      [...set].map(async (customerId) => {
        try {
          await documentClient().send(
            new PutCommand({
              TableName: tableName(),
              // a keyed digest, not the id: the marker says "someone was active", nothing about who
              Item: { ...keys.activeCustomer(tenantId, month, customerDigest(customerId), shardOf(customerId, SHARDS.usage)), entity: 'ActiveCustomer', tenantId, month },
            }),
          );
          if (writtenCustomers.size > 100_000) writtenCustomers.clear(); // bounded memory; a repeat write is harmless
          writtenCustomers.add(`${tenantMonth}\u0000${customerId}`);
        } catch (error) {
          failed.push([tenantMonth, customerId]);
          firstError ??= error;
        }
      }),
    );
  }
  if (failed.length === 0) return;
  for (const [tenantMonth, customerId] of failed) {
    let set = pendingCustomers.get(tenantMonth);
    if (!set) pendingCustomers.set(tenantMonth, (set = new Set()));
    set.add(customerId);
  }
  oldestAt ??= Date.now();
  throw firstError;
}

let shutdownHooked = false;
/**
 * Flush at shutdown. Lambda sends SIGTERM (with ~500 ms to act) to a runtime that has an extension registered;
 * the local runtime flushes from `stop()`.
 */
export function flushOnShutdown(): void {
  if (shutdownHooked || !process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  shutdownHooked = true;
  process.once('SIGTERM', () => {
    void flushUsage()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}

/** Forget what this container marked (tests that recreate the table). */
export function resetUsageBuffer(): void {
  pending = new Map();
  pendingCustomers = new Map();
  pendingInvocations = 0;
  oldestAt = undefined;
  markedActive.clear();
  writtenCustomers.clear();
}
