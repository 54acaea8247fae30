/**
 * Nothing acknowledged is lost across a restart: an event accepted by the bus waits in its queue on disk
 * until a consumer deletes it, even when the runtime stops first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

const running: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of running) await rt.stop().catch(() => undefined);
});

describe('restart', () => {
  it('delivers after a restart what was queued before it', async () => {
    const first = await startTestRuntime({ startConsumers: false });
    running.push(first);
    const tenant = first.credentials.tenants[0]!;
    const psid = `8800${Date.now()}`;
    const body = pageDelivery(tenant.accounts.facebook, [feedComment({ pageId: tenant.accounts.facebook, fromId: psid, message: 'before the restart' })]);
    expect((await postMeta(first.url, tenant.tenantId, tenant.secrets.meta.appSecret, body)).status).toBe(200);
    expect(first.queues.get('customer-knowledge')!.queue.depth().visible).toBeGreaterThanOrEqual(1);
    await first.stop();
    running.pop();

    const second = await startTestRuntime({ dataDir: first.dataDir, tableName: first.tableName });
    running.push(second);
    // same data folder: same tenants, secrets and signing key
    expect(second.credentials.tenants[0]!.secrets).toEqual(tenant.secrets);
    await second.drain();
    const client = api(second.url, second.credentials.tenants[0]!.tokens.marketer);
    const found = await client(`/v1/customers?channel=facebook&externalId=${psid}`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0].activity.interactionsByChannel).toEqual({ facebook: 1 });
    expect(second.queues.get('customer-knowledge')!.queue.depth()).toEqual({ visible: 0, inFlight: 0 });
  });
});
