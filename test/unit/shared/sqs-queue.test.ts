import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { LocalQueue, startPoller, type Poller, type PollerOptions } from '../../../local/sqs-queue.js';

/** Manually advanced clock (ms). */
function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sqs-queue-test-'));
  tmpDirs.push(d);
  return d;
}

const pollers: Poller[] = [];
function poll(
  queue: LocalQueue,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  opts: Partial<PollerOptions> = {},
): Poller {
  const p = startPoller(queue, handler, {
    batchSize: 10,
    reportBatchItemFailures: true,
    pollIntervalMs: 1,
    onError: () => {},
    onWarning: () => {},
    ...opts,
  });
  pollers.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Handler wrapper that resolves `firstCall` after the first invocation returned. */
function once<T>(impl: (event: SQSEvent) => Promise<T>) {
  const events: SQSEvent[] = [];
  let signal!: () => void;
  const firstCall = new Promise<void>((r) => (signal = r));
  const handler = async (event: SQSEvent): Promise<T> => {
    events.push(event);
    try {
      return await impl(event);
    } finally {
      setImmediate(signal);
    }
  };
  return { handler, events, firstCall };
}

describe('LocalQueue', () => {
  it('has an SQS-style ARN', () => {
    const q = new LocalQueue({ name: 'social-crm-analytics', visibilityTimeoutSeconds: 30 });
    expect(q.arn).toBe('arn:aws:sqs:local:000000000000:social-crm-analytics');
  });

  it('hides a received message for the visibility timeout, then reveals it', async () => {
    const clock = fakeClock();
    const q = new LocalQueue({ name: 'vis', visibilityTimeoutSeconds: 30, now: clock.now });
    const id = await q.send('hello');

    const [first] = await q.receive(10);
    expect(first?.messageId).toBe(id);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 1 });
    expect(await q.receive(10)).toHaveLength(0);

    clock.advance(29_999);
    expect(await q.receive(10)).toHaveLength(0);

    clock.advance(1);
    expect(q.depth()).toEqual({ visible: 1, inFlight: 0 });
    const again = await q.receive(10);
    expect(again.map((m) => m.messageId)).toEqual([id]);
    expect(again[0]?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('receive returns at most max messages, in send order', async () => {
    const q = new LocalQueue({ name: 'order', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    for (let i = 0; i < 5; i++) await q.send(`m${i}`);
    expect((await q.receive(3)).map((m) => m.body)).toEqual(['m0', 'm1', 'm2']);
    expect((await q.receive(3)).map((m) => m.body)).toEqual(['m3', 'm4']);
  });

  it('increments the receive count on every receive and keeps the first receive timestamp', async () => {
    const clock = fakeClock();
    const q = new LocalQueue({ name: 'count', visibilityTimeoutSeconds: 1, now: clock.now });
    const sentAt = clock.now();
    await q.send('x', { tenant: 't1' });
    clock.advance(5);
    const firstReceiveAt = clock.now();

    for (let n = 1; n <= 3; n++) {
      const [m] = await q.receive(1);
      expect(m?.attributes.ApproximateReceiveCount).toBe(String(n));
      expect(m?.attributes.SentTimestamp).toBe(String(sentAt));
      expect(m?.attributes.ApproximateFirstReceiveTimestamp).toBe(String(firstReceiveAt));
      expect(m?.messageAttributes).toEqual({
        tenant: { stringValue: 't1', stringListValues: [], binaryListValues: [], dataType: 'String' },
      });
      clock.advance(1_000);
    }
    expect(q.peekAll()[0]?.receiveCount).toBe(3);
  });

  it('changeVisibility with the current handle re-times the message; 0 makes it visible now', async () => {
    const clock = fakeClock();
    const q = new LocalQueue({ name: 'chvis', visibilityTimeoutSeconds: 30, now: clock.now });
    await q.send('x');
    const [m] = await q.receive(1);
    await q.changeVisibility(m!.receiptHandle, 0);
    expect(q.depth()).toEqual({ visible: 1, inFlight: 0 });

    const [m2] = await q.receive(1);
    await q.changeVisibility(m2!.receiptHandle, 100);
    clock.advance(99_999);
    expect(q.depth().inFlight).toBe(1);
    clock.advance(1);
    expect(q.depth().visible).toBe(1);
    await expect(q.changeVisibility(m2!.receiptHandle, 43_201)).rejects.toThrow(RangeError);
  });

  it('redrives a message to the DLQ when a receive would exceed maxReceiveCount', async () => {
    const clock = fakeClock();
    const dlq = new LocalQueue({ name: 'main-dlq', visibilityTimeoutSeconds: 30, now: clock.now });
    const q = new LocalQueue({
      name: 'main',
      visibilityTimeoutSeconds: 10,
      maxReceiveCount: 2,
      deadLetter: dlq,
      now: clock.now,
    });
    const sentAt = clock.now();
    const poison = await q.send('poison', { kind: 'bad' });
    await q.send('ok');

    // receive 1 and 2 deliver the poison message
    for (let n = 1; n <= 2; n++) {
      const got = await q.receive(1);
      expect(got.map((m) => [m.messageId, m.attributes.ApproximateReceiveCount])).toEqual([[poison, String(n)]]);
      clock.advance(10_000);
    }
    expect(dlq.depth()).toEqual({ visible: 0, inFlight: 0 });

    // a third receive would exceed maxReceiveCount: moved to the DLQ instead, next message delivered
    const third = await q.receive(1);
    expect(third.map((m) => m.body)).toEqual(['ok']);
    expect(q.peekAll().map((m) => m.messageId)).not.toContain(poison);

    const [dead] = await dlq.receive(10);
    expect(dead?.messageId).toBe(poison);
    expect(dead?.body).toBe('poison');
    expect(dead?.attributes.SentTimestamp).toBe(String(sentAt));
    expect(dead?.attributes.DeadLetterQueueSourceArn).toBe(q.arn);
    expect(dead?.messageAttributes.kind?.stringValue).toBe('bad');
  });

  it('rejects a half-configured redrive policy', () => {
    const dlq = new LocalQueue({ name: 'd', visibilityTimeoutSeconds: 1 });
    expect(() => new LocalQueue({ name: 'a', visibilityTimeoutSeconds: 1, deadLetter: dlq })).toThrow(/maxReceiveCount/);
    expect(() => new LocalQueue({ name: 'b', visibilityTimeoutSeconds: 1, maxReceiveCount: 3 })).toThrow(/deadLetter/);
  });

  it('ignores delete and changeVisibility with a stale receipt handle', async () => {
    const clock = fakeClock();
    const q = new LocalQueue({ name: 'stale', visibilityTimeoutSeconds: 5, now: clock.now });
    const id = await q.send('x');
    const [first] = await q.receive(1);
    clock.advance(5_000);
    const [second] = await q.receive(1);
    expect(second?.messageId).toBe(id);

    await q.delete(first!.receiptHandle); // stale: message was re-received since
    await q.changeVisibility(first!.receiptHandle, 0); // stale: must not reveal it
    await q.delete('not-a-handle');
    expect(q.depth()).toEqual({ visible: 0, inFlight: 1 });

    await q.delete(second!.receiptHandle);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 0 });
    await q.delete(second!.receiptHandle); // already deleted: no-op
  });

  it('persists messages across a new LocalQueue instance on the same dir', async () => {
    const dir = tmpDir();
    const clock = fakeClock();
    const q1 = new LocalQueue({ name: 'durable', visibilityTimeoutSeconds: 30, persistDir: dir, now: clock.now });
    const a = await q1.send('a', { k: 'v' });
    const b = await q1.send('b');
    const c = await q1.send('c');
    const [ra, rb] = await q1.receive(2); // a and b in flight
    await q1.delete(rb!.receiptHandle); // b done
    expect(ra?.messageId).toBe(a);

    // "restart": new instance, same dir, same clock (a would still be in flight in-process)
    const q2 = new LocalQueue({ name: 'durable', visibilityTimeoutSeconds: 30, persistDir: dir, now: clock.now });
    expect(q2.depth()).toEqual({ visible: 2, inFlight: 0 });
    const got = await q2.receive(10);
    expect(got.map((m) => m.messageId)).toEqual([a, c]);
    expect(got.map((m) => m.messageId)).not.toContain(b);
    expect(got[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(got[0]?.messageAttributes.k?.stringValue).toBe('v');
    expect(got[1]?.attributes.ApproximateReceiveCount).toBe('1');

    for (const m of got) await q2.delete(m.receiptHandle);
    const q3 = new LocalQueue({ name: 'durable', visibilityTimeoutSeconds: 30, persistDir: dir, now: clock.now });
    expect(q3.depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('persistence tolerates a torn final log line and survives compaction', async () => {
    const dir = tmpDir();
    const q1 = new LocalQueue({ name: 'torn', visibilityTimeoutSeconds: 30, persistDir: dir });
    // enough churn to trigger compaction (> 1000 log entries)
    for (let i = 0; i < 600; i++) {
      await q1.send(`tmp${i}`);
      const [m] = await q1.receive(1);
      await q1.delete(m!.receiptHandle);
    }
    const keep = await q1.send('keep');
    const file = path.join(dir, 'torn.sqs.jsonl');
    expect(fs.readFileSync(file, 'utf8').split('\n').length).toBeLessThan(1000);
    fs.appendFileSync(file, '{"op":"put","m":{"id":"half'); // crash mid-append

    const q2 = new LocalQueue({ name: 'torn', visibilityTimeoutSeconds: 30, persistDir: dir });
    expect(q2.peekAll().map((m) => m.messageId)).toEqual([keep]);
  });
});

describe('startPoller', () => {
  it('delivers a real-shaped SQSEvent and deletes the batch on success', async () => {
    const q = new LocalQueue({ name: 'shape', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    await q.send('{"hello":"world"}', { tenantId: 't1' });
    await q.send('second');
    const h = once(async () => {});
    const p = poll(q, h.handler);
    await h.firstCall;
    await p.stop();

    expect(h.events).toHaveLength(1);
    const event = h.events[0]!;
    expect(() => SqsSchema.parse(event)).not.toThrow();
    const [r1, r2] = event.Records;
    expect(r1).toMatchObject({
      body: '{"hello":"world"}',
      eventSource: 'aws:sqs',
      eventSourceARN: q.arn,
      awsRegion: 'local',
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { tenantId: { stringValue: 't1', dataType: 'String' } },
    });
    expect(r1?.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(r2?.body).toBe('second');
    expect(r2?.md5OfMessageAttributes).toBeUndefined();
    expect(q.depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('partial batch failure deletes only the successes; failures reappear after the visibility timeout', async () => {
    const clock = fakeClock();
    const q = new LocalQueue({ name: 'partial', visibilityTimeoutSeconds: 30, now: clock.now });
    for (const b of ['ok1', 'bad', 'ok2']) await q.send(b);
    const h = once(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const p = poll(q, h.handler);
    await h.firstCall;
    await p.stop();

    expect(h.events[0]?.Records).toHaveLength(3);
    expect(q.peekAll().map((m) => m.body)).toEqual(['bad']);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 1 }); // not made visible early
    clock.advance(30_000);
    expect(q.depth()).toEqual({ visible: 1, inFlight: 0 });
  });

  it('an empty batchItemFailures list counts as full success', async () => {
    const q = new LocalQueue({ name: 'emptyfail', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    await q.send('a');
    const h = once(async () => ({ batchItemFailures: [] }));
    const p = poll(q, h.handler);
    await h.firstCall;
    await p.stop();
    expect(q.peekAll()).toHaveLength(0);
  });

  it('a thrown handler leaves the whole batch, which is retried after the visibility timeout', async () => {
    const q = new LocalQueue({ name: 'throws', visibilityTimeoutSeconds: 0.03 });
    const ids = [await q.send('a'), await q.send('b')];
    const errors: unknown[] = [];
    const events: SQSEvent[] = [];
    const p = poll(
      q,
      async (event) => {
        events.push(event);
        if (events.length === 1) throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    await p.drain({ timeoutMs: 2_000 });

    expect(errors).toHaveLength(1);
    expect(events).toHaveLength(2);
    expect(events[1]?.Records.map((r) => r.messageId)).toEqual(ids);
    expect(events[1]?.Records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('an invalid itemIdentifier fails the whole batch', async () => {
    const q = new LocalQueue({ name: 'invalid-id', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    await q.send('a');
    await q.send('b');
    const warnings: string[] = [];
    const h = once(async (event) => ({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }, { itemIdentifier: 'no-such-id' }],
    }));
    const p = poll(q, h.handler, { onWarning: (m) => warnings.push(m) });
    await h.firstCall;
    await p.stop();

    expect(q.peekAll().map((m) => m.body)).toEqual(['a', 'b']);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 2 });
    expect(warnings.join('\n')).toMatch(/invalid itemIdentifier/);
  });

  it('an empty-string itemIdentifier fails the whole batch', async () => {
    const q = new LocalQueue({ name: 'empty-id', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    await q.send('a');
    const h = once(async () => ({ batchItemFailures: [{ itemIdentifier: '' }] }));
    const p = poll(q, h.handler);
    await h.firstCall;
    await p.stop();
    expect(q.peekAll()).toHaveLength(1);
  });

  it('without reportBatchItemFailures the response is ignored (as Lambda does) and a warning raised', async () => {
    const q = new LocalQueue({ name: 'no-rbif', visibilityTimeoutSeconds: 30, now: fakeClock().now });
    await q.send('a');
    const warnings: string[] = [];
    const h = once(async (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] }));
    const p = poll(q, h.handler, { reportBatchItemFailures: false, onWarning: (m) => warnings.push(m) });
    await h.firstCall;
    await p.stop();
    expect(q.peekAll()).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it('respects batchSize', async () => {
    const q = new LocalQueue({ name: 'batchsize', visibilityTimeoutSeconds: 30 });
    for (let i = 0; i < 5; i++) await q.send(`m${i}`);
    const sizes: number[] = [];
    const p = poll(q, async (e) => void sizes.push(e.Records.length), { batchSize: 2 });
    await p.drain({ timeoutMs: 2_000 });
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('maxBatchingWindowMs gathers messages sent shortly after the first into one batch', async () => {
    const q = new LocalQueue({ name: 'window', visibilityTimeoutSeconds: 30 });
    const sizes: number[] = [];
    const p = poll(q, async (e) => void sizes.push(e.Records.length), { batchSize: 3, maxBatchingWindowMs: 200 });
    await q.send('a');
    await new Promise((r) => setTimeout(r, 20));
    await q.send('b');
    await q.send('c');
    await p.drain({ timeoutMs: 2_000 });
    expect(sizes).toEqual([3]);
  });

  it('stop() waits for the in-progress batch', async () => {
    const q = new LocalQueue({ name: 'stop', visibilityTimeoutSeconds: 30 });
    await q.send('a');
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    let finished = false;
    const p = poll(q, async () => {
      started();
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    await startedP;
    await p.stop();
    expect(finished).toBe(true);
    expect(q.depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('drain resolves once fan-out work settles, and rejects on timeout when it cannot', async () => {
    const q = new LocalQueue({ name: 'drain', visibilityTimeoutSeconds: 0.02 });
    const seen: string[] = [];
    const p = poll(q, async (e) => {
      for (const r of e.Records) {
        seen.push(r.body);
        if (r.body === 'root') await q.send('child'); // handler enqueues more work
      }
    });
    await q.send('root');
    await p.drain({ timeoutMs: 2_000 });
    expect(seen).toEqual(['root', 'child']);

    const stuck = new LocalQueue({ name: 'stuck', visibilityTimeoutSeconds: 0.01 });
    await stuck.send('always fails');
    const p2 = poll(stuck, async () => {
      throw new Error('nope');
    });
    await expect(p2.drain({ timeoutMs: 100 })).rejects.toThrow(/not settled/);
  });
});
