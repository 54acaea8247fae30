/**
 * A consumer whose promise never settles must not keep its message invisible for ever: once the visibility timeout
 * passes the message is delivered again, and after maxReceiveCount it is moved to the dead-letter queue, as SQS does.
 */
import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { LocalQueue, startPoller } from '../../../local/sqs-queue.js';

describe('local SQS with a hanging consumer', () => {
  it('redelivers after the visibility timeout, then dead-letters after maxReceiveCount', async () => {
    const dlq = new LocalQueue({ name: 'hang-dlq', visibilityTimeoutSeconds: 30 });
    const queue = new LocalQueue({ name: 'hang', visibilityTimeoutSeconds: 0.1, maxReceiveCount: 3, deadLetter: dlq });
    const receiveCounts: string[] = [];
    const errors: string[] = [];
    const poller = startPoller(
      queue,
      (event: SQSEvent) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return new Promise(() => undefined); // hangs for ever
      },
      { batchSize: 1, reportBatchItemFailures: true, onError: (e) => errors.push((e as Error).name) },
    );
    await queue.send('{"id":"evt-1"}');
    // Settles only when the message has left the source queue (it can only leave through the DLQ: nothing deletes it).
    await poller.drain({ timeoutMs: 20_000 });
    await poller.stop();
    expect(receiveCounts).toEqual(['1', '2', '3']);
    expect(errors).toEqual(['InvocationTimeoutError', 'InvocationTimeoutError', 'InvocationTimeoutError']);
    const dead = dlq.peekAll();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.body).toBe('{"id":"evt-1"}');
    expect(dead[0]!.receiveCount).toBe(3);
  });
});
