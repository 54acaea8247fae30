/**
 * Erasure through the local runtime: POST /v1/customers/{id}/erasure → the erasure queue's steps → nothing of
 * the person is left under any key the registry says they had, nor anywhere in the table (the test's own
 * table is scanned), except the hashed suppression tombstones and what the registry keeps on purpose. The
 * customer answers 404, no identity finds them, repeating is safe, and the person coming back through a
 * webhook is kept to serve them but never targeted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalArtefacts } from '../../../adapters/privacy/artefacts.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../adapters/dynamo/client.js';
import { RETAINED } from '../../../domain/privacy/erasure.js';
import { CustomerErased, ErasureRequested } from '../../../events/catalog.js';
import { ENTITIES, keys, type Key } from '../../../store/keys.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';
import { erasureDone, exists, identitiesOf, makePerson, mentions, personKeys, scanTable, watchYoutubeChannel, youtubeChannelId, type Person } from '../../support/privacy.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let admin: ReturnType<typeof api>;
let person: Person;
let before: Map<string, Key[]>;
let beforeScan: Record<string, unknown>[];
let requestId: string;
let afterFirst: Record<string, unknown>;
let outboxBefore: string[];
/** Outbox files (e-mails with their links, messages, replies) that name any of these. */
const outboxNaming = (needles: string[]) => {
  const dir = join(rt.dataDir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.filter((f) => needles.some((n) => readFileSync(join(dir, f), 'utf8').includes(n)));
};
const ytChannel = youtubeChannelId();

const identities = identitiesOf;
/** What identifies the person directly: no item may hold any of these after erasure. */
const directIdentifiers = (p: Person) => [p.psid, p.email, p.phone, p.ytChannel, p.shopifyCustomerId, p.name, p.givenName, p.familyName, ...p.texts, p.messageId];
const PERSONAL = ENTITIES.filter((e) => e.personal);
const CONNECTION_SETTINGS = ['Tenant', 'YoutubeSubscription'];
const ERASABLE = PERSONAL.filter((e) => e.erasure !== 'retained-pseudonymous');

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme] = rt.credentials.tenants as [typeof acme];
  admin = api(rt.url, acme.tokens.admin);
  await watchYoutubeChannel('acme', ytChannel);
  person = await makePerson(rt, acme, ytChannel);
  const subjects = [person.customerId, person.mergedId];
  before = await personKeys(rt.tableName, 'acme', subjects, identities(person));
  beforeScan = await scanTable(rt.tableName);
  outboxBefore = outboxNaming(directIdentifiers(person));

  const res = await admin(`/v1/customers/${person.customerId}/erasure`, { method: 'POST' });
  expect(res.status).toBe(202);
  requestId = res.body.requestId;
  afterFirst = await erasureDone(rt, admin, requestId);
}, 120_000);
afterAll(async () => rt?.stop());

describe('before the erasure (the fixture is meaningful)', () => {
  it('the person has items of every personal entity type the registry says erasure removes', () => {
    for (const entity of ERASABLE) expect(before.get(entity.name)?.length ?? 0, entity.name).toBeGreaterThan(0);
    // the merged-away record's partition too
    expect((before.get('Customer') ?? []).map((k) => k.pk)).toEqual(
      expect.arrayContaining([keys.customer('acme', person.customerId).pk, keys.customer('acme', person.mergedId).pk]),
    );
  });
});

