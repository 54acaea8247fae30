/**
 * The first slice through the local runtime: real HTTP, DynamoDB Local, the in-process bus and queues.
 * Facebook Page comment → customer → timeline, with every guarantee the webhook owes the platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../adapters/dynamo/client.js';
import { keys } from '../../../store/keys.js';
import { InteractionRecorded } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, jsonOf, metaSignature, pageDelivery, postMeta, sample } from '../../support/webhooks.js';

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

const page = () => acme.accounts.facebook;
let authorSeq = 0;
const newAuthor = () => `70000000000${Date.now() % 100000}${++authorSeq}`;

async function lookup(psid: string, client = marketer) {
  return client(`/v1/customers?channel=facebook&externalId=${psid}`);
}

const interactionEvents = () => rt.bus.recent.filter((e) => e['detail-type'] === InteractionRecorded.detailType);

describe('Meta subscription handshake', () => {
  it('answers the challenge as plain text when the verify token matches', async () => {
    const res = await fetch(
      `${rt.url}/webhooks/acme/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${acme.secrets.meta.verifyToken}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong token with 403 and a JSON error', async () => {
    const res = await fetch(`${rt.url}/webhooks/acme/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=meatyhamhock`);
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
  });

  it("refuses the other tenant's token", async () => {
    const res = await fetch(`${rt.url}/webhooks/acme/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=${globex.secrets.meta.verifyToken}`);
    expect(res.status).toBe(403);
  });

  it('answers 404 for an unknown tenant', async () => {
    const res = await fetch(`${rt.url}/webhooks/nobody/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`);
    expect(res.status).toBe(404);
    expect((await jsonOf(res)).error.code).toBe('not_found');
  });
});

describe('Page feed comment', () => {
  it('creates a prospect, stores the comment on the timeline and publishes InteractionRecorded', async () => {
    const psid = newAuthor();
    const before = interactionEvents().length;
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: psid, fromName: 'Ana Tester', message: 'I love this jacket! ❤️' })]);
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ received: 1, recorded: 1, duplicates: 0 });

    const found = await lookup(psid);
    expect(found.status).toBe(200);
    expect(found.body.nextCursor).toBeNull();
    expect(found.body.items).toHaveLength(1);
    const customer = found.body.items[0];
    expect(customer).toMatchObject({ stage: 'prospect', identities: [{ channel: 'facebook', externalId: psid, name: 'Ana Tester' }] });

    const profile = await marketer(`/v1/customers/${customer.id}`);
    expect(profile.status).toBe(200);
    expect(profile.body.id).toBe(customer.id);

    const timeline = await marketer(`/v1/customers/${customer.id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.items).toHaveLength(1);
    const item = timeline.body.items[0];
    expect(item).toMatchObject({ type: 'interaction', channel: 'facebook', kind: 'comment', text: 'I love this jacket! ❤️', accountId: page() });
    expect(item.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(item.sentiment).toBeGreaterThan(0);

    const events = interactionEvents().slice(before);
    expect(events).toHaveLength(1);
    const detail = InteractionRecorded.detail.parse(events[0]!.detail);
    expect(detail.data).toMatchObject({ customerId: customer.id, channel: 'facebook', kind: 'comment', externalId: item.externalId });
    expect(detail.metadata.tenantId).toBe('acme');

    // the event reached the knowledge consumer through the queue, which keeps the activity figures
    await rt.drain();
    const after = await marketer(`/v1/customers/${customer.id}`);
    expect(after.body.activity).toEqual({ lastInteractionAt: item.occurredAt, interactionsByChannel: { facebook: 1 } });
  });

  it('changes nothing and publishes nothing when the same comment is delivered again', async () => {
    const psid = newAuthor();
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: psid, message: 'same one' })]);
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
    await rt.drain();
    const events = interactionEvents().length;
    const again = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body);
    expect(again.status).toBe(200);
    expect(await jsonOf(again)).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    await rt.drain();
    expect(interactionEvents().length).toBe(events);
    const customer = (await lookup(psid)).body.items[0];
    expect((await marketer(`/v1/customers/${customer.id}/timeline`)).body.items).toHaveLength(1);
    expect((await marketer(`/v1/customers/${customer.id}`)).body.activity.interactionsByChannel).toEqual({ facebook: 1 });
  });

  it('processes every entry and change of one POST', async () => {
    const [a, b] = [newAuthor(), newAuthor()];
    const body = JSON.stringify({
      object: 'page',
      entry: [
        { id: page(), time: 1, changes: [feedComment({ pageId: page(), fromId: a, message: 'one' }), feedComment({ pageId: page(), fromId: b, message: 'two' })] },
        { id: page(), time: 2, changes: [feedComment({ pageId: page(), fromId: a, message: 'three' })] },
      ],
    });
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body);
    expect(await jsonOf(res)).toEqual({ received: 3, recorded: 3, duplicates: 0 });
    const customerA = (await lookup(a)).body.items[0];
    const customerB = (await lookup(b)).body.items[0];
    expect((await marketer(`/v1/customers/${customerA.id}/timeline`)).body.items.map((i: { text: string }) => i.text).sort()).toEqual(['one', 'three']);
    expect((await marketer(`/v1/customers/${customerB.id}/timeline`)).body.items).toHaveLength(1);
  });

  it('accepts a body API Gateway hands over base64-encoded, verifying the decoded bytes', async () => {
    const psid = newAuthor();
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: psid, message: 'binario ñ' })]);
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body, { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(200);
    expect((await lookup(psid)).body.items).toHaveLength(1);
  });

  it('acknowledges the verbatim sample, the page commenting on its own post, without making it a customer', async () => {
    // the sample's page id is the page's own id: connect it to a throwaway copy of the delivery
    const raw = sample('meta-page-feed-comment.restfb.json').replaceAll('1234567890321', page());
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, raw);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ received: 0, recorded: 0, duplicates: 0 });
    expect((await lookup(page())).body.items).toEqual([]);
  });

  it('ignores changes for a page the tenant has not connected', async () => {
    const psid = newAuthor();
    const body = pageDelivery(globex.accounts.facebook, [feedComment({ pageId: globex.accounts.facebook, fromId: psid, message: 'x' })]);
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body);
    expect(res.status).toBe(200);
    expect((await lookup(psid)).body.items).toEqual([]);
  });
});

describe('what the webhook refuses, writing nothing', () => {
  async function expectNothingFor(psid: string, eventsBefore: number) {
    expect((await lookup(psid)).body.items).toEqual([]);
    expect(interactionEvents().length).toBe(eventsBefore);
  }

  it('401 for a missing signature', async () => {
    const psid = newAuthor();
    const before = interactionEvents().length;
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: psid, message: 'x' })]);
    const res = await fetch(`${rt.url}/webhooks/acme/meta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('unauthorized');
    await expectNothingFor(psid, before);
  });

  it('401 for a signature made with another secret, or over other bytes', async () => {
    const psid = newAuthor();
    const before = interactionEvents().length;
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: psid, message: 'x' })]);
    expect((await postMeta(rt.url, 'acme', globex.secrets.meta.appSecret, body)).status).toBe(401);
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    const res = await fetch(`${rt.url}/webhooks/acme/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(acme.secrets.meta.appSecret, body) },
      body: reserialised,
    });
    expect(res.status).toBe(401);
    await expectNothingFor(psid, before);
  });

  it('400 for a signed body that is not JSON, or a malformed comment among good ones', async () => {
    const psid = newAuthor();
    const before = interactionEvents().length;
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, '{not json')).status).toBe(400);
    const good = feedComment({ pageId: page(), fromId: psid, message: 'fine' });
    const bad = { field: 'feed', value: { item: 'comment', verb: 'add', from: { id: psid }, created_time: 1 } };
    const res = await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, pageDelivery(page(), [good, bad]));
    expect(res.status).toBe(400);
    const error = (await jsonOf(res)).error;
    expect(error.code).toBe('invalid_input');
    expect(JSON.stringify(error.details)).toContain('comment_id');
    await expectNothingFor(psid, before);
  });

  it('404 for an unknown tenant, even when signed', async () => {
    const body = pageDelivery(page(), [feedComment({ pageId: page(), fromId: newAuthor(), message: 'x' })]);
    expect((await postMeta(rt.url, 'nobody', acme.secrets.meta.appSecret, body)).status).toBe(404);
  });
});

describe('customer API', () => {
  let customerId: string;
  beforeAll(async () => {
    const psid = newAuthor();
    const base = 1_700_000_000;
    const changes = [0, 1, 2].map((i) => feedComment({ pageId: page(), fromId: psid, message: `comment ${i}`, createdTime: base + i * 60 }));
    await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, pageDelivery(page(), changes));
    customerId = (await lookup(psid)).body.items[0].id;
  });

  it('pages the timeline newest first with an opaque cursor', async () => {
    const first = await marketer(`/v1/customers/${customerId}/timeline?limit=2`);
    expect(first.body.items.map((i: { text: string }) => i.text)).toEqual(['comment 2', 'comment 1']);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await marketer(`/v1/customers/${customerId}/timeline?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items.map((i: { text: string }) => i.text)).toEqual(['comment 0']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('400 for a bad limit or a forged cursor', async () => {
    expect((await marketer(`/v1/customers/${customerId}/timeline?limit=0`)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ sk: 'PROFILE' })).toString('base64url');
    const res = await marketer(`/v1/customers/${customerId}/timeline?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it("answers 404 to the other tenant's token for the same id", async () => {
    const other = api(rt.url, globex.tokens.marketer);
    expect((await other(`/v1/customers/${customerId}`)).status).toBe(404);
    expect((await other(`/v1/customers/${customerId}/timeline`)).status).toBe(404);
    expect((await marketer(`/v1/customers/does-not-exist`)).status).toBe(404);
  });

  it('401 without or with a bad token, 403 for a role without access', async () => {
    const none = await fetch(`${rt.url}/v1/customers/${customerId}`);
    expect(none.status).toBe(401);
    expect((await jsonOf(none)).error.code).toBe('unauthorized');
    expect((await api(rt.url, `${acme.tokens.marketer}x`)(`/v1/customers/${customerId}`)).status).toBe(401);
    const finance = await api(rt.url, acme.tokens.finance)(`/v1/customers/${customerId}`);
    expect(finance.status).toBe(403);
    expect(finance.body.error.code).toBe('forbidden');
    expect((await api(rt.url, acme.tokens.agent)(`/v1/customers/${customerId}`)).status).toBe(200);
  });

  it('400 for an identity lookup without a complete identity', async () => {
    expect((await marketer('/v1/customers?channel=facebook')).status).toBe(400);
    expect((await marketer('/v1/customers')).status).toBe(400);
    expect((await marketer('/v1/customers?email=not-an-email')).status).toBe(400);
    expect((await marketer('/v1/customers?email=nobody@example.com')).body).toEqual({ items: [], nextCursor: null });
  });

  it('404 JSON for a route that does not exist', async () => {
    const res = await marketer('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('metering', () => {
  it("counts each invocation's duration, memory, DynamoDB units and events on the tenant's usage counters", async () => {
    await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, pageDelivery(page(), [feedComment({ pageId: page(), fromId: newAuthor(), message: 'metered' })]));
    await rt.drain();
    const day = new Date().toISOString().slice(0, 10);
    const rows: Record<string, unknown>[] = [];
    for (const pk of keys.usageShards('acme', day)) {
      const { Items } = await documentClient().send(
        new QueryCommand({ TableName: rt.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      );
      rows.push(...(Items ?? []));
    }
    const sum = (fn: string, field: string) => rows.filter((r) => r.functionName === fn).reduce((s, r) => s + (r[field] as number), 0);
    expect(sum('MetaWebhook', 'invocations')).toBeGreaterThan(0);
    expect(sum('MetaWebhook', 'writeUnits')).toBeGreaterThan(0);
    expect(sum('MetaWebhook', 'readUnits')).toBeGreaterThan(0);
    expect(sum('MetaWebhook', 'eventsPublished')).toBeGreaterThan(0);
    expect(sum('MetaWebhook', 'mbMs')).toBe(sum('MetaWebhook', 'billedMs') * 512);
    expect(sum('CustomerKnowledge', 'invocations')).toBeGreaterThan(0);
    expect(sum('CustomersApi', 'invocations')).toBeGreaterThan(0);
    // acme's webhook traffic is billed to acme only
    const globexWebhookRows: Record<string, unknown>[] = [];
    for (const pk of keys.usageShards('globex', day)) {
      const { Items } = await documentClient().send(
        new QueryCommand({ TableName: rt.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
      );
      globexWebhookRows.push(...(Items ?? []).filter((r) => r.functionName === 'MetaWebhook'));
    }
    expect(globexWebhookRows).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document with every route and its schemas', async () => {
    const res = await fetch(`${rt.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await jsonOf(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/customers', '/v1/customers/{customerId}', '/v1/customers/{customerId}/timeline', '/webhooks/{tenantId}/meta']));
    expect(doc.paths['/v1/customers/{customerId}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Customer');
    expect(doc.components.schemas.Customer.required).toEqual(expect.arrayContaining(['id', 'stage', 'identities']));
    expect(doc.paths['/v1/customers/{customerId}/timeline'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['customerId', 'limit', 'cursor', 'type']);
  });
});
