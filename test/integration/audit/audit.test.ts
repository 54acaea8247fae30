/**
 * The audit trail through the local runtime: consent changes recorded with their actor, listed by target,
 * actor and since, newest first, paginated across the write shards and day partitions; admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeLink } from '../../../adapters/consent/consent-config.js';
import { DynamoAuditLog } from '../../../adapters/audit/dynamo-audit.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { seedCustomer, uniqueEmail } from '../../support/consent.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let admin: ReturnType<typeof api>;
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  admin = api(rt.url, acme.tokens.admin);
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const form = { kind: 'form', url: 'https://shop.example.com/newsletter' };

/** Every page of a listing, following nextCursor. */
async function allPages(client: ReturnType<typeof api>, query: string) {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await client(`/v1/audit?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { items, pages };
}

describe('consent changes in the audit trail', () => {
  let customerId: string;
  let email: string;

  beforeAll(async () => {
    email = uniqueEmail('audited');
    customerId = await seedCustomer('acme', [{ channel: 'email', externalId: email }]);
    const post = (body: unknown) => marketer(`/v1/customers/${customerId}/consents`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ channel: 'sms', purpose: 'marketing', status: 'granted', source: form, statement: 'v2' })).status).toBe(201);
    expect((await post({ channel: 'email', purpose: 'marketing', status: 'granted', source: form, doubleOptIn: false })).status).toBe(201);
    const link = await unsubscribeLink(rt.url, 'acme', customerId, 'email');
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
  });

  it('lists what was done to a customer, newest first, by whom, without personal data', async () => {
    const res = await admin(`/v1/audit?targetId=${customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((e: any) => [e.action, e.actor, e.details.channel])).toEqual([
      ['consent.withdrawn', 'link:unsubscribe', 'email'],
      ['consent.granted', 'acme-marketer', 'email'],
      ['consent.granted', 'acme-marketer', 'sms'],
    ]);
    expect(res.body.items[2]).toMatchObject({
      targetId: customerId,
      targetType: 'customer',
      details: { purpose: 'marketing', status: 'granted', source: 'form', statementVersion: 'v2', recordId: expect.any(String) },
    });
    const ats = res.body.items.map((e: any) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(JSON.stringify(res.body)).not.toContain(email);
  });

  it('filters by actor, alone or with the target', async () => {
    const byLink = await admin(`/v1/audit?actor=${encodeURIComponent('link:unsubscribe')}&targetId=${customerId}`);
    expect(byLink.body.items.map((e: any) => e.action)).toEqual(['consent.withdrawn']);
    const byMarketer = await allPages(admin, 'actor=acme-marketer');
    expect(byMarketer.items.length).toBeGreaterThanOrEqual(2);
    expect(byMarketer.items.every((e: any) => e.actor === 'acme-marketer')).toBe(true);
    expect(byMarketer.items.filter((e: any) => e.targetId === customerId)).toHaveLength(2);
  });

  it('is for admins only, and for their own tenant only', async () => {
    expect((await marketer('/v1/audit')).status).toBe(403);
    expect((await api(rt.url, acme.tokens.agent)('/v1/audit')).status).toBe(403);
    expect((await fetch(`${rt.url}/v1/audit`)).status).toBe(401);
    const other = api(rt.url, globex.tokens.admin);
    const res = await other(`/v1/audit?targetId=${customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    const tenantWide = await allPages(other, 'limit=100');
    expect(tenantWide.items.some((e: any) => e.targetId === customerId)).toBe(false);
  });

  it('refuses a bad query or cursor with 400', async () => {
    expect((await admin('/v1/audit?since=last-week')).status).toBe(400);
    expect((await admin('/v1/audit?limit=0')).status).toBe(400);
    expect((await admin('/v1/audit?cursor=bm9wZQ')).status).toBe(400);
    const page = await admin(`/v1/audit?targetId=${customerId}&limit=1`);
    // a target cursor is not a tenant-wide cursor
    expect((await admin(`/v1/audit?cursor=${encodeURIComponent(page.body.nextCursor)}`)).status).toBe(400);
  });
});

describe('paging through days and write shards', () => {
  const day = 86_400_000;
  const now = Date.now();
  const written: { id: string; at: string }[] = [];
  const target = `campaign-${now}`;

  beforeAll(async () => {
    // entries written straight through the adapter (other contexts will, through recordAudit), over days
    const log = new DynamoAuditLog();
    const offsets = [0, 0, 0, 0, 2, 2, 2, 2, 5, 5, 5, 5, 10, 10];
    for (const [i, offset] of offsets.entries()) {
      const at = new Date(now - offset * day - 60_000 - i * 1000).toISOString();
      const entry = await log.record({
        tenantId: 'globex',
        actor: i % 2 ? 'globex-admin' : 'system:scheduler',
        action: 'campaign.approved',
        targetId: i < 6 ? target : `campaign-other-${i}`,
        targetType: 'campaign',
        at,
        details: { step: i },
      });
      written.push({ id: entry.id, at });
    }
  });

  const globexAdmin = () => api(rt.url, globex.tokens.admin);
  const expectedSince = (days: number) =>
    written
      .filter((w) => w.at >= new Date(now - days * day).toISOString())
      .sort((a, b) => (a.at < b.at ? 1 : -1))
      .map((w) => w.id);

  it('answers every entry since the given time exactly once, newest first, across pages', async () => {
    const since = new Date(now - 6 * day).toISOString();
    const { items, pages } = await allPages(globexAdmin(), `since=${encodeURIComponent(since)}&limit=5`);
    const mine = items.filter((e: any) => written.some((w) => w.id === e.id));
    expect(mine.map((e: any) => e.id)).toEqual(expectedSince(6));
    expect(mine).toHaveLength(12);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('reaches older days when since says so, and filters by actor across days', async () => {
    const since = new Date(now - 11 * day).toISOString();
    const all = await allPages(globexAdmin(), `since=${encodeURIComponent(since)}&limit=4`);
    expect(all.items.filter((e: any) => written.some((w) => w.id === e.id)).map((e: any) => e.id)).toEqual(expectedSince(11));
    const byActor = await allPages(globexAdmin(), `since=${encodeURIComponent(since)}&actor=globex-admin&limit=3`);
    expect(byActor.items.map((e: any) => e.details.step)).toEqual([1, 3, 5, 7, 9, 11, 13]);
  });

  it('walks a long quiet window a month per page, so no request reads a whole year', async () => {
    const since = new Date(now - 90 * day).toISOString();
    const { items, pages } = await allPages(globexAdmin(), `since=${encodeURIComponent(since)}&limit=100`);
    expect(items.filter((e: any) => written.some((w) => w.id === e.id)).map((e: any) => e.id)).toEqual(expectedSince(90));
    expect(pages).toBe(3);
  });

  it('pages one target over all time', async () => {
    const { items } = await allPages(globexAdmin(), `targetId=${target}&limit=2`);
    expect(items.map((e: any) => e.details.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
