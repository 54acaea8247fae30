import { afterEach, describe, expect, it } from 'vitest';
import { setDocumentClient } from '../../../adapters/dynamo/client.js';
import { Meter, runMetered, addEventsPublished, meter } from '../../../adapters/shared/meter.js';
import { collectUsage, flushDue, flushUsage, pendingUsage, resetUsageBuffer, FLUSH_MAX_INVOCATIONS } from '../../../adapters/shared/usage.js';
import { featureOf, featureOfEntry } from '../../../wiring/finance/features.js';
import { FUNCTIONS } from '../../../wiring/functions.js';

type Sent = { input: { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown>; Item?: unknown } };
function fakeClient(fail: () => boolean) {
  const sent: Sent[] = [];
  return {
    sent,
    client: {
      send: async (command: Sent) => {
        if (fail()) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        sent.push(command);
        return {};
      },
    } as never,
  };
}

afterEach(() => {
  resetUsageBuffer();
  setDocumentClient(undefined);
});

const invocation = (tenantId: string, writeUnits: number) => {
  const m = new Meter('MetaWebhook', Date.now(), 'social');
  m.tenantId = tenantId;
  m.add('invocations', 1);
  m.add('writeUnits', writeUnits);
  return m;
};

describe('usage buffer', () => {
  it('adds invocations up without I/O and writes one item per tenant/function/feature/campaign', async () => {
    const fake = fakeClient(() => false);
    setDocumentClient(fake.client);
    for (let i = 0; i < 10; i++) collectUsage(invocation(i % 2 ? 'acme' : 'globex', 2), 512);
    expect(fake.sent).toHaveLength(0);
    expect(pendingUsage()).toEqual({ aggregates: 2, invocations: 10 });
    await flushUsage();
    const usageWrites = fake.sent.filter((c) => c.input.UpdateExpression?.includes('ADD'));
    expect(usageWrites).toHaveLength(2);
    const values = (c: Sent) => Object.fromEntries(Object.entries(c.input.ExpressionAttributeNames!).filter(([k]) => k.startsWith('#d')).map(([k, name]) => [name, c.input.ExpressionAttributeValues![`:${k.slice(1)}`]]));
    expect(usageWrites.map(values)).toEqual([expect.objectContaining({ invocations: 5, writeUnits: 10 }), expect.objectContaining({ invocations: 5, writeUnits: 10 })]);
    expect(pendingUsage()).toEqual({ aggregates: 0, invocations: 0 });
  });

  it('loses nothing when a flush fails: the counts leave with the next one', async () => {
    let failing = true;
    const fake = fakeClient(() => failing);
    setDocumentClient(fake.client);
    collectUsage(invocation('acme', 3), 512);
    await expect(flushUsage()).rejects.toThrow(/throttled/);
    collectUsage(invocation('acme', 4), 512);
    failing = false;
    await flushUsage();
    const write = fake.sent.find((c) => c.input.UpdateExpression?.includes('ADD'))!;
    const names = write.input.ExpressionAttributeNames!;
    const wu = Object.entries(names).find(([, n]) => n === 'writeUnits')![0].slice(1);
    expect(write.input.ExpressionAttributeValues![`:${wu}`]).toBe(7);
  });

  it('is due after FLUSH_MAX_INVOCATIONS invocations (the bound on what a crash can lose)', () => {
    for (let i = 0; i < FLUSH_MAX_INVOCATIONS - 1; i++) collectUsage(invocation('acme', 1), 512);
    expect(flushDue()).toBe(false);
    collectUsage(invocation('acme', 1), 512);
    expect(flushDue()).toBe(true);
  });
});

describe('meter', () => {
  it('bills work to the campaign it names, and counts business events and SQS sends per event', async () => {
    const m = new Meter('CampaignStep', Date.now(), 'campaigns');
    m.tenantId = 'acme';
    await runMetered(m, async () => {
      meter.add('sfnTransitions', 5, { campaignId: 'c1' });
      meter.add('emails', 1);
      addEventsPublished([{ source: 'x', detailType: 'MessageSent', detail: { data: { customerId: 'k1' } } }]);
    });
    expect(m.buckets.get('c1')?.get('sfnTransitions')).toBe(5);
    expect(m.buckets.get('')?.get('emails')).toBe(1);
    expect(m.total('n_MessageSent')).toBe(1);
    expect([...m.customers]).toEqual(['k1']);
  });
});

describe('features', () => {
  it('derives the feature from the entry path, so a new function needs nothing more', () => {
    expect(featureOfEntry('functions/loyalty/awarder.ts')).toBe('loyalty');
    expect(featureOfEntry('functions/campaigns/run-step.ts')).toBe('campaigns');
    expect(featureOfEntry('functions/webhooks/shopify.ts')).toBe('commerce');
    expect(featureOfEntry('functions/webhooks/meta.ts')).toBe('social');
    expect(featureOf({ entry: 'functions/whatever/new.ts' })).toBe('api');
    expect(featureOf({ entry: 'functions/social/meta.ts', feature: 'finance' })).toBe('finance');
    for (const f of Object.values(FUNCTIONS)) expect(featureOf(f)).toMatch(/^(social|commerce|knowledge|loyalty|service|campaigns|privacy|api|finance)$/);
  });
});
