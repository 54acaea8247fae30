/**
 * Connections through the local runtime: account ids and webhook secrets per network, rotation with two
 * active secrets, and what the webhooks accept after each step. No response may carry a secret value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  admin = api(rt.url, acme.tokens.admin);
});
afterAll(async () => rt?.stop());

const put = (channel: string, body: unknown, client = admin) => client(`/v1/connections/${channel}`, { method: 'PUT', body: JSON.stringify(body) });
const retire = (channel: string, body: unknown) => admin(`/v1/connections/${channel}/secrets/retire`, { method: 'POST', body: JSON.stringify(body) });
const allSecretValues = () => Object.values(acme.secrets).flatMap((s) => Object.values(s));

let seq = 0;
async function comment(pageId: string, appSecret: string) {
  seq += 1;
  const body = pageDelivery(pageId, [feedComment({ pageId, fromId: `5500${Date.now() % 100000}${seq}`, message: `hello ${seq}` })]);
  const res = await postMeta(rt.url, 'acme', appSecret, body);
  return { status: res.status, body: (await res.json()) as { received?: number; recorded?: number } };
}

async function handshake(verifyToken: string) {
  const res = await fetch(`${rt.url}/webhooks/acme/meta?hub.mode=subscribe&hub.challenge=4242&hub.verify_token=${encodeURIComponent(verifyToken)}`);
  return res.status;
}

describe('GET /v1/connections', () => {
  it('lists every network with its account ids and how many secrets are active, never a value', async () => {
    const res = await admin('/v1/connections');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((i: { channel: string }) => i.channel)).toEqual(['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'events']);
    const facebook = res.body.items.find((i: { channel: string }) => i.channel === 'facebook');
    expect(facebook).toMatchObject({
      accountIds: [acme.accounts.facebook],
      secretGroup: 'meta',
      secrets: { appSecret: { active: 1, addedAt: [expect.any(String)] }, verifyToken: { active: 1 } },
    });
    expect(res.body.items.find((i: { channel: string }) => i.channel === 'youtube')).toMatchObject({ accountIds: [acme.accounts.youtube], watchedChannelIds: [] });
    const text = JSON.stringify(res.body);
    for (const value of allSecretValues()) expect(text).not.toContain(value);
  });

  it('is for admins only (403 for a marketer, 401 without a token)', async () => {
    expect((await api(rt.url, acme.tokens.marketer)('/v1/connections')).status).toBe(403);
    expect((await fetch(`${rt.url}/v1/connections`)).status).toBe(401);
  });
});

describe('PUT /v1/connections/{channel}', () => {
  it('refuses other roles with 403 and changes nothing', async () => {
    const res = await put('facebook', { accountIds: ['123'] }, api(rt.url, acme.tokens.marketer));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await admin('/v1/connections')).body.items[0].accountIds).toEqual([acme.accounts.facebook]);
  });

  it.each([
    ['events', { secrets: { secret: 'not-a-standard-webhooks-secret' } }],
    ['events', { secrets: { secret: `whsec_${randomBytes(8).toString('base64')}` } }],
    ['facebook', { secrets: { secret: 'x'.repeat(32) } }],
    ['facebook', { accountIds: ['page-one'] }],
    ['shopify', { accountIds: ['1'] }],
    ['x', {}],
    ['youtube', { accountIds: ['not-a-channel'] }],
    ['x', { secrets: { consumerSecret: 'c'.repeat(40) }, rotation: 'swap' }],
  ])('answers 400 for an invalid %s body %j, without echoing it', async (channel, body) => {
    const res = await put(channel, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    const secret = (body as { secrets?: Record<string, string> }).secrets;
    for (const value of Object.values(secret ?? {})) expect(JSON.stringify(res.body)).not.toContain(value);
  });

  it('answers 400 for a body that is not JSON and 404 for a network it does not know', async () => {
    expect((await admin('/v1/connections/x', { method: 'PUT', body: '{"secrets":' })).status).toBe(400);
    expect((await put('tiktok', { accountIds: ['1'] })).status).toBe(404);
  });

  it('a newly connected page is heard at once, and a disconnected one no longer', async () => {
    const page = acme.accounts.facebook;
    const newPage = '100000000009999';
    expect((await comment(newPage, acme.secrets.meta.appSecret)).body.received).toBe(0);

    const res = await put('facebook', { accountIds: [page, newPage] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'facebook', accountIds: [page, newPage] });
    expect((await comment(newPage, acme.secrets.meta.appSecret)).body).toMatchObject({ received: 1, recorded: 1 });

    expect((await put('facebook', { accountIds: [page] })).status).toBe(200);
    expect((await comment(newPage, acme.secrets.meta.appSecret)).body.received).toBe(0);
    expect((await comment(page, acme.secrets.meta.appSecret)).body.recorded).toBe(1);
  });

  it('keeps YouTube watched channels apart, and the other tenant sees none of it', async () => {
    const watched = `UC${'w'.repeat(22)}`;
    const res = await put('youtube', { watchedChannelIds: [watched] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accountIds: [acme.accounts.youtube], watchedChannelIds: [watched] });
    const theirs = await api(rt.url, globex.tokens.admin)('/v1/connections');
    const youtube = theirs.body.items.find((i: { channel: string }) => i.channel === 'youtube');
    expect(youtube).toMatchObject({ accountIds: [globex.accounts.youtube], watchedChannelIds: [] });
    expect(theirs.body.items[0].accountIds).toEqual([globex.accounts.facebook]);
  });

  it('replaces a store secret: answered with its new date, stored encrypted', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const res = await put('events', { secrets: { secret } });
    expect(res.status).toBe(200);
    expect(res.body.secrets.secret.active).toBe(1);
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const onDisk = readFileSync(join(rt.dataDir, 'secrets.enc'), 'utf8');
    expect(onDisk).not.toContain(secret.slice('whsec_'.length));
  });
});

describe('rotating the Meta app secret and verify token', () => {
  const newAppSecret = randomBytes(16).toString('hex');
  const newVerifyToken = randomBytes(12).toString('hex');

  it("'add' keeps the current secret valid beside the new one", async () => {
    const res = await put('facebook', { secrets: { appSecret: newAppSecret, verifyToken: newVerifyToken }, rotation: 'add' });
    expect(res.status).toBe(200);
    expect(res.body.secrets.appSecret.active).toBe(2);
    expect(res.body.secrets.verifyToken.active).toBe(2);
    expect(res.body.secrets.appSecret.addedAt[0] > res.body.secrets.appSecret.addedAt[1]).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(new RegExp(`${newAppSecret}|${newVerifyToken}`));

    expect((await comment(acme.accounts.facebook, newAppSecret)).status).toBe(200);
    expect((await comment(acme.accounts.facebook, acme.secrets.meta.appSecret)).status).toBe(200);
    expect(await handshake(newVerifyToken)).toBe(200);
    expect(await handshake(acme.secrets.meta.verifyToken)).toBe(200);
  });

  it('a third active secret is refused with 409, and the set stays as it was', async () => {
    const res = await put('whatsapp', { secrets: { appSecret: randomBytes(16).toString('hex') }, rotation: 'add' });
    expect(res.status).toBe(409);
    const facebook = (await admin('/v1/connections')).body.items[0];
    expect(facebook.secrets.appSecret.active).toBe(2);
  });

  it('retiring keeps the newest: the old secret and token stop working, the new ones go on', async () => {
    // Instagram shares the Meta app's secrets with Facebook
    const res = await retire('instagram', { keep: 'newest' });
    expect(res.status).toBe(200);
    expect(res.body.secrets).toMatchObject({ appSecret: { active: 1 }, verifyToken: { active: 1 } });

    const old = await comment(acme.accounts.facebook, acme.secrets.meta.appSecret);
    expect(old.status).toBe(401);
    expect((await comment(acme.accounts.facebook, newAppSecret)).body.recorded).toBe(1);
    expect(await handshake(acme.secrets.meta.verifyToken)).toBe(403);
    expect(await handshake(newVerifyToken)).toBe(200);
    // the other tenant's secrets did not move
    const theirs = postMeta(rt.url, 'globex', globex.secrets.meta.appSecret, pageDelivery(globex.accounts.facebook, []));
    expect((await theirs).status).toBe(200);
  });

  it('retire refuses a field the network does not have (400) and answers an idempotent repeat with 200', async () => {
    expect((await retire('facebook', { keep: 'newest', field: 'consumerSecret' })).status).toBe(400);
    expect((await retire('facebook', { keep: 'sometimes' })).status).toBe(400);
    const again = await retire('facebook', { keep: 'newest' });
    expect(again.status).toBe(200);
    expect(again.body.secrets.appSecret.active).toBe(1);
  });
});
