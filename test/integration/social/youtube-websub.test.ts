/**
 * YouTube WebSub webhook through the local runtime: the hub's verification (accept/refuse, leases), and
 * signed Atom notifications of new, updated and deleted videos from channels the tenant watches.
 *
 * The handler's tenant directory keeps tenants for a minute per container: the watched channels are
 * written before the first YouTube request, and a later change calls `ports.tenants.invalidate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTenantDirectory } from '../../../adapters/shared/dynamo-tenants.js';
import { DynamoYoutubeSubscriptions } from '../../../adapters/social/dynamo-youtube.js';
import { setSecretStore, StaticSecretStore, toTenantSecrets } from '../../../adapters/shared/secrets.js';
import type { Tenant } from '../../../domain/shared/model.js';
import { InteractionRecorded } from '../../../events/catalog.js';
import { ports } from '../../../functions/shared/ports.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf } from '../../support/webhooks.js';
import { deletedVideoFeed, hubSignature, postYoutube, topicOf, verifyIntent, videoFeed, videoId } from '../../support/youtube.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let acmeTenant: Tenant;

const CREATOR = 'UCcreatorTrailRunner0001';
const OTHER_CREATOR = 'UCcreatorCoffeeLover0001';
const UNWATCHED = 'UCnobodyWatchesThis00001';
const directory = new DynamoTenantDirectory();

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants.find((t) => t.tenantId === 'acme')!;
  marketer = api(rt.url, acme.tokens.marketer);
  // before any YouTube request, so the handler's first read of the tenant sees the watched channels
  acmeTenant = { ...(await directory.get('acme'))!, watched: { youtube: [CREATOR, OTHER_CREATOR] } };
  await directory.put(acmeTenant);
});
afterAll(async () => rt?.stop());

const secret = () => acme.secrets.youtube.secret;
const interactionEvents = () => rt.bus.recent.filter((e) => e['detail-type'] === InteractionRecorded.detailType);

async function timelineOf(channelId: string) {
  const found = await marketer(`/v1/customers?channel=youtube&externalId=${channelId}`);
  const customer = found.body.items[0] as { id: string } | undefined;
  if (!customer) return [];
  return (await marketer(`/v1/customers/${customer.id}/timeline?limit=100`)).body.items as Record<string, unknown>[];
}
const itemsOf = async (channelId: string, video: string) => (await timelineOf(channelId)).filter((i) => i.postId === video);

describe('WebSub verification', () => {
  const subscribe = (channelId: string, extra: Record<string, string> = {}) =>
    verifyIntent(rt.url, 'acme', { 'hub.mode': 'subscribe', 'hub.topic': topicOf(channelId), 'hub.challenge': 'challenge-7f3a 1', 'hub.lease_seconds': '432000', ...extra });

  it('echoes hub.challenge as plain text for a watched channel and records the lease', async () => {
    const res = await subscribe(CREATOR);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('challenge-7f3a 1');

    const leases = await new DynamoYoutubeSubscriptions().expiringBefore('acme', '9999');
    const lease = leases.find((l) => l.channelId === CREATOR)!;
    expect(lease).toMatchObject({ tenantId: 'acme', topic: topicOf(CREATOR), status: 'subscribed', leaseSeconds: 432000 });
    expect(Date.parse(lease.leaseExpiresAt) - Date.parse(lease.verifiedAt)).toBe(432000 * 1000);
  });

  it("accepts the tenant's own channel; a resubscriber finds leases soonest to expire first", async () => {
    expect((await subscribe(acme.accounts.youtube, { 'hub.lease_seconds': '3600' })).status).toBe(200);
    const leases = await new DynamoYoutubeSubscriptions().expiringBefore('acme', '9999');
    expect(leases.map((l) => l.channelId).slice(0, 2)).toEqual([acme.accounts.youtube, CREATOR]);
    const soon = await new DynamoYoutubeSubscriptions().expiringBefore('acme', new Date(Date.now() + 2 * 3600 * 1000).toISOString());
    expect(soon.map((l) => l.channelId)).toEqual([acme.accounts.youtube]);
  });

  it('records an unsubscription as a lease that has ended', async () => {
    const res = await verifyIntent(rt.url, 'acme', { 'hub.mode': 'unsubscribe', 'hub.topic': topicOf(OTHER_CREATOR), 'hub.challenge': 'bye' });
    expect(await res.text()).toBe('bye');
    const lease = (await new DynamoYoutubeSubscriptions().expiringBefore('acme', '9999')).find((l) => l.channelId === OTHER_CREATOR);
    expect(lease).toMatchObject({ status: 'unsubscribed' });
    expect(lease!.leaseExpiresAt).toBe(lease!.verifiedAt);
  });

  it("refuses with 404 a channel the tenant does not watch, another tenant's channel, and non-feed topics", async () => {
    expect((await subscribe(UNWATCHED)).status).toBe(404);
    const globex = rt.credentials.tenants.find((t) => t.tenantId === 'globex')!;
    expect((await subscribe(globex.accounts.youtube)).status).toBe(404);
    expect((await verifyIntent(rt.url, 'globex', { 'hub.mode': 'subscribe', 'hub.topic': topicOf(CREATOR), 'hub.challenge': 'x', 'hub.lease_seconds': '10' })).status).toBe(404);
    const evil = await subscribe(CREATOR, { 'hub.topic': `https://evil.example/xml/feeds/videos.xml?channel_id=${CREATOR}` });
    expect(evil.status).toBe(404);
    expect(await evil.text()).not.toContain('challenge-7f3a');
    expect((await verifyIntent(rt.url, 'nobody', { 'hub.mode': 'subscribe', 'hub.topic': topicOf(CREATOR), 'hub.challenge': 'x', 'hub.lease_seconds': '10' })).status).toBe(404);
    expect((await new DynamoYoutubeSubscriptions().expiringBefore('acme', '9999')).map((l) => l.channelId)).not.toContain(UNWATCHED);
  });

  it('400 for an incomplete request', async () => {
    expect((await subscribe(CREATOR, { 'hub.challenge': '' })).status).toBe(400);
    expect((await subscribe(CREATOR, { 'hub.lease_seconds': 'forever' })).status).toBe(400);
    expect((await subscribe(CREATOR, { 'hub.mode': 'publish' })).status).toBe(400);
  });

  it('refuses a channel once the tenant stops watching it', async () => {
    await directory.put({ ...acmeTenant, watched: { youtube: [CREATOR] } });
    ports.tenants.invalidate('acme');
    try {
      expect((await subscribe(OTHER_CREATOR)).status).toBe(404);
      expect((await subscribe(CREATOR)).status).toBe(200);
    } finally {
      await directory.put(acmeTenant);
      ports.tenants.invalidate('acme');
    }
    expect((await subscribe(OTHER_CREATOR)).status).toBe(200);
  });
});

describe('Atom notifications', () => {
  it("a signed notification of a watched channel's video becomes content by the channel owner", async () => {
    const video = videoId();
    const before = interactionEvents().length;
    const body = videoFeed({ videoId: video, channelId: CREATOR, title: 'Ruta por los Picos de Europa con mis botas Acme 🥾⛰️', authorName: 'Trail Runner', updated: '2026-11-20T10:00:00.123456789+00:00' });
    const res = await postYoutube(rt.url, 'acme', body, { secret: secret() });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ received: 1, recorded: 1, duplicates: 0, removed: 0, skipped: {} });

    const found = await marketer(`/v1/customers?channel=youtube&externalId=${CREATOR}`);
    expect(found.body.items[0]).toMatchObject({ stage: 'prospect', identities: [{ channel: 'youtube', externalId: CREATOR, name: 'Trail Runner' }] });
    const [item] = await itemsOf(CREATOR, video);
    expect(item).toMatchObject({
      type: 'interaction',
      channel: 'youtube',
      kind: 'content',
      externalId: `${video}@2026-11-20T10:00:00.123456789+00:00`,
      text: 'Ruta por los Picos de Europa con mis botas Acme 🥾⛰️',
      postId: video,
      occurredAt: '2026-11-20T10:00:00.123Z',
    });
    const events = interactionEvents().slice(before);
    expect(events.map((e) => InteractionRecorded.detail.parse(e.detail).data)).toEqual([expect.objectContaining({ channel: 'youtube', kind: 'content', externalId: item!.externalId })]);
  });

  it('accepts whichever algorithm X-Hub-Signature names (sha1, sha256, sha384, sha512)', async () => {
    for (const algorithm of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const video = videoId();
      const res = await postYoutube(rt.url, 'acme', videoFeed({ videoId: video, channelId: CREATOR }), { secret: secret(), algorithm });
      expect(res.status, algorithm).toBe(200);
      expect(await itemsOf(CREATOR, video), algorithm).toHaveLength(1);
    }
  });

  it('dedupes on (videoId, updated): a redelivery is a duplicate, a title change is a new notification', async () => {
    const video = videoId();
    const upload = videoFeed({ videoId: video, channelId: CREATOR, title: 'Unboxing', updated: '2026-11-21T09:00:00+00:00' });
    expect((await jsonOf(await postYoutube(rt.url, 'acme', upload, { secret: secret() }))).recorded).toBe(1);
    await rt.drain();
    const events = interactionEvents().length;
    expect(await jsonOf(await postYoutube(rt.url, 'acme', upload, { secret: secret() }))).toMatchObject({ recorded: 0, duplicates: 1 });
    expect(interactionEvents().length).toBe(events);
    const retitled = videoFeed({ videoId: video, channelId: CREATOR, title: 'Unboxing (updated)', updated: '2026-11-21T09:30:00+00:00' });
    expect((await jsonOf(await postYoutube(rt.url, 'acme', retitled, { secret: secret() }))).recorded).toBe(1);
    expect((await itemsOf(CREATOR, video)).map((i) => i.text).sort()).toEqual(['Unboxing', 'Unboxing (updated)']);
  });

  it("a deleted-entry erases every stored title of the video; a late notification doesn't bring it back", async () => {
    const video = videoId();
    await postYoutube(rt.url, 'acme', videoFeed({ videoId: video, channelId: CREATOR, title: 'Soon gone one', updated: '2026-11-22T09:00:00+00:00' }), { secret: secret() });
    await postYoutube(rt.url, 'acme', videoFeed({ videoId: video, channelId: CREATOR, title: 'Soon gone two', updated: '2026-11-22T10:00:00+00:00' }), { secret: secret() });
    const res = await postYoutube(rt.url, 'acme', deletedVideoFeed({ videoId: video, channelId: CREATOR, when: '2026-11-22T11:00:00+00:00' }), { secret: secret() });
    expect(await jsonOf(res)).toMatchObject({ received: 0, removed: 2 });
    const items = await itemsOf(CREATOR, video);
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject({ removedAt: '2026-11-22T11:00:00.000Z' });
    expect(JSON.stringify(await timelineOf(CREATOR))).not.toContain('Soon gone');

    const late = await postYoutube(rt.url, 'acme', videoFeed({ videoId: video, channelId: CREATOR, title: 'Soon gone three', updated: '2026-11-22T12:00:00+00:00' }), { secret: secret() });
    expect(await jsonOf(late)).toMatchObject({ recorded: 0, skipped: { 'video-deleted': 1 } });
    expect(JSON.stringify(await timelineOf(CREATOR))).not.toContain('Soon gone');
  });

  it("acknowledges the brand's own uploads and unwatched channels without a customer", async () => {
    const own = await postYoutube(rt.url, 'acme', videoFeed({ videoId: videoId(), channelId: acme.accounts.youtube }), { secret: secret() });
    expect(await jsonOf(own)).toMatchObject({ received: 0, skipped: { 'own-account': 1 } });
    const unwatched = await postYoutube(rt.url, 'acme', videoFeed({ videoId: videoId(), channelId: UNWATCHED }), { secret: secret() });
    expect(await jsonOf(unwatched)).toMatchObject({ received: 0, skipped: { 'channel-not-watched': 1 } });
    expect(await timelineOf(acme.accounts.youtube)).toEqual([]);
    expect(await timelineOf(UNWATCHED)).toEqual([]);
  });
});

describe('what the webhook refuses, writing nothing', () => {
  it('401 for an unsigned, wrongly signed, re-encoded or unknown-algorithm notification', async () => {
    const video = videoId();
    const before = interactionEvents().length;
    const body = videoFeed({ videoId: video, channelId: CREATOR });
    const unsigned = await postYoutube(rt.url, 'acme', body);
    expect(unsigned.status).toBe(401);
    expect((await jsonOf(unsigned)).error.code).toBe('unauthorized');
    expect((await postYoutube(rt.url, 'acme', body, { secret: `${secret()}x` })).status).toBe(401);
    expect((await postYoutube(rt.url, 'acme', body, { headers: { 'x-hub-signature': hubSignature(secret(), body.replace('Video title', 'Video  title')) } })).status).toBe(401);
    expect((await postYoutube(rt.url, 'acme', body, { headers: { 'x-hub-signature': hubSignature(secret(), body).replace('sha1=', 'md5=') } })).status).toBe(401);
    expect((await postYoutube(rt.url, 'acme', body, { headers: { 'x-hub-signature': hubSignature(secret(), body).replace('sha1=', 'sha256=') } })).status).toBe(401);
    expect(await itemsOf(CREATOR, video)).toEqual([]);
    expect(interactionEvents().length).toBe(before);
  });

  it('400 for a signed body that is not a well-formed Atom feed', async () => {
    const video = videoId();
    const good = videoFeed({ videoId: video, channelId: CREATOR });
    for (const body of [good.replace('</entry>', ''), `<!DOCTYPE feed>${good}`, good.replace(`<yt:videoId>${video}</yt:videoId>`, '')]) {
      const res = await postYoutube(rt.url, 'acme', body, { secret: secret() });
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('invalid_input');
    }
    expect(await itemsOf(CREATOR, video)).toEqual([]);
  });

  it('404 for an unknown tenant', async () => {
    expect((await postYoutube(rt.url, 'nobody', videoFeed({ videoId: videoId(), channelId: CREATOR }), { secret: secret() })).status).toBe(404);
  });

  it('accepts unsigned notifications only for a tenant subscribed without a secret', async () => {
    const state = rt.credentials.tenants;
    const original = new StaticSecretStore(new Map(state.map((t) => [t.tenantId, toTenantSecrets(t.secrets)])));
    const { youtube: _none, ...withoutYoutube } = acme.secrets;
    setSecretStore(new StaticSecretStore(new Map(state.map((t) => [t.tenantId, toTenantSecrets(t.tenantId === 'acme' ? withoutYoutube : t.secrets)]))));
    try {
      const video = videoId();
      const res = await postYoutube(rt.url, 'acme', videoFeed({ videoId: video, channelId: CREATOR }));
      expect(res.status).toBe(200);
      expect(await itemsOf(CREATOR, video)).toHaveLength(1);
    } finally {
      setSecretStore(original);
    }
    expect((await postYoutube(rt.url, 'acme', videoFeed({ videoId: videoId(), channelId: CREATOR }))).status).toBe(401);
  });
});
