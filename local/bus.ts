/**
 * The in-process EventBridge bus: wraps each event as EventBridge would, keeps it in the archive (for
 * replay), and delivers it to the queue of every rule whose pattern matches (events/rules.ts, the same
 * declarations the CDK stack deploys). A publish returns once every matching queue holds the event.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { OutgoingEvent } from '../events/catalog.js';
import { BUS_NAME } from '../events/catalog.js';
import type { RuleDeclaration } from '../events/rules.js';
import type { EventPublisher } from '../domain/shared/ports.js';
import { addEventsPublished } from '../adapters/shared/meter.js';
import { matchesEventPattern } from './event-pattern.js';
import type { LocalQueue } from './sqs-queue.js';

/** PutEvents refuses entries over 256 KB. */
const MAX_ENTRY_BYTES = 256 * 1024;

export type BusEvent = EventBridgeEvent<string, OutgoingEvent['detail']>;

export class LocalEventBus implements EventPublisher {
  /** The last events put on the bus (for tests and the console). */
  readonly recent: BusEvent[] = [];

  constructor(
    private readonly rules: readonly RuleDeclaration[],
    private readonly queueFor: (name: string) => LocalQueue,
    private readonly archiveFile?: string,
  ) {
    if (archiveFile) mkdirSync(dirname(archiveFile), { recursive: true });
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    const wrapped = events.map((e) => this.wrap(e));
    for (const event of wrapped) {
      const body = JSON.stringify(event);
      if (Buffer.byteLength(body) > MAX_ENTRY_BYTES) throw new Error(`event ${event['detail-type']} exceeds 256 KB`);
      if (this.archiveFile) appendFileSync(this.archiveFile, `${body}\n`);
      for (const rule of this.rules) {
        if (matchesEventPattern(rule.pattern, event)) await this.queueFor(rule.target.queue).send(body);
      }
      this.recent.push(event);
      if (this.recent.length > 1000) this.recent.shift();
    }
    addEventsPublished(events);
  }

  private wrap(event: OutgoingEvent): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account: '000000000000',
      time: event.detail.metadata.occurredAt,
      region: 'local',
      resources: [],
      detail: event.detail,
    } as BusEvent & { 'event-bus-name'?: string };
  }
}

export { BUS_NAME };
