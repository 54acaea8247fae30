/**
 * The social-profiling gate through the local runtime. Without social_profiling consent a person's
 * interactions are kept only to serve them: they expire after the tenant's retention period (the TTL
 * attribute on the timeline item and its reference), every reader ignores them once expired, and they count
 * in no figure or segment. Granting counts the retained history and keeps it; withdrawing stops that at once
 * and re-applies the retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../adapters/dynamo/client.js';
import { keys } from '../../../store/keys.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { postEvent } from '../../support/stores.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let admin: ReturnType<typeof api>;
let segmentId: string;
const DAY = 86_400;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme] = rt.credentials.tenants as [typeof acme];
  admin = api(rt.url, acme.tokens.admin);
  const segment = await admin('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'talks to us', rule: { field: 'interactions', op: 'gte', value: 1 } }) });
  expect(segment.status).toBe(201);
  segmentId = segment.body.id;
});
afterAll(async () => rt?.stop());

let seq = 0;
async function comment(psid: string, message: string): Promise<string> {
  const page = acme.accounts.facebook;
  const body = pageDelivery(page, [feedComment({ pageId: page, fromId: psid, message })]);
  expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
  return (await admin(`/v1/customers?channel=facebook&externalId=${psid}`)).body.items[0].id;
}
const newPsid = () => `55${Date.now() % 1_000_000}${++seq}`;

/** The person's interaction items as stored, with their references. */
async function stored(customerId: string) {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: rt.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tl)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition('acme', customerId), ':tl': keys.timelinePrefix },
      ConsistentRead: true,
    }),
  );
  return Promise.all(
    Items.filter((i) => i.type === 'interaction').map(async (item) => {
      const { Item: ref } = await documentClient().send(
        new GetCommand({ TableName: rt.tableName, Key: keys.interactionRef('acme', item.data.channel, item.data.externalId), ConsistentRead: true }),
      );
      return { item, ref: ref!, text: item.data.text as string, received: Math.floor(Date.parse(item.data.receivedAt) / 1000) };
    }),
  );
}

const consent = async (customerId: string, status: 'granted' | 'withdrawn') => {
  const res = await admin(`/v1/customers/${customerId}/consents`, { method: 'POST', body: JSON.stringify({ purpose: 'social_profiling', status, source: 'https://brand.example/privacy' }) });
  expect(res.status).toBe(201);
  await rt.drain(30_000);
};
const knowledgeOf = async (customerId: string) => (await admin(`/v1/customers/${customerId}`)).body.knowledge;
const members = async () => (await admin(`/v1/segments/${segmentId}/members?limit=100`)).body.items.map((m: { customerId: string }) => m.customerId);
const timelineTexts = async (customerId: string) => (await admin(`/v1/customers/${customerId}/timeline`)).body.items.map((i: { text?: string }) => i.text);

