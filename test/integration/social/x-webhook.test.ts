/**
 * X Account Activity webhook through the local runtime: real HTTP, DynamoDB Local, the in-process bus.
 * CRC, signatures (with rotation), every handled event kind, redelivery, batches and tweet deletes.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../adapters/dynamo/client.js';
import { setSecretStore, StaticSecretStore, toTenantSecrets } from '../../../adapters/shared/secrets.js';
import { InteractionRecorded } from '../../../events/catalog.js';
import { keys } from '../../../store/keys.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, jsonOf, sample } from '../../support/webhooks.js';
import { directMessageEvent, favoriteEvent, followEvent, postX, tweet, tweetDeleteEvent, xDelivery, xId, xSignature, xUser } from '../../support/x.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const brand = () => acme.accounts.x;
const secret = () => acme.secrets.x.consumerSecret;
const brandUser = () => xUser({ id: brand(), screenName: 'acme' });
const person = (name = 'Ana Ruiz') => xUser({ id: xId(), screenName: name.toLowerCase().replace(/\W/g, '_'), name, followers: 1520, following: 310, posts: 8842, verified: true });
const mentionOf = (user: ReturnType<typeof xUser>, text: string) => tweet({ text, user, mentions: [{ id: brand(), screenName: 'acme' }] });
const interactionEvents = () => rt.bus.recent.filter((e) => e['detail-type'] === InteractionRecorded.detailType);

async function customerOf(xUserId: string) {
  const found = await marketer(`/v1/customers?channel=x&externalId=${xUserId}`);
  expect(found.status).toBe(200);
  return found.body.items[0] as { id: string } | undefined;
}

async function timelineOf(xUserId: string) {
  const customer = await customerOf(xUserId);
  if (!customer) return [];
  // the interactions (a DM also opens a service ticket, which has its own item on the timeline)
  return ((await marketer(`/v1/customers/${customer.id}/timeline`)).body.items as Record<string, unknown>[]).filter((i) => i.type === 'interaction');
}

describe('CRC', () => {
  it('answers byte-exact JSON with sha256= + base64 HMAC of the crc_token under the consumer secret', async () => {
    const crcToken = 'f1bd1f3d-5e4b-4c9e-a7ad-3a2b1c0d9e8f+/=&?';
    const res = await fetch(`${rt.url}/webhooks/acme/x?crc_token=${encodeURIComponent(crcToken)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const expected = createHmac('sha256', secret()).update(crcToken).digest('base64');
    expect(await res.text()).toBe(`{"response_token":"sha256=${expected}"}`);
  });

  it("uses the tenant's own secret: globex answers differently", async () => {
    const [a, g] = await Promise.all([
      fetch(`${rt.url}/webhooks/acme/x?crc_token=same`).then(jsonOf),
      fetch(`${rt.url}/webhooks/globex/x?crc_token=same`).then(jsonOf),
    ]);
    expect(g.response_token).toBe(`sha256=${createHmac('sha256', globex.secrets.x.consumerSecret).update('same').digest('base64')}`);
    expect(a.response_token).not.toBe(g.response_token);
  });

  it('400 without crc_token, 404 for an unknown tenant', async () => {
    const missing = await fetch(`${rt.url}/webhooks/acme/x`);
    expect(missing.status).toBe(400);
    expect((await jsonOf(missing)).error.code).toBe('invalid_input');
    expect((await fetch(`${rt.url}/webhooks/nobody/x?crc_token=abc`)).status).toBe(404);
  });
});

describe('events', () => {
  it('a mention creates a prospect with the X identity and reach, stores the text and publishes InteractionRecorded', async () => {
    const ana = person();
    const t = mentionOf(ana, 'Acabo de recibir mis botas @acme y son geniales 😍🥾');
    const before = interactionEvents().length;
    const res = await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_create_events: [t] }));
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ received: 1, recorded: 1, duplicates: 0, removed: 0, skipped: {} });

    const customer = await customerOf(ana.id_str);
    const profile = (await marketer(`/v1/customers/${customer!.id}`)).body;
    expect(profile).toMatchObject({ stage: 'prospect', displayName: 'Ana Ruiz', identities: [{ channel: 'x', externalId: ana.id_str, handle: 'ana_ruiz', name: 'Ana Ruiz' }] });
    const { Item } = await documentClient().send(new GetCommand({ TableName: rt.tableName, Key: keys.customer('acme', customer!.id) }));
    expect(Item?.data.identities[0].influence).toEqual({ followers: 1520, following: 310, posts: 8842, verified: true, updatedAt: expect.any(String) });

    const [item] = await timelineOf(ana.id_str);
    expect(item).toMatchObject({ type: 'interaction', channel: 'x', kind: 'mention', externalId: t.id_str, accountId: brand(), text: 'Acabo de recibir mis botas @acme y son geniales 😍🥾' });
    const events = interactionEvents().slice(before);
    expect(events).toHaveLength(1);
    expect(InteractionRecorded.detail.parse(events[0]!.detail).data).toMatchObject({ customerId: customer!.id, channel: 'x', kind: 'mention', externalId: t.id_str, hasText: true });
  });

  it('keeps 19-digit ids exactly as id_str says, even with a numeric id JSON.parse would round', async () => {
    const ana = person();
    const t = mentionOf(ana, 'big ids @acme');
    // X sends the numeric id too; 1924465506158878979 becomes 1924465506158879000 under JSON.parse
    const body = xDelivery(brand(), { tweet_create_events: [t] }).replace('"id":0,"id_str"', '"id":1924465506158878979,"id_str"');
    expect(body).toContain('1924465506158878979');
    expect((await postX(rt.url, 'acme', secret(), body)).status).toBe(200);
    const [item] = await timelineOf(ana.id_str);
    expect(item?.externalId).toBe(t.id_str);
    expect(t.id_str).toMatch(/^\d{19}$/);
  });

  it('records a reply, a like, a follow and a DM of one batch, and a redelivery changes nothing', async () => {
    const ana = person();
    const bob = person('Bob Stone');
    const body = xDelivery(brand(), {
      tweet_create_events: [
        tweet({ text: '@acme is the jacket waterproof? 🌧️', user: ana, inReplyTo: { statusId: '1860000000000000001', userId: brand(), screenName: 'acme' } }),
        mentionOf(bob, 'Loving the new store @acme'),
      ],
      favorite_events: [favoriteEvent({ liker: ana, tweetId: '1860000000000000001', tweetAuthorId: brand() })],
      follow_events: [followEvent({ type: 'follow', source: bob, target: brandUser() })],
      direct_message_events: [directMessageEvent({ senderId: ana.id_str, recipientId: brand(), text: 'Hola, ¿tenéis envío a Canarias? 🏝️' })],
      users: { [ana.id_str]: { id: ana.id_str, name: 'Ana Ruiz', screen_name: 'ana_ruiz', followers_count: 1520 } },
    });
    const res = await postX(rt.url, 'acme', secret(), body);
    expect(await jsonOf(res)).toEqual({ received: 5, recorded: 5, duplicates: 0, removed: 0, skipped: {} });
    expect((await timelineOf(ana.id_str)).map((i) => i.kind).sort()).toEqual(['comment', 'dm', 'like']);
    expect((await timelineOf(bob.id_str)).map((i) => i.kind).sort()).toEqual(['follow', 'mention']);

    await rt.drain();
    const events = interactionEvents().length;
    const again = await postX(rt.url, 'acme', secret(), body);
    expect(await jsonOf(again)).toEqual({ received: 5, recorded: 0, duplicates: 5, removed: 0, skipped: {} });
    await rt.drain();
    expect(interactionEvents().length).toBe(events);
    expect(await timelineOf(ana.id_str)).toHaveLength(3);
  });

  it('the verbatim DM sample, addressed to the connected account, becomes a dm from the sender', async () => {
    const raw = sample('x-aaa-direct_message_events.json').replaceAll('4337869213', brand()).replaceAll('954491830116155396', xId());
    const res = await postX(rt.url, 'acme', secret(), raw);
    expect((await jsonOf(res)).recorded).toBe(1);
    const items = await timelineOf('3001969357');
    expect(items.some((i) => i.kind === 'dm' && i.text === 'Hello World!')).toBe(true);
  });

  it('a tweet delete erases the stored text from the timeline; the fact stays', async () => {
    const ana = person();
    const t = mentionOf(ana, 'mi número es 600 123 456, llamadme @acme 📞');
    await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_create_events: [t] }));
    expect(JSON.stringify(await timelineOf(ana.id_str))).toContain('600 123 456');

    const res = await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_delete_events: [tweetDeleteEvent({ tweetId: t.id_str, userId: ana.id_str })] }));
    expect(await jsonOf(res)).toMatchObject({ received: 0, removed: 1 });
    const timeline = await timelineOf(ana.id_str);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ kind: 'mention', externalId: t.id_str, removedAt: expect.any(String) });
    expect(timeline[0]).not.toHaveProperty('text');
    expect(JSON.stringify(timeline)).not.toContain('600 123 456');
    // a redelivered create does not bring the text back
    await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_create_events: [t] }));
    expect(JSON.stringify(await timelineOf(ana.id_str))).not.toContain('600 123 456');
  });

  it('an unfollow marks the follow removed', async () => {
    const bob = person('Bob Unfollow');
    await postX(rt.url, 'acme', secret(), xDelivery(brand(), { follow_events: [followEvent({ type: 'follow', source: bob, target: brandUser() })] }));
    const res = await postX(rt.url, 'acme', secret(), xDelivery(brand(), { follow_events: [followEvent({ type: 'unfollow', source: bob, target: brandUser() })] }));
    expect(await jsonOf(res)).toMatchObject({ removed: 1 });
    expect(await timelineOf(bob.id_str)).toEqual([expect.objectContaining({ kind: 'follow', removedAt: expect.any(String) })]);
  });

  it("acknowledges the brand's own activity, unknown event keys and unconnected accounts without writing", async () => {
    const ana = person();
    const res = await postX(
      rt.url,
      'acme',
      secret(),
      xDelivery(brand(), {
        tweet_create_events: [tweet({ text: 'New drop!', user: brandUser() })],
        direct_message_events: [directMessageEvent({ senderId: brand(), recipientId: ana.id_str, text: 'Thanks Ana!' })],
        block_events: [{ type: 'block', created_timestamp: '1', source: brandUser(), target: ana }],
        direct_message_mark_read_events: [{ created_timestamp: '1', sender_id: ana.id_str }],
      }),
    );
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      received: 0,
      recorded: 0,
      duplicates: 0,
      removed: 0,
      skipped: { 'own-account': 2, 'unsupported:block_events': 1, 'unsupported:direct_message_mark_read_events': 1 },
    });
    expect(await customerOf(ana.id_str)).toBeUndefined();
    expect(await customerOf(brand())).toBeUndefined();

    const other = person();
    const elsewhere = await postX(rt.url, 'acme', secret(), xDelivery(globex.accounts.x, { tweet_create_events: [tweet({ text: 'hi', user: other, mentions: [{ id: globex.accounts.x, screenName: 'globex' }] })] }));
    expect(await jsonOf(elsewhere)).toMatchObject({ received: 0, skipped: { 'account-not-connected': 1 } });
    expect(await customerOf(other.id_str)).toBeUndefined();
  });
});

describe('what the webhook refuses, writing nothing', () => {
  async function expectNothingFor(userId: string, eventsBefore: number) {
    expect(await customerOf(userId)).toBeUndefined();
    expect(interactionEvents().length).toBe(eventsBefore);
  }

  it('401 for a missing signature, another secret, another tenant secret, or other bytes', async () => {
    const ana = person();
    const before = interactionEvents().length;
    const body = xDelivery(brand(), { tweet_create_events: [mentionOf(ana, 'hi @acme')] });
    const missing = await fetch(`${rt.url}/webhooks/acme/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(401);
    expect((await jsonOf(missing)).error.code).toBe('unauthorized');
    expect((await postX(rt.url, 'acme', globex.secrets.x.consumerSecret, body)).status).toBe(401);
    expect((await postX(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(401);
    const hexSigned = await postX(rt.url, 'acme', secret(), body, {
      'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', secret()).update(body).digest('hex')}`,
    });
    expect(hexSigned.status).toBe(401);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    const other = await fetch(`${rt.url}/webhooks/acme/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(secret(), body) },
      body: reserialised,
    });
    expect(other.status).toBe(401);
    await expectNothingFor(ana.id_str, before);
  });

  it('400 for a signed body that is not JSON, or a malformed event among good ones', async () => {
    const ana = person();
    const before = interactionEvents().length;
    expect((await postX(rt.url, 'acme', secret(), '{not json')).status).toBe(400);
    const { id_str: _drop, ...noIdStr } = mentionOf(person(), 'no id_str @acme');
    const res = await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_create_events: [mentionOf(ana, 'good one @acme'), noIdStr] }));
    expect(res.status).toBe(400);
    const error = (await jsonOf(res)).error;
    expect(error.code).toBe('invalid_input');
    expect(JSON.stringify(error.details)).toContain('tweet_create_events.1.id_str');
    await expectNothingFor(ana.id_str, before);
  });

  it('404 for an unknown tenant, even when signed', async () => {
    expect((await postX(rt.url, 'nobody', secret(), xDelivery(brand(), {}))).status).toBe(404);
  });
});

describe('secret rotation', () => {
  it('accepts deliveries signed with either active consumer secret; the CRC answers with the first', async () => {
    const state = rt.credentials.tenants;
    const rotated = `${secret()}-rotated`;
    const original = new StaticSecretStore(new Map(state.map((t) => [t.tenantId, toTenantSecrets(t.secrets)])));
    setSecretStore(
      new StaticSecretStore(
        new Map(
          state.map((t) => {
            const secrets = toTenantSecrets(t.secrets);
            if (t.tenantId === 'acme') secrets.x.consumerSecrets = [rotated, secret()];
            return [t.tenantId, secrets];
          }),
        ),
      ),
    );
    try {
      const [a, b] = [person(), person()];
      const withNew = await postX(rt.url, 'acme', rotated, xDelivery(brand(), { tweet_create_events: [mentionOf(a, 'signed with the new secret @acme')] }));
      const withOld = await postX(rt.url, 'acme', secret(), xDelivery(brand(), { tweet_create_events: [mentionOf(b, 'signed with the old secret @acme')] }));
      expect([withNew.status, withOld.status]).toEqual([200, 200]);
      expect(await customerOf(a.id_str)).toBeDefined();
      expect(await customerOf(b.id_str)).toBeDefined();
      expect((await postX(rt.url, 'acme', `${secret()}-unknown`, xDelivery(brand(), {}))).status).toBe(401);
      const crc = await fetch(`${rt.url}/webhooks/acme/x?crc_token=rotation`).then(jsonOf);
      expect(crc.response_token).toBe(`sha256=${createHmac('sha256', rotated).update('rotation').digest('base64')}`);
    } finally {
      setSecretStore(original);
    }
  });
});