describe('POST /v1/customers/{id}/erasure', () => {
  it('answers 202 with a request id whose progress shows done, with counts per entity type', () => {
    expect(afterFirst).toMatchObject({ requestId, customerId: person.customerId, status: 'done', phase: 'done', runs: 1 });
    for (const entity of ERASABLE) expect(afterFirst.counts, entity.name).toHaveProperty(entity.name);
    const counts = afterFirst.counts as Record<string, number>;
    expect(counts.Customer).toBe(2);
    expect(counts.Identity).toBe(identitiesOf(person).length);
  });

  it('reaches every store outside the table the artefact registry lists: the outbox keeps nothing that names them', () => {
    expect(personalArtefacts().map((a) => a.name)).toContain('LocalOutbox');
    // the loyalty welcome e-mail to their address was there before
    expect(outboxBefore.length).toBeGreaterThanOrEqual(1);
    expect(outboxNaming(directIdentifiers(person))).toEqual([]);
    expect((afterFirst.counts as Record<string, number>).LocalOutbox).toBe(outboxBefore.length);
  });

  it('leaves nothing under any key the person had', async () => {
    for (const [entity, list] of before) {
      for (const key of list) expect(await exists(rt.tableName, key), `${entity} ${key.pk} ${key.sk}`).toBe(false);
    }
    // and finds nothing new under the person's partitions and index either
    const after = await personKeys(rt.tableName, 'acme', [person.customerId, person.mergedId], identities(person));
    expect([...after.keys()]).toEqual([]);
  });

  it('keeps only hashed suppression tombstones and what the registry retains on purpose', async () => {
    const items = await scanTable(rt.tableName);
    const tombstones = items.filter((i) => i.entity === 'SuppressionTombstone');
    expect(tombstones).toHaveLength(identitiesOf(person).length);
    for (const item of tombstones) expect(String(item.pk)).toMatch(/^T#acme#SUPPRESS#[0-9a-f]{64}$/);

    // no item anywhere holds an identifier, name or text of the person; the brand's own connection settings
    // still name the creator channel it chose to watch (configuration, changed through /v1/connections)
    for (const item of items) {
      const found = mentions(item, directIdentifiers(person)).filter((n) => !(n === person.ytChannel && CONNECTION_SETTINGS.includes(String(item.entity))));
      expect(found, `${String(item.entity)} ${String(item.pk)}`).toEqual([]);
    }
    // the customer ids survive only in entities kept on purpose (with the reason) or holding nothing personal
    const ids = [person.customerId, person.mergedId];
    const holders = new Set(items.filter((i) => mentions(i, ids).length > 0).map((i) => String(i.entity)));
    for (const entity of holders) {
      const declared = ENTITIES.find((e) => e.name === entity);
      expect(declared, `${entity} is not in the registry`).toBeDefined();
      expect(declared!.erasure === 'not-personal' || entity in RETAINED, entity).toBe(true);
    }
    // which was not the case before: the scan would have caught the person, their given and family names too
    expect(beforeScan.filter((i) => mentions(i, directIdentifiers(person)).length > 0).length).toBeGreaterThan(10);
    expect(beforeScan.filter((i) => i.entity === 'Customer' && mentions(i, [person.givenName, person.familyName]).length === 2)).toHaveLength(1);
  });

  it('publishes CustomerErased for the customer and for the record merged into it', () => {
    const erased = rt.bus.recent.filter((e) => e['detail-type'] === CustomerErased.detailType).map((e) => (e.detail as any).data);
    expect(erased).toEqual(
      expect.arrayContaining([
        { customerId: person.customerId, requestId },
        { customerId: person.mergedId, requestId },
      ]),
    );
  });

  it('the customer answers 404 and no lookup by any of their identities finds anything', async () => {
    expect((await admin(`/v1/customers/${person.customerId}`)).status).toBe(404);
    expect((await admin(`/v1/customers/${person.mergedId}`)).status).toBe(404);
    expect((await admin(`/v1/customers/${person.customerId}/timeline`)).status).toBe(404);
    expect((await admin(`/v1/customers/${person.customerId}/export`)).status).toBe(404);
    for (const path of [
      `?channel=facebook&externalId=${person.psid}`,
      `?channel=youtube&externalId=${person.ytChannel}`,
      `?email=${encodeURIComponent(person.email)}`,
      `?phone=${encodeURIComponent(person.phone)}`,
    ]) {
      const res = await admin(`/v1/customers${path}`);
      expect(res.status, path).toBe(200);
      expect(res.body.items, path).toEqual([]);
    }
  });

  it('no segment lists them and the segment counters went down with them', async () => {
    for (const segmentId of [person.segments.social, person.segments.presence]) {
      const members = await admin(`/v1/segments/${segmentId}/members?limit=100`);
      expect(members.body.items.map((m: { customerId: string }) => m.customerId)).not.toContain(person.customerId);
      expect((await admin(`/v1/segments/${segmentId}/preview`)).body.count).toBe(members.body.items.length);
    }
  });

  it('the newsroom no longer shows what they said', async () => {
    const news = await admin('/v1/newsroom?limit=100');
    expect(JSON.stringify(news.body)).not.toContain(person.texts[0]);
  });

  it('audits the request and the erasure with ids only', async () => {
    const entries = (await admin(`/v1/audit?targetId=${person.customerId}`)).body.items;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['customer.erasure_requested', 'customer.erased']));
    const erased = entries.find((e: { action: string }) => e.action === 'customer.erased');
    expect(erased).toMatchObject({ actor: 'system:erasure', details: { requestId, mergedRecords: 1 } });
    expect(mentions(entries, directIdentifiers(person))).toEqual([]);
  });
});

