/**
 * Merging customers through the local runtime: two Facebook commenters that are one person become one
 * customer; the other record answers 308 to the survivor; the merge is safe to repeat and to resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../../adapters/dynamo/client.js';
import { DynamoMergeStore } from '../../../adapters/customers/dynamo-merge.js';
import { mergeOnSharedIdentity } from '../../../domain/customers/merge.js';
import { recordSocialInteractions } from '../../../domain/social/interactions.js';
import { ports } from '../../../functions/shared/ports.js';
import { CustomersMerged } from '../../../events/catalog.js';
import { keys } from '../../../store/keys.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

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

let seq = 0;
const newPsid = () => `66000${Date.now() % 100000}${++seq}`;
const mergedEvents = () => rt.bus.recent.filter((e) => e['detail-type'] === CustomersMerged.detailType);

/** Posts comments by one Facebook user; answers the customer id and the raw deliveries (for redelivery). */
async function commenter(psid: string, messages: string[]) {
  const page = acme.accounts.facebook;
  const bodies: string[] = [];
  for (const [n, message] of messages.entries()) {
    const body = pageDelivery(page, [feedComment({ pageId: page, fromId: psid, fromName: `User ${psid}`, message, createdTime: 1_763_800_000 + seq * 100 + n })]);
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
    bodies.push(body);
  }
  const found = await marketer(`/v1/customers?channel=facebook&externalId=${psid}`);
  return { id: found.body.items[0].id as string, bodies };
}

/** Waits (bounded) until the knowledge consumer has counted `count` Facebook interactions for the customer. */
async function activityReaches(customerId: string, count: number) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await marketer(`/v1/customers/${customerId}`);
    if (res.body.activity?.interactionsByChannel?.facebook === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`activity of ${customerId} never reached ${count}`);
}

const merge = (survivorId: string, body: unknown, client = marketer) =>
  client(`/v1/customers/${survivorId}/merge`, { method: 'POST', body: JSON.stringify(body) });