describe('the social-profiling gate', () => {
  const psid = newPsid();
  let customerId: string;

  it('without consent: kept to serve them for the retention period (default 90 days), counted nowhere', async () => {
    customerId = await comment(psid, 'where is my parcel?');
    const [first] = await stored(customerId);
    expect(first!.item.expiresAt).toBe(first!.received + 90 * DAY);
    expect(first!.ref.expiresAt).toBe(first!.item.expiresAt);
    expect(await timelineTexts(customerId)).toEqual(['where is my parcel?']);
    await rt.drain(30_000);
    expect((await knowledgeOf(customerId)).interactions).toBeNull();
    expect(await members()).not.toContain(customerId);
  });

  it('granting counts the retained history at once and keeps it', async () => {
    await consent(customerId, 'granted');
    const [first] = await stored(customerId);
    expect(first!.item.expiresAt).toBeUndefined();
    expect(first!.ref.expiresAt).toBeUndefined();
    expect((await knowledgeOf(customerId)).interactions.count).toBe(1);
    expect(await members()).toContain(customerId);
    // what they say while consenting is kept as well
    await comment(psid, 'thanks, it arrived');
    expect((await stored(customerId)).map((s) => s.item.expiresAt)).toEqual([undefined, undefined]);
  });

  it('withdrawing stops it at once and re-applies the retention to everything they said', async () => {
    await rt.drain(30_000);
    expect((await knowledgeOf(customerId)).interactions.count).toBe(2);
    await consent(customerId, 'withdrawn');
    const knowledge = await knowledgeOf(customerId);
    expect(knowledge.socialProfiling).toBe(false);
    expect(knowledge.interactions).toBeNull();
    expect(knowledge.shares.voice.value).toBeNull();
    expect(await members()).not.toContain(customerId);
    for (const s of await stored(customerId)) {
      expect(s.item.expiresAt, s.text).toBe(s.received + 90 * DAY);
      expect(s.ref.expiresAt, s.text).toBe(s.received + 90 * DAY);
    }
  });

  it('an expired interaction is gone for every reader before TTL deletes it, and a grant does not bring it back', async () => {
    const [older] = (await stored(customerId)).filter((s) => s.text === 'where is my parcel?');
    const past = Math.floor(Date.now() / 1000) - 10; // as if 90 days had passed: DynamoDB deletes some time after
    for (const key of [{ pk: older!.item.pk, sk: older!.item.sk }, { pk: older!.ref.pk, sk: older!.ref.sk }]) {
      await documentClient().send(new UpdateCommand({ TableName: rt.tableName, Key: key, UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': past } }));
    }
    expect(await timelineTexts(customerId)).toEqual(['thanks, it arrived']);
    const news = await admin('/v1/newsroom?channel=facebook&limit=100');
    const texts = news.body.items.filter((i: { customerId: string }) => i.customerId === customerId).map((i: { text: string }) => i.text);
    expect(texts).toEqual(['thanks, it arrived']);
    const exported = (await admin(`/v1/customers/${customerId}/export`)).body;
    expect(exported.sections.TimelineItem.map((t: { text?: string }) => t.text)).toEqual(['thanks, it arrived']);
    expect(exported.sections.InteractionRef).toHaveLength(1);

    await consent(customerId, 'granted');
    const after = await stored(customerId);
    expect(after.find((s) => s.text === 'where is my parcel?')!.item.expiresAt).toBe(past);
    expect(after.find((s) => s.text === 'thanks, it arrived')!.item.expiresAt).toBeUndefined();
    expect(await timelineTexts(customerId)).toEqual(['thanks, it arrived']);
  });

  it("the site's actions follow the same rule", async () => {
    const email = `gate.${Date.now()}@example.test`;
    const res = await postEvent(rt.url, 'acme', acme.secrets.events.secret, 'review.posted', { person: { email }, productId: 'boots', text: 'fine boots' });
    expect(res.status).toBe(200);
    const { customerId: reviewer } = (await res.json()) as { customerId: string };
    const [review] = await stored(reviewer);
    expect(review!.item.expiresAt).toBe(review!.received + 90 * DAY);
  });

  it("after a merge the retention of everything follows the person's combined consent", async () => {
    const keeper = await comment(newPsid(), 'I consent');
    await consent(keeper, 'granted');
    const other = await comment(newPsid(), 'second account here');
    expect((await stored(other))[0]!.item.expiresAt).toEqual(expect.any(Number));
    expect((await admin(`/v1/customers/${keeper}/merge`, { method: 'POST', body: JSON.stringify({ mergeWith: other }) })).status).toBe(200);
    await rt.drain(30_000);
    const moved = (await stored(keeper)).find((s) => s.text === 'second account here');
    expect(moved!.item.expiresAt).toBeUndefined();
    expect(moved!.ref.expiresAt).toBeUndefined();

    // the other way round: the merged record's grant is the person's latest decision, so the survivor's
    // own interactions (expiring until now) are kept from then on too
    const plain = await comment(newPsid(), 'no consent here');
    expect((await stored(plain))[0]!.item.expiresAt).toEqual(expect.any(Number));
    const consenting = await comment(newPsid(), 'I consent too');
    await consent(consenting, 'granted');
    expect((await admin(`/v1/customers/${plain}/merge`, { method: 'POST', body: JSON.stringify({ mergeWith: consenting }) })).status).toBe(200);
    await rt.drain(30_000);
    expect((await admin(`/v1/customers/${plain}`)).body.consent.social_profiling.status).toBe('granted');
    for (const s of await stored(plain)) {
      expect(s.item.expiresAt, s.text).toBeUndefined();
      expect(s.ref.expiresAt, s.text).toBeUndefined();
    }
  });
});

describe('the retention period setting (admin)', () => {
  it('answers the default, takes a new period for what is recorded next, and audits the change', async () => {
    expect((await admin('/v1/settings/privacy')).body).toEqual({ retentionDays: 90 });
    const put = await admin('/v1/settings/privacy', { method: 'PUT', body: JSON.stringify({ retentionDays: 30 }) });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ retentionDays: 30, updatedAt: expect.any(String) });
    expect((await admin('/v1/settings/privacy')).body.retentionDays).toBe(30);

    const customerId = await comment(newPsid(), 'short memory');
    const [s] = await stored(customerId);
    expect(s!.item.expiresAt).toBe(s!.received + 30 * DAY);

    const audit = (await admin('/v1/audit?targetId=acme')).body.items;
    expect(audit[0]).toMatchObject({ action: 'settings.changed', actor: 'acme-admin', details: { setting: 'privacy.retentionDays', from: 90, to: 30 } });
  });

  it('400 for a period that is not 1 to 3650 whole days or for other fields; 403 for a marketer', async () => {
    for (const body of [{ retentionDays: 0 }, { retentionDays: 3651 }, { retentionDays: 1.5 }, { retentionDays: '30' }, { retentionDays: 30, other: 1 }, {}]) {
      expect((await admin('/v1/settings/privacy', { method: 'PUT', body: JSON.stringify(body) })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api(rt.url, acme.tokens.marketer)('/v1/settings/privacy')).status).toBe(403);
  });
});
