/**
 * Inputs that used to answer 500 through the local runtime: a preview sample of 0 (also `sample=` and `-0`), a
 * path whose percent-encoding is malformed, and list cursors nobody made. Each must answer a JSON 4xx (or a 200
 * when the input is valid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { changesEntry, delivery, freshId, pageComment, sendMeta } from '../../support/meta.js';
import { postEvent } from '../../support/stores.js';

let rt: TestRuntime;
let marketer: ReturnType<typeof api>;
let segmentId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  const acme = rt.credentials.tenants[0]!;
  marketer = api(rt.url, acme.tokens.marketer);
  const res = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'all-customers', rule: { field: 'stage', op: 'eq', value: 'customer' } }) });
  if (res.status !== 201) throw new Error(`segment: ${res.status} ${JSON.stringify(res.body)}`);
  segmentId = res.body.id;
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

describe('segment preview sample size', () => {
  it.each(['0', '', '-0'])('sample=%j asks for the count alone', async (sample) => {
    const res = await marketer(`/v1/segments/${segmentId}/preview?sample=${sample}`);
    expect(res.status).toBe(200);
    expect(res.body.sample).toEqual([]);
    expect(typeof res.body.count).toBe('number');
  });
});

describe('local gateway path decoding', () => {
  it.each(['/v1/customers/%E0%A4%A', '/v1/segments/%E0%A4%A/preview', '/webhooks/%E0%A4%A/meta'])('%s answers a JSON 400', async (path) => {
    const res = await marketer(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});

describe('list cursors (one codec, domain/shared/cursor.ts)', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
  const bad = ['not-json', b64({ m: 'd', d: '9999-99-99' }), b64({ sk: 'T#other#C#x / PROFILE' }), b64({ pk: 'T#globex#CAMPAIGN#x', sk: 'CAMPAIGN', gsi1sk: 1 }), b64([1, 2, 3]), '%%%', 'A'.repeat(3000)];
  let customerId: string;
  let queueId: string;
  beforeAll(async () => {
    const acme = rt.credentials.tenants[0]!;
    const created = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email: `cursor.${Date.now()}@example.com` }) });
    customerId = created.body.id;
    queueId = `q-cursor-${Date.now()}`;
    const admin = api(rt.url, acme.tokens.admin);
    const q = await admin(`/v1/service/queues/${queueId}`, { method: 'PUT', body: JSON.stringify({ name: 'Cursor queue' }) });
    if (q.status >= 300) throw new Error(`queue: ${q.status} ${JSON.stringify(q.body)}`);
  });
  const lists = () => [
    `/v1/customers/${customerId}/timeline`,
    `/v1/customers/${customerId}/loyalty`,
    `/v1/segments/${segmentId}/members`,
    '/v1/audit',
    '/v1/newsroom',
    '/v1/campaigns?status=draft',
    `/v1/service/queues/${queueId}/tickets?status=open`,
  ];
  it('every list refuses a cursor it did not make with a JSON 400 naming the cursor, and writes nothing', async () => {
    const acme = rt.credentials.tenants[0]!;
    const admin = api(rt.url, acme.tokens.admin);
    for (const path of lists()) {
      for (const cursor of bad) {
        const res = await admin(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, `${path} cursor=${cursor.slice(0, 40)}`).toBe(400);
        expect(res.body.error.code, path).toBe('invalid_input');
      }
    }
  });
  it('a cursor a list made still reads the next page', async () => {
    const admin = api(rt.url, rt.credentials.tenants[0]!.tokens.admin);
    // two audited changes, so the audit has a second page
    for (const name of ['one', 'two']) await admin(`/v1/service/queues/${queueId}`, { method: 'PUT', body: JSON.stringify({ name }) });
    const first = await admin('/v1/audit?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin(`/v1/audit?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0]).not.toEqual(first.body.items[0]);
  });
});

describe('segment rules bounded in the schema', () => {
  const post = (rule: unknown) => marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: `bounded-${Date.now()}-${Math.random()}`, rule }) });
  it.each([1e125, 1e308, -1e20])('a number of %s is a 400, not a marshaller 500', async (value) => {
    const res = await post({ field: 'orders', op: 'gte', value });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });
  it('a rule nested 2,000 nots deep is a 400, not a stack overflow', async () => {
    let rule: unknown = { field: 'stage', op: 'eq', value: 'lead' };
    for (let i = 0; i < 2000; i++) rule = { not: rule };
    const res = await post(rule);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('nest at most');
  });
  it('a rule at the allowed depth is still accepted', async () => {
    let rule: unknown = { field: 'stage', op: 'eq', value: 'lead' };
    for (let i = 0; i < 5; i++) rule = { not: rule };
    expect((await post(rule)).status).toBe(201);
  });
});

describe('size limits (domain/shared/limits.ts), one check at the edge', () => {
  it('an id, a query value or a delivery id header past its limit is a JSON 400, before anything is read or written', async () => {
    const long = 'x'.repeat(2100);
    for (const path of [`/v1/customers/${long}`, `/v1/segments/${long}/preview`, `/v1/customers?email=${'a'.repeat(2030)}@example.com`, `/v1/customers?channel=facebook&externalId=${long}`]) {
      const res = await marketer(path);
      expect(res.status, path.slice(0, 40)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const acme = rt.credentials.tenants[0]!;
    const res = await postEvent(rt.url, acme.tenantId, acme.secrets.events.secret, 'review.posted', { person: { email: 'long.id@example.com' }, rating: 5 }, { id: `msg_${'1'.repeat(2100)}` });
    expect(res.status).toBe(400);
  });

  it('a signed comment of 500,000 characters is kept, cut at 20,000 with a mark; one whose author id cannot be a key is refused whole', async () => {
    const acme = rt.credentials.tenants[0]!;
    const fan = freshId('7');
    const body = delivery('page', [changesEntry(acme.accounts.facebook, [pageComment({ pageId: acme.accounts.facebook, fromId: fan, message: `${'ñ'.repeat(499_999)}!` })])]);
    expect((await sendMeta(rt.url, acme, body)).status).toBe(200);
    await rt.drain();
    const found = (await marketer(`/v1/customers?channel=facebook&externalId=${fan}`)).body.items[0];
    const timeline = (await marketer(`/v1/customers/${found.id}/timeline`)).body.items as { type: string; text?: string }[];
    const text = timeline.find((i) => i.type === 'interaction')!.text!;
    expect(text.length).toBe(20_000);
    expect(text.endsWith(' […]')).toBe(true);

    const refused = delivery('page', [changesEntry(acme.accounts.facebook, [pageComment({ pageId: acme.accounts.facebook, fromId: '9'.repeat(600), message: 'hola' })])]);
    const res = await sendMeta(rt.url, acme, refused);
    expect(res.status).toBe(400);
    expect((await marketer(`/v1/customers?channel=facebook&externalId=${'9'.repeat(600)}`)).status).toBe(200);
    expect((await marketer(`/v1/customers?channel=facebook&externalId=${'9'.repeat(600)}`)).body.items).toEqual([]);
  });
});
