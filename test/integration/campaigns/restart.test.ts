/**
 * Exactly once across a restart: the runtime stops in the middle of a page (a send never returns), starts again on
 * the same data, resumes the run, finishes the interrupted page and the rest, and nobody gets a second message.
 * The one whose send was cut off keeps its ledger claim and is not sent again (at most once, never twice).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { setMessageSender } from '../../../adapters/messaging/index.js';
import { OutboxMessageSender } from '../../../adapters/messaging/outbox.js';
import { join } from 'node:path';
import { approvedCampaign, audience, clients, outboxOf, waitForStatus } from '../../support/campaigns.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';

let rt: TestRuntime | undefined;

afterAll(async () => {
  delete process.env.CAMPAIGN_PAGE_SIZE;
  delete process.env.CAMPAIGN_SEND_CONCURRENCY;
  await rt?.stop();
});

describe('a campaign run across a restart', () => {
  it('sends nothing twice and finishes the interrupted page', async () => {
    rt = await startTestRuntime();
    const acme = rt.credentials.tenants[0]!;
    const ids = await audience(rt, acme, 'restart', 12);
    process.env.CAMPAIGN_PAGE_SIZE = '5';
    process.env.CAMPAIGN_SEND_CONCURRENCY = '1';
    const outbox = new OutboxMessageSender(join(rt.dataDir, 'outbox'));
    let sends = 0;
    let hung = 0;
    // the 7th send never returns: the runtime is stopped in the middle of the second page
    setMessageSender({ send: (m) => (++sends === 7 ? (hung++, new Promise(() => undefined)) : outbox.send(m)) });
    const id = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 0 });
    await clients(rt, acme).marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: '{}' });
    const until = Date.now() + 30_000;
    while (hung === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(hung).toBe(1);
    expect(outboxOf(rt, id)).toHaveLength(6);

    const { dataDir, tableName } = rt;
    await rt.stop();
    rt = await startTestRuntime({ dataDir, tableName });
    await waitForStatus(rt, acme, id, ['completed']);

    const sent = outboxOf(rt, id);
    const perPerson = new Map<string, number>();
    for (const m of sent) perPerson.set(m.to, (perPerson.get(m.to) ?? 0) + 1);
    expect([...perPerson.values()].every((n) => n === 1)).toBe(true);
    // everyone but the one whose send was cut off, exactly once
    expect(sent).toHaveLength(12 - hung);
  }, 180_000);
});
