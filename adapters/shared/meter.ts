/**
 * Per-invocation usage meter. The shared handler chain opens one per invocation; the DynamoDB client, the
 * event publisher, the message senders, the secret readers and the log writer add to whichever meter is
 * current (AsyncLocalStorage), so no use case has to pass it around. At the end of the invocation the chain
 * hands the meter to the usage buffer (adapters/usage.ts), which flushes it to the counters off the reply.
 *
 * Every count is one billable dimension of the architecture (DIMENSIONS), kept per campaign where the work
 * is for one. Counts the code cannot observe are derived, and said so where they are added:
 * - httpRequests: one API Gateway request per HTTP invocation;
 * - sqsSends: one SendMessage per published event and per rule that routes it to a queue (EventBridge's
 *   delivery to SQS is an SQS request billed to us);
 * - sqsReceives, sqsDeletes: one ReceiveMessage and one DeleteMessageBatch per batch the consumer is given
 *   (the empty long polls of Lambda's pollers are shared, unmetered cost: see the finance README);
 * - logBytes: what this process writes to stdout/stderr during the invocation, plus Lambda's own
 *   START/END/REPORT lines (LAMBDA_PLATFORM_LOG_BYTES).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The dimensions with fixed names; messages add `sms_<country>` and `whatsapp_<category>_<country>`. */
export const DIMENSIONS = [
  'invocations',
  'billedMs',
  'mbMs',
  'httpRequests',
  'readUnits',
  'writeUnits',
  'eventsPublished',
  'sqsSends',
  'sqsReceives',
  'sqsDeletes',
  'sfnTransitions',
  'emails',
  'logBytes',
  'secretsCalls',
] as const;
export type FixedDimension = (typeof DIMENSIONS)[number];
/** `n_<DetailType>`: business events published (not billed by themselves; the denominators of unit costs). */
export type Dimension = FixedDimension | `sms_${string}` | `whatsapp_${string}_${string}` | `n_${string}`;

/** Bytes Lambda itself writes to the function's log per invocation (START, END and REPORT lines, ~100 B each). */
export const LAMBDA_PLATFORM_LOG_BYTES = 300;

/** The campaign-less bucket of a meter. */
const NO_CAMPAIGN = '';

export type Counts = Map<string, number>;

export class Meter {
  tenantId: string | undefined;
  /** The campaign the invocation works for, if any: counts without an explicit campaign go there. */
  campaignId: string | undefined;
  /** campaignId ('' for none) → dimension → count. */
  readonly buckets = new Map<string, Counts>();
  /** Customers the invocation's events named (active customers per month, for unit costs). */
  readonly customers = new Set<string>();
  constructor(
    readonly functionName: string,
    readonly startedAt: number,
    readonly feature: string = 'api',
  ) {}

  add(dimension: Dimension, n: number, campaignId = this.campaignId): void {
    if (!Number.isFinite(n) || n === 0) return;
    const bucketKey = campaignId ?? NO_CAMPAIGN;
    let bucket = this.buckets.get(bucketKey);
    if (!bucket) this.buckets.set(bucketKey, (bucket = new Map()));
    bucket.set(dimension, (bucket.get(dimension) ?? 0) + n);
  }

  /** A dimension's total over every campaign bucket. */
  total(dimension: Dimension): number {
    let sum = 0;
    for (const bucket of this.buckets.values()) sum += bucket.get(dimension) ?? 0;
    return sum;
  }

  /** The figures the first metering step kept (tests and the benchmark read them). */
  get usage(): { readUnits: number; writeUnits: number; eventsPublished: number } {
    return { readUnits: this.total('readUnits'), writeUnits: this.total('writeUnits'), eventsPublished: this.total('eventsPublished') };
  }
}

const storage = new AsyncLocalStorage<Meter>();

export function runMetered<T>(meter: Meter, fn: () => Promise<T>): Promise<T> {
  return storage.run(meter, fn);
}

export function currentMeter(): Meter | undefined {
  return storage.getStore();
}

/** Work done outside any invocation's meter but for a known tenant (handed to the usage buffer). */
type Orphan = (tenantId: string, dimension: Dimension, n: number, campaignId: string | undefined) => void;
let orphanSink: Orphan | undefined;
export function setOrphanUsageSink(sink: Orphan | undefined): void {
  orphanSink = sink;
}

/**
 * The metering API for other contexts: `meter.add('sfnTransitions', 7, { campaignId })`. Adds to the current
 * invocation's meter; outside one (a Step Functions task that runs no chain), to the named tenant directly.
 */
export const meter = {
  add(dimension: Dimension, n: number, options: { campaignId?: string; tenantId?: string } = {}): void {
    const current = currentMeter();
    if (current && (!options.tenantId || options.tenantId === current.tenantId)) {
      current.add(dimension, n, options.campaignId ?? current.campaignId);
      return;
    }
    const tenantId = options.tenantId ?? current?.tenantId;
    if (tenantId && orphanSink) orphanSink(tenantId, dimension, n, options.campaignId ?? current?.campaignId);
  },
};

interface CapacityLike {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * Adds a response's ConsumedCapacity. DynamoDB reports read and write units separately for some calls
 * and only CapacityUnits for others; a single-item read or write reports just the total, so the
 * operation tells which kind it was. Transactions are reported as DynamoDB counts them (2 units per item).
 */
export function addConsumedCapacity(kind: 'read' | 'write', consumed: CapacityLike | CapacityLike[] | undefined): void {
  const current = currentMeter();
  if (!current || !consumed) return;
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      current.add('readUnits', c.ReadCapacityUnits ?? 0);
      current.add('writeUnits', c.WriteCapacityUnits ?? 0);
    } else current.add(kind === 'read' ? 'readUnits' : 'writeUnits', c.CapacityUnits ?? 0);
  }
}

/** How many queues the bus routes an event to (wiring/finance decides from the rules); set once at load. */
let queueTargets: ((event: { source: string; detailType: string; detail: unknown }) => number) | undefined;
export function setQueueTargetCounter(counter: typeof queueTargets): void {
  queueTargets = counter;
}

/** Events put on the bus: one EventBridge event each, and one SQS send per rule that targets a queue. */
export function addEventsPublished(events: number | readonly { source: string; detailType: string; detail: unknown }[]): void {
  const current = currentMeter();
  if (!current) return;
  if (typeof events === 'number') {
    current.add('eventsPublished', events);
    return;
  }
  current.add('eventsPublished', events.length);
  for (const e of events) {
    current.add(`n_${e.detailType}`, 1);
    const customerId = (e.detail as { data?: { customerId?: unknown } } | undefined)?.data?.customerId;
    if (typeof customerId === 'string') current.customers.add(customerId);
  }
  if (queueTargets) current.add('sqsSends', events.reduce((n, e) => n + queueTargets!(e), 0));
}

/** One call of a metered kind (Secrets Manager reads and writes). */
export function addCall(dimension: 'secretsCalls', n = 1): void {
  currentMeter()?.add(dimension, n);
}

let logMeterInstalled = false;
/**
 * Counts what the function writes to its log: in Lambda, stdout and stderr are the log stream. The write
 * is synchronous inside the invocation's async context, so the bytes land on the right meter.
 */
export function installLogMeter(): void {
  if (logMeterInstalled) return;
  logMeterInstalled = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const current = currentMeter();
      if (current) current.add('logBytes', typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).byteLength ?? 0);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