describe('repeating and refusing', () => {
  it('a repeated erasure answers the same request, finds nothing more, and stays done', async () => {
    const again = await admin(`/v1/customers/${person.customerId}/erasure`, { method: 'POST' });
    expect(again.status).toBe(202);
    expect(again.body.requestId).toBe(requestId);
    const done = await erasureDone(rt, admin, requestId);
    expect(done).toMatchObject({ status: 'done', runs: 2, counts: afterFirst.counts });
    const steps = rt.bus.recent.filter((e) => e['detail-type'] === ErasureRequested.detailType && (e.detail as any).data.requestId === requestId);
    expect(steps.length).toBeGreaterThanOrEqual(2);
  });

  it('404 for a customer that never existed, another tenant, or an unknown request; 403 for a marketer', async () => {
    expect((await admin('/v1/customers/nobody-at-all/erasure', { method: 'POST' })).status).toBe(404);
    expect((await admin('/v1/erasures/er-unknown')).status).toBe(404);
    const globex = rt.credentials.tenants[1]!;
    expect((await api(rt.url, globex.tokens.admin)(`/v1/erasures/${requestId}`)).status).toBe(404);
    expect((await api(rt.url, acme.tokens.marketer)(`/v1/customers/${person.customerId}/erasure`, { method: 'POST' })).status).toBe(403);
  });
});

describe('the person coming back', () => {
  it('a later comment by the same person makes a customer flagged suppressed: served, never profiled or contacted', async () => {
    const page = acme.accounts.facebook;
    const body = pageDelivery(page, [feedComment({ pageId: page, fromId: person.psid, fromName: 'Someone', message: 'hello again' })]);
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
    const found = (await admin(`/v1/customers?channel=facebook&externalId=${person.psid}`)).body.items;
    expect(found).toHaveLength(1);
    const back = found[0];
    expect(back.id).not.toBe(person.customerId);
    expect(back.suppressed).toEqual({ at: expect.any(String) });

    // no consent can be granted to them, so no campaign gate and no social figure ever lets them in
    for (const consent of [
      { purpose: 'social_profiling', status: 'granted', source: 'api' },
      { purpose: 'marketing', channel: 'sms', status: 'granted', source: 'api' },
    ]) {
      const res = await admin(`/v1/customers/${back.id}/consents`, { method: 'POST', body: JSON.stringify(consent) });
      expect(res.status).toBe(409);
    }
    // what they said is kept to serve them, for the retention period only
    const timeline = await documentClient().send(
      new QueryCommand({
        TableName: rt.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tl)',
        ExpressionAttributeValues: { ':pk': keys.customerPartition('acme', back.id), ':tl': keys.timelinePrefix },
      }),
    );
    expect(timeline.Items).toHaveLength(1);
    expect(timeline.Items![0]!.expiresAt).toEqual(expect.any(Number));
    await rt.drain(30_000);
    const view = (await admin(`/v1/customers/${back.id}`)).body;
    expect(view.knowledge.socialProfiling).toBe(false);
  });

  it('a later sign-up with their e-mail is flagged too', async () => {
    const res = await admin('/v1/customers', { method: 'POST', body: JSON.stringify({ email: person.email }) });
    expect(res.status).toBe(201);
    expect(res.body.suppressed).toEqual({ at: expect.any(String) });
  });
});
