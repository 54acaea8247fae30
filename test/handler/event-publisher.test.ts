import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher, PublishFailed } from '../../adapters/shared/event-publisher.js';
import { Meter, runMetered } from '../../adapters/shared/meter.js';
import { buildEvent, CustomerRegistered } from '../../events/catalog.js';

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

const event = (n: number) =>
  buildEvent(
    CustomerRegistered,
    { tenantId: 'acme', eventId: `e-${n}`, occurredAt: '2026-11-23T10:00:00.000Z', correlationId: 'c' },
    { customerId: `c-${n}`, channel: 'web', stage: 'prospect' },
  );

describe('EventBridgePublisher', () => {
  it('sends at most 10 entries a call, on the named bus, with the envelope as detail', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const meter = new Meter('test', Date.now());
    await runMetered(meter, () => new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'social-crm').publish(Array.from({ length: 23 }, (_, i) => event(i))));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]!.args[0].input.Entries![0]!;
    expect(first).toMatchObject({ EventBusName: 'social-crm', Source: CustomerRegistered.source, DetailType: 'CustomerRegistered' });
    expect(JSON.parse(first.Detail!)).toEqual(event(0).detail);
    expect(meter.usage.eventsPublished).toBe(23);
  });

  it('throws when PutEvents rejects any entry, instead of reporting success', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'ok' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'social-crm');
    await expect(publisher.publish([event(1), event(2)])).rejects.toBeInstanceOf(PublishFailed);
    await expect(publisher.publish([event(1)])).rejects.toThrow(/ThrottlingException/);
  });
});
