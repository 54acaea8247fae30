/**
 * Publishes domain events to the EventBridge bus. PutEvents can partly fail (FailedEntryCount): that
 * is an error here, so a handler never answers 200 for events that did not leave.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { OutgoingEvent } from '../../events/catalog.js';
import { BUS_NAME } from '../../events/catalog.js';
import type { EventPublisher } from '../../domain/shared/ports.js';
import { addEventsPublished } from './meter.js';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES = 10;

export class PublishFailed extends Error {
  constructor(readonly failures: { errorCode?: string; errorMessage?: string }[]) {
    super(`PutEvents rejected ${failures.length} event(s): ${failures.map((f) => f.errorCode).join(', ')}`);
    this.name = 'PublishFailed';
  }
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client = new EventBridgeClient({}),
    private readonly busName = process.env.EVENT_BUS_NAME ?? BUS_NAME,
  ) {}

  async publish(events: OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + MAX_ENTRIES).map((e) => ({
        EventBusName: this.busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
        Time: new Date(e.detail.metadata.occurredAt),
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        throw new PublishFailed(
          (result.Entries ?? [])
            .filter((e) => e.ErrorCode)
            .map((e) => ({ errorCode: e.ErrorCode, errorMessage: e.ErrorMessage })),
        );
      }
      addEventsPublished(events.slice(i, i + MAX_ENTRIES));
    }
  }
}

let override: EventPublisher | undefined;
let cloud: EventPublisher | undefined;

/** The publisher handlers use: EventBridge in AWS, the in-process bus when the local runtime set one. */
export function eventPublisher(): EventPublisher {
  if (override) return override;
  cloud ??= new EventBridgePublisher();
  return cloud;
}

export function setEventPublisher(publisher: EventPublisher | undefined): void {
  override = publisher;
}