describe('POST /v1/customers/{id}/merge', () => {
  let survivor: { id: string; bodies: string[] };
  let merged: { id: string; bodies: string[] };
  let psidS: string;
  let psidM: string;

  beforeAll(async () => {
    psidS = newPsid();
    psidM = newPsid();
    survivor = await commenter(psidS, ['first from S', 'second from S']);
    merged = await commenter(psidM, ['one from M', 'two from M', 'three from M']);
    // the activity figures arrive through the customer-knowledge queue
    await activityReaches(survivor.id, 2);
    await activityReaches(merged.id, 3);
  });

  it('moves the other customer’s identities and timeline to the survivor and publishes CustomersMerged', async () => {
    const before = mergedEvents().length;
    const res = await merge(survivor.id, { mergeWith: merged.id, reason: 'same person' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ survivorId: survivor.id, mergedId: merged.id, reason: 'same person', mergedAt: expect.any(String), status: 'completed' });

    const profile = await marketer(`/v1/customers/${survivor.id}`);
    expect(profile.status).toBe(200);
    expect(profile.body.identities.map((i: { externalId: string }) => i.externalId).sort()).toEqual([psidM, psidS].sort());
    // the activity figures are knowledge: the merged record's count joins the survivor's when the knowledge
    // consumer applies CustomersMerged (once: a redelivered event adds nothing)
    await activityReaches(survivor.id, 5);

    const timeline = await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`);
    const interactions = timeline.body.items.filter((i: { type: string }) => i.type === 'interaction');
    expect(interactions.map((i: { text: string }) => i.text).sort()).toEqual(['first from S', 'one from M', 'second from S', 'three from M', 'two from M']);
    expect(interactions.every((i: { customerId: string }) => i.customerId === survivor.id)).toBe(true);
    const occurred = timeline.body.items.map((i: { occurredAt: string }) => i.occurredAt);
    expect(occurred).toEqual([...occurred].sort().reverse());
    expect(timeline.body.items.filter((i: { type: string }) => i.type === 'merge')).toEqual([
      { type: 'merge', occurredAt: res.body.mergedAt, survivorId: survivor.id, mergedId: merged.id, reason: 'same person' },
    ]);

    const events = mergedEvents().slice(before);
    expect(events).toHaveLength(1);
    expect(CustomersMerged.detail.parse(events[0]!.detail).data).toEqual({ survivorId: survivor.id, mergedId: merged.id, reason: 'same person' });
  });

  it('the merged customer answers 308 with the survivor’s location; its timeline keeps the merge record', async () => {
    const res = await fetch(`${rt.url}/v1/customers/${merged.id}`, { headers: { authorization: `Bearer ${acme.tokens.agent}` }, redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe(`/v1/customers/${survivor.id}`);
    expect(await res.json()).toEqual({ id: merged.id, mergedInto: survivor.id });
    // a client that follows redirects lands on the survivor
    const followed = await marketer(`/v1/customers/${merged.id}`);
    expect(followed.status).toBe(200);
    expect(followed.body.id).toBe(survivor.id);

    const timeline = await marketer(`/v1/customers/${merged.id}/timeline`);
    expect(timeline.body.items.map((i: { type: string }) => i.type)).toEqual(['merge']);
  });

  it('finds the survivor by the merged customer’s identity, and records its new comments there', async () => {
    const found = await marketer(`/v1/customers?channel=facebook&externalId=${psidM}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([survivor.id]);

    const page = acme.accounts.facebook;
    const body = pageDelivery(page, [feedComment({ pageId: page, fromId: psidM, message: 'after the merge' })]);
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
    const timeline = await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`);
    expect(timeline.body.items.some((i: { text?: string }) => i.text === 'after the merge')).toBe(true);
  });

  it('a redelivered comment of the merged customer is still recognised (its dedupe reference moved along)', async () => {
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, merged.bodies[0]!);
    expect(await res.json()).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.customer('acme', merged.id) }));
    expect(Item?.data).toMatchObject({ mergedInto: survivor.id, identities: [] });
    expect(Item?.gsi1pk).toBeUndefined(); // off the stage index: audiences no longer count it
  });

  it('repeating the merge answers the same and publishes nothing more', async () => {
    const before = mergedEvents().length;
    const first = (await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`)).body.items.length;
    const again = await merge(survivor.id, { mergeWith: merged.id });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ survivorId: survivor.id, mergedId: merged.id, reason: 'same person', status: 'completed' });
    expect(mergedEvents().length).toBe(before);
    expect((await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`)).body.items.length).toBe(first);
    expect((await marketer(`/v1/customers/${survivor.id}`)).body.activity.interactionsByChannel.facebook).toBeGreaterThanOrEqual(5);
  });

  it('refuses merging into the merged record (409), with itself (400), unknown ids (404) and bad bodies (400)', async () => {
    const other = await commenter(newPsid(), ['lonely']);
    expect((await merge(merged.id, { mergeWith: other.id })).status).toBe(409);
    expect((await merge(other.id, { mergeWith: merged.id })).status).toBe(409);
    expect((await merge(other.id, { mergeWith: other.id })).status).toBe(400);
    expect((await merge(other.id, { mergeWith: 'no-such-customer' })).status).toBe(404);
    expect((await merge(other.id, { mergeWith: '' })).status).toBe(400);
    expect((await merge(other.id, { with: survivor.id })).status).toBe(400);
  });

  it('is for marketers and admins: an agent gets 403; another tenant’s token finds nothing (404)', async () => {
    const a = await commenter(newPsid(), ['a']);
    const b = await commenter(newPsid(), ['b']);
    expect((await merge(a.id, { mergeWith: b.id }, api(rt.url, acme.tokens.agent))).status).toBe(403);
    expect((await merge(a.id, { mergeWith: b.id }, api(rt.url, globex.tokens.admin))).status).toBe(404);
    expect((await marketer(`/v1/customers/${b.id}`)).status).toBe(200);
    expect((await merge(a.id, { mergeWith: b.id }, api(rt.url, acme.tokens.admin))).status).toBe(200);
  });
});

describe('what points at the merged customer’s timeline', () => {
  it('an order on the merged timeline moves, and its order record names the survivor', async () => {
    const survivor = await commenter(newPsid(), ['s']);
    const merged = await commenter(newPsid(), ['m']);
    const order = { id: 'order-item-1', tenantId: 'acme', customerId: merged.id, store: 'shopify', orderId: '820982911946154508', placedAt: '2026-11-20T10:00:00.000Z' };
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.order('acme', 'shopify', order.orderId), entity: 'Order', rev: 3, data: order } }));
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.timelineItem('acme', merged.id, order.placedAt, 'order', order.id), entity: 'TimelineItem', type: 'order', occurredAt: order.placedAt, data: order },
      }),
    );
    expect((await merge(survivor.id, { mergeWith: merged.id })).status).toBe(200);
    const timeline = await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`);
    expect(timeline.body.items.find((i: { type: string }) => i.type === 'order')).toMatchObject({ orderId: order.orderId, customerId: survivor.id });
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.order('acme', 'shopify', order.orderId) }));
    expect(Item).toMatchObject({ rev: 4, data: { customerId: survivor.id } });
  });
});

