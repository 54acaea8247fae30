/**
 * A campaign's whole life through the local runtime: brief → submitted → approved by another user → launched →
 * the local Step Functions run sends each consenting recipient exactly one e-mail (with the RFC 8058 headers),
 * holds out the holdout, counts the skips → completed; history and status listing on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { approvedCampaign, audience, campaignBody, clients, outboxOf, waitForStatus } from '../../support/campaigns.js';
import { inHoldout } from '../../../domain/campaigns/allocation.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let members: string[] & { segmentId?: string };

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
  // 20 customers, every fourth without consent
  members = await audience(rt, acme, 'life', 20, (i) => i % 4 !== 0);
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

describe('a campaign document', () => {
  it('is approved only by a different user with the approver role, and an edit after approval needs approval again', async () => {
    const { marketer, approver } = clients(rt, acme);
    const created = await marketer('/v1/campaigns', { method: 'POST', body: JSON.stringify(campaignBody(members.segmentId!)) });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    const id = created.body.id;

    // the marketer cannot approve (no approver role); launch before approval is a 409 naming the status
    expect((await marketer(`/v1/campaigns/${id}/approve`, { method: 'POST' })).status).toBe(403);
    const early = await marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('draft');

    expect((await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' })).body.status).toBe('submitted');
    expect((await approver(`/v1/campaigns/${id}/approve`, { method: 'POST' })).body.status).toBe('approved');

    const edited = await marketer(`/v1/campaigns/${id}`, { method: 'PATCH', body: JSON.stringify({ strategy: 'One subject line' }) });
    expect(edited.status).toBe(200);
    expect(edited.body.status).toBe('draft');
    expect(edited.body.approval).toBeUndefined();

    const comment = await approver(`/v1/campaigns/${id}/comments`, { method: 'POST', body: JSON.stringify({ text: 'Shorter subject please' }) });
    expect(comment.status).toBe(201);

    const history = await marketer(`/v1/campaigns/${id}/history`);
    expect(history.body.items.map((e: any) => e.action)).toEqual(['create', 'submit', 'approve', 'edit', 'comment']);
    expect(history.body.items[3].changed).toEqual(['strategy']);
    expect(history.body.items[2].by).toBe(`${acme.tenantId}-approver`);

    const drafts = await marketer('/v1/campaigns?status=draft');
    expect(drafts.body.items.map((c: any) => c.id)).toContain(id);
    expect((await marketer('/v1/campaigns?status=approved')).body.items.map((c: any) => c.id)).not.toContain(id);
    expect((await marketer('/v1/campaigns?status=nope')).status).toBe(400);
  });

  it('refuses approval and rejection by its own author, even with the approver role', async () => {
    const { marketer } = clients(rt, acme);
    const id = (await marketer('/v1/campaigns', { method: 'POST', body: JSON.stringify(campaignBody(members.segmentId!)) })).body.id;
    await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' });
    // a token of the same user (the marketer's subject) that also carries the approver role
    const { signToken } = await import('../../../local/jwt.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const key = Buffer.from(JSON.parse(readFileSync(join(rt.dataDir, 'state.json'), 'utf8')).jwtKey, 'base64');
    const now = Math.floor(Date.now() / 1000);
    const both = signToken(key, { iss: 'social-crm-local', aud: 'social-crm-api', sub: `${acme.tenantId}-marketer`, iat: now, exp: now + 600, token_use: 'id', 'custom:tenantId': acme.tenantId, 'cognito:groups': ['marketer', 'approver'] });
    const self = (await import('../../support/webhooks.js')).api(rt.url, both);
    expect((await self(`/v1/campaigns/${id}/reject`, { method: 'POST', body: JSON.stringify({ reason: 'mine' }) })).status).toBe(403);
    expect((await self(`/v1/campaigns/${id}/approve`, { method: 'POST' })).status).toBe(403);
    expect((await marketer(`/v1/campaigns/${id}`)).body.status).toBe('submitted');
  });
});

describe('a campaign run', () => {
  it('sends each consenting recipient one personalised e-mail, holds out the holdout, counts skips, completes', async () => {
    const { marketer } = clients(rt, acme);
    const id = await approvedCampaign(rt, acme, members.segmentId!);
    const launched = await marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: '{}' });
    expect(launched.status).toBe(200);
    expect(launched.body.status).toBe('scheduled');
    const done = await waitForStatus(rt, acme, id, ['completed']);
    expect(done.run.completedAt).toBeTruthy();

    const consenting = members.filter((_, i) => i % 4 !== 0);
    const held = consenting.filter((c) => inHoldout(id, c, 10));
    const sent = outboxOf(rt, id);
    expect(sent).toHaveLength(consenting.length - held.length);
    expect(new Set(sent.map((m) => m.to)).size).toBe(sent.length);
    const first = sent[0];
    expect(first.headers['List-Unsubscribe']).toMatch(/^<http.*\/unsubscribe\?token=/);
    expect(first.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first.subject).toMatch(/Given\d+/);
    expect(first.text).not.toContain('{{');

    const results = await marketer(`/v1/campaigns/${id}/results`);
    expect(results.status).toBe(200);
    expect(results.body.audience).toBe(20);
    expect(results.body.skipped.no_consent).toBe(5);
    expect(results.body.sent).toBe(sent.length);
    expect(results.body.holdout.recipients).toBe(held.length);
    expect(results.body.cost.channelFees.amount).toBe((0.001 * sent.length).toFixed(3).replace(/0+$/, '').padEnd(4, '0'));
    expect(results.body.winner).toBeNull();
  }, 120_000);
});
