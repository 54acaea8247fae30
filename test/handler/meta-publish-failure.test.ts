/**
 * A failed PutEvents must not be answered with 200: Meta retries, and the retry publishes what the first
 * delivery stored. EventBridge is mocked; everything else is the local runtime on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher, setEventPublisher } from '../../adapters/shared/event-publisher.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { api, feedComment, jsonOf, pageDelivery, postMeta } from '../support/webhooks.js';

const eventBridge = mockClient(EventBridgeClient);
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
  setEventPublisher(new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'social-crm'));
});
afterAll(async () => rt?.stop());

describe('Meta webhook when EventBridge fails', () => {
  it('answers 500, keeps the comment, and publishes it on the retry with the same event id', async () => {
    const tenant = rt.credentials.tenants[0]!;
    const psid = `9900${Date.now()}`;
    const body = pageDelivery(tenant.accounts.facebook, [feedComment({ pageId: tenant.accounts.facebook, fromId: psid, message: 'hello' })]);

    eventBridge.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const failed = await postMeta(rt.url, tenant.tenantId, tenant.secrets.meta.appSecret, body);
    expect(failed.status).toBe(500);
    expect(await jsonOf(failed)).toEqual({ error: { code: 'internal', message: 'Internal error' } });

    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const retried = await postMeta(rt.url, tenant.tenantId, tenant.secrets.meta.appSecret, body);
    expect(retried.status).toBe(200);
    expect(await jsonOf(retried)).toEqual({ received: 1, recorded: 1, duplicates: 0 });

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    const eventIds = calls.map((c) => JSON.parse(c.args[0].input.Entries![0]!.Detail!).metadata.eventId);
    expect(eventIds[0]).toBe(eventIds[1]);

    // a third delivery is a plain duplicate: nothing more is published
    const third = await postMeta(rt.url, tenant.tenantId, tenant.secrets.meta.appSecret, body);
    expect(await jsonOf(third)).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);

    const timeline = await api(rt.url, tenant.tokens.marketer)(
      `/v1/customers/${(await api(rt.url, tenant.tokens.marketer)(`/v1/customers?channel=facebook&externalId=${psid}`)).body.items[0].id}/timeline`,
    );
    expect(timeline.body.items).toHaveLength(1);
  });
});