describe('automatic merge when two customers share a person’s identities', () => {
  it('the onConflict hook merges the other holder of the phone into the customer the delivery is recorded on', async () => {
    // the production ports with the hook installed (functions/shared/ports.ts gets the same one-line wiring)
    const hooked = {
      ...ports,
      onConflict: mergeOnSharedIdentity({ merges: new DynamoMergeStore(), publisher: ports.publisher, clock: ports.clock }),
    };
    const ctx = { tenantId: 'acme', correlationId: 'auto-merge-test' };
    const phone = `+3460${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const waId = phone.slice(1);
    // a WhatsApp customer, known by its wa_id and phone number
    await recordSocialInteractions(hooked, ctx, [
      { channel: 'whatsapp', kind: 'dm', externalId: `wamid.${waId}.1`, author: { externalId: waId, links: [{ channel: 'phone', externalId: phone }] }, text: 'hola', occurredAt: '2026-11-20T10:00:00.000Z' },
    ]);
    const whatsappCustomer = (await marketer(`/v1/customers?phone=${encodeURIComponent(phone)}`)).body.items[0].id;
    // a Facebook commenter, a different record so far
    const psid = newPsid();
    const facebookCustomer = (await commenter(psid, ['first on facebook'])).id;
    expect(facebookCustomer).not.toBe(whatsappCustomer);

    // a delivery proves the Facebook user has that phone: both records hold the person's identities
    const before = mergedEvents().length;
    await recordSocialInteractions(hooked, ctx, [
      { channel: 'facebook', kind: 'comment', externalId: `c-${psid}-2`, author: { externalId: psid, links: [{ channel: 'phone', externalId: phone }] }, text: 'me again', occurredAt: '2026-11-21T10:00:00.000Z' },
    ]);
    const events = mergedEvents().slice(before).map((e) => CustomersMerged.detail.parse(e.detail).data);
    expect(events).toEqual([{ survivorId: facebookCustomer, mergedId: whatsappCustomer, reason: 'shared-identity' }]);
    expect((await marketer(`/v1/customers?phone=${encodeURIComponent(phone)}`)).body.items[0].id).toBe(facebookCustomer);
    const timeline = await marketer(`/v1/customers/${facebookCustomer}/timeline?limit=100`);
    expect(timeline.body.items.filter((i: { type: string }) => i.type === 'interaction').map((i: { text: string }) => i.text).sort()).toEqual(['first on facebook', 'hola', 'me again']);
  });
});

describe('resuming a merge that stopped half way', () => {
  it('a merge whose first steps ran before a failure is finished by asking again', async () => {
    const psidS = newPsid();
    const psidM = newPsid();
    const survivor = await commenter(psidS, ['s1']);
    const merged = await commenter(psidM, ['m1', 'm2']);
    // the failed attempt got as far as the tombstone and one page of the timeline
    const store = new DynamoMergeStore();
    await store.markMerged('acme', merged.id, survivor.id, { at: '2026-11-23T10:00:00.000Z', reason: 'manual' });
    await store.moveTimelinePage('acme', merged.id, survivor.id);

    const res = await merge(survivor.id, { mergeWith: merged.id, reason: 'ignored: the first attempt decided' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mergedAt: '2026-11-23T10:00:00.000Z', reason: 'manual', status: 'completed' });
    const timeline = await marketer(`/v1/customers/${survivor.id}/timeline?limit=100`);
    expect(timeline.body.items.filter((i: { type: string }) => i.type === 'interaction').map((i: { text: string }) => i.text).sort()).toEqual(['m1', 'm2', 's1']);
    expect((await marketer(`/v1/customers?channel=facebook&externalId=${psidM}`)).body.items[0].id).toBe(survivor.id);
  });
});
