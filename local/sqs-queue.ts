/**
 * In-process queue with Amazon SQS *standard queue* semantics, plus a poller that behaves like
 * Lambda's SQS event source mapping. Used by the local runtime to drive the same handlers the
 * cloud runs.
 *
 * Queue semantics (standard queue):
 *  - receive() returns only visible messages; each delivery increments the receive count, issues
 *    a fresh receipt handle (older handles become stale) and hides the message for the visibility
 *    timeout.
 *  - delete()/changeVisibility() with a stale or unknown receipt handle are silent no-ops.
 *  - Redrive: with `deadLetter` + `maxReceiveCount`, a message that has already been received
 *    `maxReceiveCount` times is moved to the DLQ when a receive would deliver it again. The moved
 *    message keeps its messageId, body, attributes, SentTimestamp and receive count, and gets the
 *    DeadLetterQueueSourceArn attribute.
 *  - Delivery order is insertion order (SQS only promises best effort), at-least-once.
 *
 * Persistence (`persistDir`): an append-only JSON-lines log per queue (`<dir>/<name>.sqs.jsonl`).
 * Every state change that must survive a restart (send, receive count, delete, redrive) is appended
 * synchronously before the call resolves. On open the log is replayed and compacted (write to temp
 * file, fsync, rename); it is also compacted when it grows well beyond the live message count.
 * In-flight state is not persisted: after a restart every undeleted message is visible again.
 * Appends are not fsynced unless `fsync: true` (they survive a process crash, not an OS crash).
 * One LocalQueue instance per (dir, name) at a time.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  SQSBatchResponse,
  SQSEvent,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';
const SENDER_ID = 'AIDALOCALSQSSENDER000';
const MAX_VISIBILITY_SECONDS = 43_200; // 12 hours, as SQS
const MAX_MESSAGE_ATTRIBUTES = 10; // as SQS
const QUEUE_NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME_RE = /^[A-Za-z0-9_.-]{1,256}$/;

export interface QueueOptions {
  /** Queue name, e.g. 'social-crm-analytics' (1-80 chars of [A-Za-z0-9_-], as SQS). */
  name: string;
  /** Default visibility timeout; fractions allowed so tests can use e.g. 0.05. 0..43200. */
  visibilityTimeoutSeconds: number;
  /** Redrive policy: with deadLetter, move to the DLQ after this many receives (1..1000). */
  maxReceiveCount?: number;
  deadLetter?: LocalQueue;
  /** When set, messages survive a process restart (see file header). */
  persistDir?: string;
  /** fsync every append to the persistence log (default false). */
  fsync?: boolean;
  /** Injectable clock in ms, default Date.now. */
  now?: () => number;
}

/** Internal state of a message, as returned (copied) by peekAll(). */
export interface StoredMessage {
  messageId: string;
  body: string;
  /** String message attributes given to send(). */
  messageAttributes: Record<string, string>;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | null;
  /** Clock ms at which the message is visible again; <= now means visible. */
  visibleAt: number;
  /** Receipt handle of the latest receive, null if never received since (re)load. */
  receiptHandle: string | null;
  /** Set on messages moved here by a redrive policy. */
  deadLetterQueueSourceArn?: string;
}

/** A message as returned by receive(); field names match the Lambda SQS record. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  attributes: SQSRecordAttributes;
  messageAttributes: SQSMessageAttributes;
}

/** A line of the persistence log. */
type LogEntry =
  | { op: 'put'; m: PersistedMessage }
  | { op: 'recv'; id: string; rc: number; fr: number }
  | { op: 'del'; id: string };

interface PersistedMessage {
  id: string;
  body: string;
  attrs: Record<string, string>;
  sent: number;
  rc: number;
  fr: number | null;
  dlqSrc?: string;
}

function md5Hex(data: string): string {
  return createHash('md5').update(data, 'utf8').digest('hex');
}

/** MD5 of message attributes as SQS computes it (names sorted; length-prefixed UTF-8 fields). */
export function md5OfMessageAttributes(attrs: Record<string, string>): string | undefined {
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const field = (value: string): void => {
    const bytes = Buffer.from(value, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len);
    hash.update(bytes);
  };
  for (const name of names) {
    field(name);
    field('String');
    hash.update(Buffer.from([1])); // transport type: 1 = String/Number
    field(attrs[name] as string);
  }
  return hash.digest('hex');
}

