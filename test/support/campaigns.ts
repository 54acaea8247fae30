/**
 * Campaign fixtures through the API: customers with an e-mail, a tag and (optionally) e-mail marketing consent,
 * a segment of the tag, an approved campaign, and a wait for the run's end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRuntime } from './runtime.js';
import { api } from './webhooks.js';

type Tenant = TestRuntime['credentials']['tenants'][number];

export function clients(rt: TestRuntime, tenant: Tenant) {
  return { marketer: api(rt.url, tenant.tokens.marketer), approver: api(rt.url, tenant.tokens.approver), admin: api(rt.url, tenant.tokens.admin) };
}

/** `count` customers tagged `tag`, each with e-mail marketing consent unless `consent` says otherwise. */
export async function audience(rt: TestRuntime, tenant: Tenant, tag: string, count: number, consent: (i: number) => boolean = () => true): Promise<string[]> {
  const { marketer } = clients(rt, tenant);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email: `${tag}-${i}@example.com`, givenName: `Given${i}`, familyName: 'Family', tags: [tag] }) });
    if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
    if (consent(i)) {
      const c = await marketer(`/v1/customers/${res.body.id}/consents`, {
        method: 'POST',
        body: JSON.stringify({ purpose: 'marketing', channel: 'email', status: 'granted', source: 'https://shop.example/signup', statement: 'v1', doubleOptIn: false }),
      });
      if (c.status !== 201) throw new Error(`consent: ${c.status} ${JSON.stringify(c.body)}`);
    }
  }
  const seg = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: `seg-${tag}`, rule: { field: 'tags', op: 'has', value: tag } }) });
  if (seg.status !== 201) throw new Error(`segment: ${seg.status} ${JSON.stringify(seg.body)}`);
  await settle(rt);
  (ids as string[] & { segmentId?: string }).segmentId = seg.body.id;
  return ids;
}

export function campaignBody(segmentId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Spring sale',
    brief: { objective: 'Sell the spring range', segmentId, channels: ['email'], kpi: 'orders within 7 days', budget: { amount: '100.00', currency: 'EUR' }, ...overrides },
    strategy: 'Two subject lines, 10% holdout',
    creative: {
      variants: [
        { id: 'A', channel: 'email', weight: 1, subject: 'Hi {{givenName}}', body: 'Spring is here, {{givenName}}. Leave: {{unsubscribeLink}}' },
        { id: 'B', channel: 'email', weight: 1, subject: '{{givenName}}, 20% off', body: 'Only this week. {{unsubscribeLink}}' },
      ],
    },
  };
}

/** Creates, submits and approves a campaign; answers its id. */
export async function approvedCampaign(rt: TestRuntime, tenant: Tenant, segmentId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const { marketer, approver } = clients(rt, tenant);
  const created = await marketer('/v1/campaigns', { method: 'POST', body: JSON.stringify(campaignBody(segmentId, overrides)) });
  if (created.status !== 201) throw new Error(`campaign: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  if ((await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' })).status !== 200) throw new Error('submit');
  const approved = await approver(`/v1/campaigns/${id}/approve`, { method: 'POST' });
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return id;
}

/** Polls the campaign until it is in one of `statuses` (the run is asynchronous), up to a deadline. */
export async function waitForStatus(rt: TestRuntime, tenant: Tenant, campaignId: string, statuses: string[], deadlineMs = 60_000): Promise<any> {
  const { marketer } = clients(rt, tenant);
  const until = Date.now() + deadlineMs;
  for (;;) {
    const res = await marketer(`/v1/campaigns/${campaignId}`);
    if (statuses.includes(res.body?.status)) return res.body;
    if (Date.now() > until) throw new Error(`campaign ${campaignId} still ${res.body?.status}, wanted ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The outbox messages of one campaign, parsed. */
export function outboxOf(rt: TestRuntime, campaignId: string): any[] {
  const dir = join(rt.dataDir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))).filter((m) => m.tags?.campaignId === campaignId);
}

/** Waits until the local run passed its Complete step (its last recorded state names when to measure). */
export async function waitForRunEnd(rt: TestRuntime, tenant: Tenant, campaignId: string, deadlineMs = 60_000): Promise<void> {
  const file = join(rt.dataDir, 'executions', `local_${tenant.tenantId}_${campaignId}`.replace(/[^A-Za-z0-9_-]/g, '_') + '.json');
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      if (JSON.parse(readFileSync(file, 'utf8')).lastState?.measureAt) return;
    } catch {
      // not written yet
    }
    if (Date.now() > until) throw new Error(`the run of ${campaignId} did not complete`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drains the queues, patiently: on a loaded machine one drain round may not be enough. */
export async function settle(rt: TestRuntime, deadlineMs = 120_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await rt.drain(deadlineMs);
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
    }
  }
}
