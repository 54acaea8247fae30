/**
 * Export through the local runtime: GET /v1/customers/{id}/export answers one JSON document with a section
 * per personal entity type of the registry, holding exactly the items the registry's strategies find for
 * the person (their merged-away record included), without the table's keys; the export is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, type Key } from '../../../store/keys.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { identitiesOf, makePerson, personKeys, watchYoutubeChannel, youtubeChannelId, type Person } from '../../support/privacy.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let admin: ReturnType<typeof api>;
let person: Person;
let found: Map<string, Key[]>;
let doc: any;
const ytChannel = youtubeChannelId();

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme] = rt.credentials.tenants as [typeof acme];
  admin = api(rt.url, acme.tokens.admin);
  await watchYoutubeChannel('acme', ytChannel);
  person = await makePerson(rt, acme, ytChannel);
  found = await personKeys(rt.tableName, 'acme', [person.customerId, person.mergedId], identitiesOf(person));
  const res = await admin(`/v1/customers/${person.customerId}/export`);
  expect(res.status).toBe(200);
  doc = res.body;
}, 120_000);
afterAll(async () => rt?.stop());

const PERSONAL = ENTITIES.filter((e) => e.personal).map((e) => e.name);
const section = (name: string) => doc.sections[name] as Record<string, any>[];

describe('GET /v1/customers/{id}/export', () => {
  it('has one section per personal entity type of the registry, named as there', () => {
    expect(doc).toMatchObject({ format: 'social-crm.customer-export.v1', customerId: person.customerId, exportedAt: expect.any(String) });
    expect(Object.keys(doc.sections).sort()).toEqual([...PERSONAL].sort());
  });

  it('holds exactly what the registry strategies find for the person, in every erasable entity type', () => {
    for (const [entity, keys] of found) expect(section(entity), entity).toHaveLength(keys.length);
    // retained pseudonymous records the fixture's person has none of (never erased, never in a campaign's audience)
    for (const name of PERSONAL.filter((n) => !['SuppressionTombstone', 'ErasureRequest', 'CampaignAudiencePage', 'CampaignAttribution'].includes(n))) expect(section(name).length, name).toBeGreaterThan(0);
  });

  it('profile and merged-away record, identities, timeline, orders, messages, consents, knowledge, segments', () => {
    expect(section('Customer').map((c) => c.id).sort()).toEqual([person.customerId, person.mergedId].sort());
    expect(section('Customer').find((c) => c.id === person.mergedId)).toMatchObject({ mergedInto: person.customerId });
    expect(section('Customer').find((c) => c.id === person.customerId)).toMatchObject({ displayName: person.name, givenName: person.givenName, familyName: person.familyName });
    expect(section('Identity').map((i) => `${i.channel}:${i.externalId}`).sort()).toEqual(identitiesOf(person).map((i) => `${i.channel}:${i.externalId}`).sort());

    const timeline = section('TimelineItem');
    const said = timeline.filter((t) => t.type === 'interaction').map((t) => t.text);
    expect(said).toEqual(expect.arrayContaining(person.texts));
    expect(timeline.find((t) => t.type === 'order')).toMatchObject({ orderId: person.orderId, store: 'shopify', total: { currency: expect.any(String) } });
    expect(section('Order')).toEqual([expect.objectContaining({ orderId: person.orderId, customerId: person.customerId })]);
    expect(section('InteractionRef').map((r) => r.customerId)).toEqual(Array(3).fill(person.customerId));
    expect(section('YoutubeVideo')).toEqual([expect.objectContaining({ channelId: person.ytChannel, externalIds: [expect.any(String)] })]);
    expect(section('Message')).toEqual([expect.objectContaining({ providerMessageId: person.messageId, customerId: person.customerId, status: 'accepted' })]);
    expect(section('WebhookDelivery').length).toBeGreaterThan(0);
    expect(section('WebhookDelivery')[0]!.events[0].detail.data.customerId).toBe(person.customerId);

    // joining the loyalty program at sign-up put its terms on the ledger too
    expect(section('ConsentRecord').map((r) => `${r.purpose}:${r.status}`).sort()).toEqual(['loyalty:granted', 'marketing:granted', 'marketing:pending', 'social_profiling:granted']);
    expect(section('ReferralCode')).toEqual([expect.objectContaining({ code: expect.stringMatching(/^[A-Z2-9]{10}$/) })]);
    expect(section('ConsentTokenUse')).toEqual([expect.objectContaining({ usedAt: expect.any(String), retainedUntil: expect.any(String) })]);
    expect(section('CustomerKnowledge')).toEqual([expect.objectContaining({ customerId: person.customerId, segments: expect.arrayContaining([person.segments.social, person.segments.presence]) })]);
    expect(section('SegmentMember').map((m) => m.segmentId).sort()).toEqual([person.segments.social, person.segments.presence].sort());
    expect(section('AuditEntry').map((e) => e.action)).toEqual(expect.arrayContaining(['consent.granted', 'consent.confirmed', 'customer.merged']));
    expect(section('SuppressionTombstone')).toEqual([]);
    expect(section('ErasureRequest')).toEqual([]);
  });

  it('leaves the table keys out', () => {
    const text = JSON.stringify(doc);
    for (const attribute of ['"pk"', '"sk"', '"gsi1pk"', '"gsi2pk"', '"rev"']) expect(text).not.toContain(attribute);
    expect(text).toContain(person.email);
  });

  it('is audited with the counts per section, no content', async () => {
    const entries = (await admin(`/v1/audit?targetId=${person.customerId}`)).body.items;
    const exported = entries.find((e: { action: string }) => e.action === 'customer.exported');
    expect(exported).toMatchObject({ actor: 'acme-admin', targetId: person.customerId, details: { Customer: 2, Identity: identitiesOf(person).length } });
    expect(JSON.stringify(exported)).not.toContain(person.email);
  });

  it('409 naming the survivor for a merged-away record; 404 for another tenant; 403 for other roles', async () => {
    const merged = await admin(`/v1/customers/${person.mergedId}/export`);
    expect(merged.status).toBe(409);
    expect(merged.body.error.details).toEqual({ mergedInto: person.customerId });
    const globex = rt.credentials.tenants[1]!;
    expect((await api(rt.url, globex.tokens.admin)(`/v1/customers/${person.customerId}/export`)).status).toBe(404);
    for (const role of ['marketer', 'agent', 'finance'] as const) {
      expect((await api(rt.url, acme.tokens[role])(`/v1/customers/${person.customerId}/export`)).status, role).toBe(403);
    }
  });
});
