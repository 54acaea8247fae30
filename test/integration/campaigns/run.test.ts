/**
 * The run's rules through the local runtime and the local Step Functions run: consent read at send time, quiet
 * hours defer, the frequency cap across campaigns, the budget stop, and cancel (before the start and mid-run).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMessageSender } from '../../../adapters/messaging/index.js';
import { OutboxMessageSender } from '../../../adapters/messaging/outbox.js';
import { approvedCampaign, audience, clients, outboxOf, waitForRunEnd, waitForStatus } from '../../support/campaigns.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
const DEFAULTS = { frequencyCap: { maxMessages: 3, windowHours: 168 }, quietHours: null, channelFees: { email: '0.0010', sms: '0.0500', whatsapp: '0.0300' } };

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
}, 60_000);

afterAll(async () => {
  await rt?.stop();
});

afterEach(async () => {
  setMessageSender(new OutboxMessageSender(join(rt.dataDir, 'outbox')));
  delete process.env.CAMPAIGN_PAGE_SIZE;
  for (const t of [acme, globex]) await clients(rt, t).admin('/v1/settings/campaigns', { method: 'PUT', body: JSON.stringify(DEFAULTS) });
});

const launch = (tenant: typeof acme, id: string, at?: string) => clients(rt, tenant).marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: JSON.stringify(at ? { at } : {}) });
const results = async (tenant: typeof acme, id: string) => (await clients(rt, tenant).marketer(`/v1/campaigns/${id}/results`)).body;

describe('a campaign run', () => {
  it('does not send to a person who withdrew consent between launch and send', async () => {
    const ids = await audience(rt, acme, 'withdraw', 6);
    const id = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0 });
    expect((await launch(acme, id, new Date(Date.now() + 2_000).toISOString())).status).toBe(200);
    const withdrawn = await clients(rt, acme).marketer(`/v1/customers/${ids[0]}/consents`, {
      method: 'POST',
      body: JSON.stringify({ purpose: 'marketing', channel: 'email', status: 'withdrawn', source: 'https://shop.example/prefs' }),
    });
    expect(withdrawn.status).toBe(201);
    await waitForStatus(rt, acme, id, ['completed']);
    const sent = outboxOf(rt, id);
    expect(sent.map((m) => m.to).sort()).toEqual(ids.slice(1).map((_, i) => `withdraw-${i + 1}@example.com`).sort());
    const r = await results(acme, id);
    expect(r.skipped.no_consent).toBe(1);
    expect(r.sent).toBe(5);
  }, 90_000);

  it('defers recipients in quiet hours (nothing sent, the run waits), and cancel stops it saying nothing was sent', async () => {
    const ids = await audience(rt, globex, 'quiet', 4);
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const put = await clients(rt, globex).admin('/v1/settings/campaigns', {
      method: 'PUT',
      body: JSON.stringify({ ...DEFAULTS, quietHours: { start: hhmm(new Date(now.getTime() - 3_600_000)), end: hhmm(new Date(now.getTime() + 3 * 3_600_000)), timeZone: 'UTC' } }),
    });
    expect(put.status).toBe(200);
    const id = await approvedCampaign(rt, globex, (ids as any).segmentId, { holdoutPercent: 0 });
    await launch(globex, id);
    await waitForStatus(rt, globex, id, ['running']);
    // the page is committed with every recipient deferred to the next round
    const until = Date.now() + 30_000;
    let r = await results(globex, id);
    while (r.deferred < 4 && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 100));
      r = await results(globex, id);
    }
    expect(r.deferred).toBe(4);
    expect(r.sent).toBe(0);
    expect(outboxOf(rt, id)).toHaveLength(0);
    expect((await clients(rt, globex).marketer(`/v1/campaigns/${id}`)).body.status).toBe('running');

    const cancelled = await clients(rt, globex).marketer(`/v1/campaigns/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ campaign: { status: 'cancelled' }, sent: 0 });
    const again = await clients(rt, globex).marketer(`/v1/campaigns/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('cancelled');
  }, 90_000);

  it('holds the frequency cap across two campaigns', async () => {
    const ids = await audience(rt, acme, 'cap', 5);
    await clients(rt, acme).admin('/v1/settings/campaigns', { method: 'PUT', body: JSON.stringify({ ...DEFAULTS, frequencyCap: { maxMessages: 1, windowHours: 24 } }) });
    const first = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0 });
    await launch(acme, first);
    await waitForStatus(rt, acme, first, ['completed']);
    const second = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0 });
    await launch(acme, second);
    await waitForStatus(rt, acme, second, ['completed']);
    expect(outboxOf(rt, first)).toHaveLength(5);
    expect(outboxOf(rt, second)).toHaveLength(0);
    expect((await results(acme, second)).skipped.frequency_cap).toBe(5);
  }, 90_000);

  it('stops before the next message would pass the budget, and says why', async () => {
    const ids = await audience(rt, acme, 'budget', 6);
    const id = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0, budget: { amount: '0.0035', currency: 'EUR' } });
    await launch(acme, id);
    const done = await waitForStatus(rt, acme, id, ['completed']);
    expect(outboxOf(rt, id)).toHaveLength(3);
    expect(done.run.stopReason).toMatch(/^budget: /);
    const r = await results(acme, id);
    expect(r.sent).toBe(3);
    expect(r.skipped.budget).toBe(1);
    expect(r.cost.channelFees).toEqual({ amount: '0.003', currency: 'EUR' });
    expect(r.stopReason).toMatch(/would pass the budget of 0.0035/);
  }, 90_000);

  it('cancelled mid-run, finishes the page in hand and sends nothing after it', async () => {
    const ids = await audience(rt, acme, 'cancel', 12);
    process.env.CAMPAIGN_PAGE_SIZE = '4';
    const outbox = new OutboxMessageSender(join(rt.dataDir, 'outbox'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    setMessageSender({ send: async (m) => (++calls, await gate, outbox.send(m)) });
    const id = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0 });
    await launch(acme, id);
    const until = Date.now() + 30_000;
    while (calls === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBeGreaterThan(0);
    const cancelled = await clients(rt, acme).marketer(`/v1/campaigns/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    release();
    // the run completes the page in hand, then sees the cancel before the next page
    await waitForRunEnd(rt, acme, id);
    const r = await results(acme, id);
    expect(r.sent).toBe(4);
    expect(r.audience).toBe(4); // only the first page was ever read
    expect(outboxOf(rt, id)).toHaveLength(4);
    expect((await clients(rt, acme).marketer(`/v1/campaigns/${id}`)).body.status).toBe('cancelled');
  }, 90_000);
});