function validateVisibility(seconds: number, what: string): void {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
    throw new RangeError(`${what} must be between 0 and ${MAX_VISIBILITY_SECONDS} seconds, got ${String(seconds)}`);
  }
}

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly region = LOCAL_REGION;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetter: LocalQueue | undefined;

  private readonly now: () => number;
  /** Insertion-ordered: iteration order is delivery order. */
  private readonly messages = new Map<string, StoredMessage>();
  /** Current (latest) receipt handle -> messageId. Stale handles are removed. */
  private readonly handles = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly logFile: string | undefined;
  private readonly fsyncAppends: boolean;
  private opsSinceCompaction = 0;

  constructor(opts: QueueOptions) {
    if (!QUEUE_NAME_RE.test(opts.name)) {
      throw new Error(`invalid queue name ${JSON.stringify(opts.name)}: 1-80 characters of [A-Za-z0-9_-]`);
    }
    validateVisibility(opts.visibilityTimeoutSeconds, 'visibilityTimeoutSeconds');
    if ((opts.deadLetter === undefined) !== (opts.maxReceiveCount === undefined)) {
      throw new Error(`queue ${opts.name}: a redrive policy needs both deadLetter and maxReceiveCount`);
    }
    if (opts.maxReceiveCount !== undefined) {
      if (!Number.isInteger(opts.maxReceiveCount) || opts.maxReceiveCount < 1 || opts.maxReceiveCount > 1000) {
        throw new RangeError(`queue ${opts.name}: maxReceiveCount must be an integer 1..1000`);
      }
    }
    if (opts.deadLetter === this) throw new Error(`queue ${opts.name} cannot be its own dead-letter queue`);

    this.name = opts.name;
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${opts.name}`;
    this.visibilityTimeoutSeconds = opts.visibilityTimeoutSeconds;
    this.maxReceiveCount = opts.maxReceiveCount;
    this.deadLetter = opts.deadLetter;
    this.now = opts.now ?? Date.now;
    this.fsyncAppends = opts.fsync ?? false;

    if (opts.persistDir !== undefined) {
      fs.mkdirSync(opts.persistDir, { recursive: true });
      this.logFile = path.join(opts.persistDir, `${opts.name}.sqs.jsonl`);
      this.load();
    }
  }

  async send(body: string, attributes?: Record<string, string>): Promise<string> {
    if (typeof body !== 'string' || body.length === 0) {
      throw new Error(`queue ${this.name}: message body must be a non-empty string`);
    }
    const attrs = { ...(attributes ?? {}) };
    const names = Object.keys(attrs);
    if (names.length > MAX_MESSAGE_ATTRIBUTES) {
      throw new Error(`queue ${this.name}: at most ${MAX_MESSAGE_ATTRIBUTES} message attributes`);
    }
    for (const n of names) {
      if (!ATTRIBUTE_NAME_RE.test(n)) throw new Error(`queue ${this.name}: invalid message attribute name ${JSON.stringify(n)}`);
      if (typeof attrs[n] !== 'string') throw new Error(`queue ${this.name}: message attribute ${n} must be a string`);
    }
    const msg: StoredMessage = {
      messageId: randomUUID(),
      body,
      messageAttributes: attrs,
      sentTimestamp: this.now(),
      receiveCount: 0,
      firstReceiveTimestamp: null,
      visibleAt: 0,
      receiptHandle: null,
    };
    this.persist([{ op: 'put', m: toPersisted(msg) }]);
    this.messages.set(msg.messageId, msg);
    this.notify();
    return msg.messageId;
  }

  async receive(max: number): Promise<ReceivedMessage[]> {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`queue ${this.name}: receive max must be a positive integer`);
    const now = this.now();
    const out: ReceivedMessage[] = [];
    const log: LogEntry[] = [];
    const redriven: StoredMessage[] = [];
    for (const msg of this.messages.values()) {
      if (out.length >= max) break;
      if (msg.visibleAt > now) continue;
      if (this.deadLetter && this.maxReceiveCount !== undefined && msg.receiveCount >= this.maxReceiveCount) {
        redriven.push(msg);
        continue;
      }
      if (msg.receiptHandle !== null) this.handles.delete(msg.receiptHandle);
      msg.receiveCount += 1;
      msg.firstReceiveTimestamp ??= now;
      msg.visibleAt = now + this.visibilityTimeoutSeconds * 1000;
      msg.receiptHandle = randomBytes(24).toString('base64url');
      this.handles.set(msg.receiptHandle, msg.messageId);
      log.push({ op: 'recv', id: msg.messageId, rc: msg.receiveCount, fr: msg.firstReceiveTimestamp });
      out.push(this.toReceived(msg));
    }
    // Redrive: the DLQ records the message before this queue forgets it (a crash in between
    // duplicates rather than loses it).
    for (const msg of redriven) {
      this.deadLetter!.acceptRedriven(msg, this.arn);
      this.forget(msg);
      log.push({ op: 'del', id: msg.messageId });
    }
    this.persist(log);
    return out;
  }

  async delete(receiptHandle: string): Promise<void> {
    const id = this.handles.get(receiptHandle);
    if (id === undefined) return; // stale, unknown, or already deleted: ignored
    const msg = this.messages.get(id);
    if (msg === undefined) return;
    this.persist([{ op: 'del', id }]);
    this.forget(msg);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    validateVisibility(seconds, 'visibility timeout');
    const id = this.handles.get(receiptHandle);
    if (id === undefined) return; // stale or unknown: ignored
    const msg = this.messages.get(id);
    if (msg === undefined) return;
    msg.visibleAt = this.now() + seconds * 1000;
    this.notify();
  }

  depth(): { visible: number; inFlight: number } {
    const now = this.now();
    let visible = 0;
    let inFlight = 0;
    for (const msg of this.messages.values()) {
      if (msg.visibleAt > now) inFlight++;
      else visible++;
    }
    return { visible, inFlight };
  }

  peekAll(): StoredMessage[] {
    return [...this.messages.values()].map((m) => ({ ...m, messageAttributes: { ...m.messageAttributes } }));
  }

  /** Milliseconds (queue clock) until the next in-flight message becomes visible; null if none in flight. */
  msUntilNextVisible(): number | null {
    const now = this.now();
    let min: number | null = null;
    for (const msg of this.messages.values()) {
      if (msg.visibleAt > now && (min === null || msg.visibleAt - now < min)) min = msg.visibleAt - now;
    }
    return min;
  }

  /** Called whenever a message may have become receivable (send, redrive in, visibility change). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- internals ----

  private acceptRedriven(src: StoredMessage, sourceArn: string): void {
    const msg: StoredMessage = {
      ...src,
      messageAttributes: { ...src.messageAttributes },
      visibleAt: 0,
      receiptHandle: null,
      deadLetterQueueSourceArn: sourceArn,
    };
    this.persist([{ op: 'put', m: toPersisted(msg) }]);
    this.messages.set(msg.messageId, msg);
    this.notify();
  }

  private forget(msg: StoredMessage): void {
    if (msg.receiptHandle !== null) this.handles.delete(msg.receiptHandle);
    this.messages.delete(msg.messageId);
  }

  private toReceived(msg: StoredMessage): ReceivedMessage {
    const attributes: SQSRecordAttributes = {
      ApproximateReceiveCount: String(msg.receiveCount),
      SentTimestamp: String(msg.sentTimestamp),
      SenderId: SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(msg.firstReceiveTimestamp ?? msg.sentTimestamp),
    };
    if (msg.deadLetterQueueSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = msg.deadLetterQueueSourceArn;
    const messageAttributes: SQSMessageAttributes = {};
    for (const [k, v] of Object.entries(msg.messageAttributes)) {
      messageAttributes[k] = { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' };
    }
    const received: ReceivedMessage = {
      messageId: msg.messageId,
      receiptHandle: msg.receiptHandle as string,
      body: msg.body,
      md5OfBody: md5Hex(msg.body),
      attributes,
      messageAttributes,
    };
    const attrsMd5 = md5OfMessageAttributes(msg.messageAttributes);
    if (attrsMd5 !== undefined) received.md5OfMessageAttributes = attrsMd5;
    return received;
  }

  private notify(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // a listener must not break the queue
      }
    }
  }

  private persist(entries: LogEntry[]): void {
    if (this.logFile === undefined || entries.length === 0) return;
    const data = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const fd = fs.openSync(this.logFile, 'a');
    try {
      fs.writeSync(fd, data);
      if (this.fsyncAppends) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.opsSinceCompaction += entries.length;
    if (this.opsSinceCompaction > 1000 && this.opsSinceCompaction > 2 * this.messages.size) this.compact();
  }

  /** Rewrite the log as one 'put' per live message: temp file, fsync, rename, fsync dir. */
  private compact(): void {
    const file = this.logFile;
    if (file === undefined) return;
    const tmp = `${file}.tmp`;
    const data = [...this.messages.values()].map((m) => JSON.stringify({ op: 'put', m: toPersisted(m) }) + '\n').join('');
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    try {
      const dirFd = fs.openSync(path.dirname(file), 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    } catch {
      // directory fsync is not supported everywhere; the rename itself is atomic
    }
    this.opsSinceCompaction = 0;
  }

  private load(): void {
    const file = this.logFile as string;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch (err) {
        // A torn final line is what a crash mid-append leaves behind: skip it. Anything else is corruption.
        if (lines.slice(i + 1).every((l) => l.trim() === '')) return;
        throw new Error(`queue ${this.name}: corrupt persistence log ${file} at line ${i + 1}`, { cause: err });
      }
      if (entry.op === 'put') {
        const m = entry.m;
        const msg: StoredMessage = {
          messageId: m.id,
          body: m.body,
          messageAttributes: m.attrs,
          sentTimestamp: m.sent,
          receiveCount: m.rc,
          firstReceiveTimestamp: m.fr,
          visibleAt: 0, // in-flight state is not persisted: visible again after restart
          receiptHandle: null,
        };
        if (m.dlqSrc !== undefined) msg.deadLetterQueueSourceArn = m.dlqSrc;
        this.messages.set(msg.messageId, msg);
      } else if (entry.op === 'recv') {
        const msg = this.messages.get(entry.id);
        if (msg) {
          msg.receiveCount = entry.rc;
          msg.firstReceiveTimestamp = entry.fr;
        }
      } else if (entry.op === 'del') {
        this.messages.delete(entry.id);
      }
    });
    this.compact();
  }
}

function toPersisted(msg: StoredMessage): PersistedMessage {
  const p: PersistedMessage = {
    id: msg.messageId,
    body: msg.body,
    attrs: msg.messageAttributes,
    sent: msg.sentTimestamp,
    rc: msg.receiveCount,
    fr: msg.firstReceiveTimestamp,
  };
  if (msg.deadLetterQueueSourceArn !== undefined) p.dlqSrc = msg.deadLetterQueueSourceArn;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Poller: Lambda SQS event source mapping
// ---------------------------------------------------------------------------------------------

export interface PollerOptions {
  /** Max records per handler invocation. */
  batchSize: number;
  /** Keep collecting for up to this long (after the first message) until batchSize is reached. Default 0. */
  maxBatchingWindowMs?: number;
  /** FunctionResponseTypes: ['ReportBatchItemFailures']. */
  reportBatchItemFailures: boolean;
  /** Upper bound on the idle wait between polls (sends wake the poller at once). Default 50. */
  pollIntervalMs?: number;
  /** Bound on one invocation (real ms); default the queue's visibility timeout. Past it the batch counts as failed. */
  invocationTimeoutMs?: number;
  /** Called when the handler throws/rejects (the whole batch is retried). Default: console.error. */
  onError?: (error: unknown, event: SQSEvent) => void;
  /** Called for a response Lambda would ignore or treat as a failure. Default: console.warn. */
  onWarning?: (message: string, event: SQSEvent) => void;
}

export interface DrainOptions {
  /** Reject if the queue has not settled within this many ms (real time). Default 10_000. */
  timeoutMs?: number;
}

export interface Poller {
  /** Stop polling; resolves when the in-progress batch (if any) has finished. */
  stop(): Promise<void>;
  /**
   * Resolve once the queue has no visible and no in-flight messages and no batch is running,
   * waiting through visibility timeouts (with an injected clock, advance it meanwhile).
   * Rejects after `timeoutMs`, or at once if the poller is stopped while messages remain.
   */
  drain(opts?: DrainOptions): Promise<void>;
}

/** The handler did not settle within the visibility timeout (Lambda's "Task timed out"). */
export class InvocationTimeoutError extends Error {
  override name = 'InvocationTimeoutError';
  constructor(queueName: string, ms: number) {
    super(`handler for ${queueName} did not finish within ${ms} ms; its messages will be delivered again`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function startPoller(
  queue: LocalQueue,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  opts: PollerOptions,
): Poller {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 10_000) {
    throw new RangeError('batchSize must be an integer 1..10000');
  }
  const windowMs = opts.maxBatchingWindowMs ?? 0;
  const pollIntervalMs = opts.pollIntervalMs ?? 50;
  const onError =
    opts.onError ?? ((err: unknown) => console.error(`[local-sqs ${queue.name}] handler failed; batch will be retried`, err));
  const onWarning = opts.onWarning ?? ((msg: string) => console.warn(`[local-sqs ${queue.name}] ${msg}`));

  let stopped = false;
  let busy = false;
  let wake: (() => void) | null = null;
  const unsubscribe = queue.subscribe(() => wake?.());

  /** Wait up to `ms` (real time) or until the queue signals activity or stop() is called. */
  const waitForActivity = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const idleWait = (): number => {
    const next = queue.msUntilNextVisible();
    return next === null ? pollIntervalMs : Math.min(pollIntervalMs, Math.max(1, next));
  };

  async function collectBatch(): Promise<ReceivedMessage[]> {
    const batch = await queue.receive(opts.batchSize);
    if (batch.length === 0 || windowMs <= 0) return batch;
    const deadline = Date.now() + windowMs;
    while (!stopped && batch.length < opts.batchSize) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await waitForActivity(Math.min(remaining, idleWait()));
      batch.push(...(await queue.receive(opts.batchSize - batch.length)));
    }
    return batch;
  }

  async function processBatch(batch: ReceivedMessage[]): Promise<void> {
    const records: SQSRecord[] = batch.map((m) => {
      const record: SQSRecord = {
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: { ...m.attributes },
        messageAttributes: m.messageAttributes,
        md5OfBody: m.md5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: queue.region,
      };
      if (m.md5OfMessageAttributes !== undefined) record.md5OfMessageAttributes = m.md5OfMessageAttributes;
      return record;
    });
    const event: SQSEvent = { Records: records };

    let response: unknown;
    try {
      response = await withinVisibility(handler(event));
    } catch (err) {
      onError(err, event);
      return; // whole batch becomes visible again after the visibility timeout
    }

    const failures = (response as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) {
      await deleteAll(batch);
      return;
    }
    if (!opts.reportBatchItemFailures) {
      // Lambda ignores the response unless ReportBatchItemFailures is enabled: the invocation
      // succeeded, so every message is deleted (in the cloud these "failures" are lost).
      onWarning(
        'handler returned batchItemFailures but reportBatchItemFailures is off; as Lambda does, the response is ignored and the whole batch deleted',
        event,
      );
      await deleteAll(batch);
      return;
    }
    if (!Array.isArray(failures)) {
      onWarning('batchItemFailures is not an array; treating the whole batch as failed', event);
      return;
    }
    const ids = new Set(batch.map((m) => m.messageId));
    const failed = new Set<string>();
    for (const f of failures as unknown[]) {
      const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || id === '' || !ids.has(id)) {
        onWarning(`invalid itemIdentifier ${JSON.stringify(id)} in batchItemFailures; treating the whole batch as failed`, event);
        return;
      }
      failed.add(id);
    }
    await deleteAll(batch.filter((m) => !failed.has(m.messageId)));
  }

  /**
   * The invocation is bounded by the queue's visibility timeout, as Lambda bounds it by the function timeout: a
   * handler that hangs (or whose promise never settles) counts as failed once its messages are visible again, so
   * the poller goes on and redelivers them (then dead-letters them after maxReceiveCount) exactly as SQS does.
   * A late settlement changes nothing: its receipt handles are stale by then.
   */
  function withinVisibility<T>(invocation: Promise<T>): Promise<T> {
    const limitMs = opts.invocationTimeoutMs ?? queue.visibilityTimeoutSeconds * 1000;
    if (!(limitMs > 0)) return invocation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvocationTimeoutError(queue.name, limitMs)), limitMs);
    });
    invocation.catch(() => undefined); // an abandoned invocation that rejects later is not an unhandled rejection
    return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
  }

  async function deleteAll(messages: ReceivedMessage[]): Promise<void> {
    for (const m of messages) await queue.delete(m.receiptHandle);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      const batch = await collectBatch();
      if (batch.length === 0) {
        await waitForActivity(idleWait());
        continue;
      }
      busy = true;
      try {
        await processBatch(batch);
      } finally {
        busy = false;
      }
    }
  }

  const running = loop().catch((err: unknown) => {
    // Only queue errors (e.g. persistence I/O) get here; stop polling rather than spin.
    stopped = true;
    console.error(`[local-sqs ${queue.name}] poller stopped by an unexpected error`, err);
  });

  return {
    async stop(): Promise<void> {
      stopped = true;
      wake?.();
      await running;
      unsubscribe();
    },
    async drain(drainOpts?: DrainOptions): Promise<void> {
      const timeoutMs = drainOpts?.timeoutMs ?? 10_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = queue.depth();
        if (d.visible === 0 && d.inFlight === 0 && !busy) return;
        if (stopped) {
          throw new Error(`drain: poller for ${queue.name} is stopped with ${d.visible} visible and ${d.inFlight} in-flight messages`);
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `drain: ${queue.name} not settled after ${timeoutMs} ms (${d.visible} visible, ${d.inFlight} in flight${busy ? ', batch running' : ''})`,
          );
        }
        await sleep(Math.min(5, Math.max(0, deadline - Date.now())));
      }
    },
  };
}
