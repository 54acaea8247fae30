/**
 * Consent through the local runtime: the ledger API, double opt-in via the e-mail in the local outbox,
 * one-click unsubscribe, and every way a link can be wrong (forged, altered, expired, reused, foreign).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeLink } from '../../../adapters/consent/consent-config.js';
import { DynamoCustomerRepository } from '../../../adapters/customers/dynamo-customers.js';
import { marketingAllowed, socialProfilingAllowed } from '../../../domain/consent/consent.js';
import { signConsentToken, type ConsentTokenClaims } from '../../../domain/consent/consent-tokens.js';
import { ConsentChanged } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { alterPayload, confirmationLinkFor, localConsentKey, outbox, seedCustomer, tokenOf, uniqueEmail } from '../../support/consent.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let globex: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let agent: ReturnType<typeof api>;
const customers = new DynamoCustomerRepository();

beforeAll(async () => {
  rt = await startTestRuntime();
  [acme, globex] = rt.credentials.tenants as [typeof acme, typeof globex];
  marketer = api(rt.url, acme.tokens.marketer);
  agent = api(rt.url, acme.tokens.agent);
});
afterAll(async () => rt?.stop());

const form = { kind: 'form', url: 'https://shop.example.com/newsletter' } as const;
const post = (client: ReturnType<typeof api>, customerId: string, body: unknown) =>
  client(`/v1/customers/${customerId}/consents`, { method: 'POST', body: JSON.stringify(body) });
const consentsOf = (customerId: string, client = marketer) => client(`/v1/customers/${customerId}/consents`);
const consentEvents = (customerId: string) =>
  rt.bus.recent.filter((e) => e['detail-type'] === ConsentChanged.detailType && (e.detail as any).data.customerId === customerId);
const stateOf = (body: any, purpose: string, channel: string) =>
  body.current.find((c: any) => c.purpose === purpose && c.channel === channel);

async function withEmail() {
  const email = uniqueEmail();
  const id = await seedCustomer('acme', [{ channel: 'email', externalId: email }]);
  return { id, email };
}

describe('the consent ledger', () => {
  it('records grants and withdrawals append-only, answers history newest first, and publishes ConsentChanged', async () => {
    const id = await seedCustomer('acme', [{ channel: 'facebook', externalId: `psid-${Date.now()}` }]);
    const granted = await post(marketer, id, { channel: 'sms', purpose: 'marketing', status: 'granted', source: form, statement: 'v3' });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      customerId: id,
      channel: 'sms',
      purpose: 'marketing',
      status: 'granted',
      source: form,
      statement: { version: 'v3' },
      capturedBy: { kind: 'api', id: 'acme-marketer' },
    });
    expect(Date.parse(granted.body.at)).not.toBeNaN();
    const withdrawn = await post(marketer, id, { channel: 'sms', purpose: 'marketing', status: 'withdrawn', source: { kind: 'in_store', reference: 'store-12' } });
    expect(withdrawn.status).toBe(201);

    const res = await consentsOf(id);
    expect(res.status).toBe(200);
    expect(res.body.customerId).toBe(id);
    expect(res.body.history.map((r: any) => [r.id, r.status])).toEqual([
      [withdrawn.body.id, 'withdrawn'],
      [granted.body.id, 'granted'],
    ]);
    expect(res.body.current).toEqual([
      { purpose: 'marketing', channel: 'sms', status: 'withdrawn', at: withdrawn.body.at, recordId: withdrawn.body.id },
    ]);
    expect(consentEvents(id).map((e) => (e.detail as any).data)).toEqual([
      { customerId: id, channel: 'sms', purpose: 'marketing', status: 'granted' },
      { customerId: id, channel: 'sms', purpose: 'marketing', status: 'withdrawn' },
    ]);
    // the profile's summary is what other contexts gate on
    expect(marketingAllowed(await customers.get('acme', id), 'sms')).toBe(false);
  });

  it('answers the current state per purpose and channel', async () => {
    const id = await seedCustomer('acme', [{ channel: 'instagram', externalId: `ig-${Date.now()}` }]);
    expect((await post(marketer, id, { purpose: 'social_profiling', status: 'granted', source: 'https://shop.example.com/privacy' })).status).toBe(201);
    expect((await post(marketer, id, { channel: 'whatsapp', purpose: 'marketing', status: 'granted', source: form })).status).toBe(201);
    expect((await post(marketer, id, { channel: 'instagram', purpose: 'marketing', status: 'granted', source: form })).status).toBe(201);
    expect((await post(marketer, id, { channel: 'instagram', purpose: 'marketing', status: 'withdrawn', source: form })).status).toBe(201);

    const res = await consentsOf(id, agent);
    expect(res.status).toBe(200);
    expect(res.body.current.map((c: any) => `${c.purpose}/${c.channel}=${c.status}`)).toEqual([
      'marketing/whatsapp=granted',
      'marketing/instagram=withdrawn',
      'social_profiling/all=granted',
    ]);
    expect(res.body.history).toHaveLength(4);
    const profile = await customers.get('acme', id);
    expect(socialProfilingAllowed(profile)).toBe(true);
    expect(marketingAllowed(profile, 'whatsapp')).toBe(true);
    expect(marketingAllowed(profile, 'instagram')).toBe(false);
  });

  it('refuses what does not make sense with 400 and records nothing', async () => {
    const id = await seedCustomer('acme', [{ channel: 'x', externalId: `x-${Date.now()}` }]);
    for (const body of [
      { purpose: 'social_profiling', channel: 'facebook', status: 'granted', source: form },
      { purpose: 'marketing', status: 'granted', source: form },
      { purpose: 'marketing', channel: 'pigeon', status: 'granted', source: form },
      { purpose: 'marketing', channel: 'sms', status: 'maybe', source: form },
      { purpose: 'marketing', channel: 'sms', status: 'granted' },
      { purpose: 'marketing', channel: 'sms', status: 'granted', source: form, doubleOptIn: true },
      { purpose: 'marketing', channel: 'sms', status: 'granted', source: form, extra: 1 },
    ]) {
      const res = await post(marketer, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await consentsOf(id)).body.history).toEqual([]);
  });

  it('lets agents read but not record; finance neither; another tenant gets 404', async () => {
    const id = await seedCustomer('acme', [{ channel: 'sms', externalId: `+3460011${Date.now() % 100000}` }]);
    const body = { channel: 'sms', purpose: 'marketing', status: 'granted', source: form };
    expect((await post(agent, id, body)).status).toBe(403);
    expect((await consentsOf(id, api(rt.url, acme.tokens.finance))).status).toBe(403);
    const other = api(rt.url, globex.tokens.admin);
    expect((await consentsOf(id, other)).status).toBe(404);
    expect((await post(other, id, body)).status).toBe(404);
    expect((await post(marketer, 'no-such-customer', body)).status).toBe(404);
    expect((await fetch(`${rt.url}/v1/customers/${id}/consents`)).status).toBe(401);
    expect((await consentsOf(id)).body.history).toEqual([]);
  });
});

describe('double opt-in', () => {
  it('stays pending until the e-mailed link is followed, then is granted with the confirmation time', async () => {
    const { id, email } = await withEmail();
    const res = await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'granted', source: form, statement: { version: 'v4' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', doubleOptIn: true });
    expect(stateOf((await consentsOf(id)).body, 'marketing', 'email').status).toBe('pending');
    expect(marketingAllowed(await customers.get('acme', id), 'email')).toBe(false);

    const link = confirmationLinkFor(rt.dataDir, email);
    expect(link.startsWith(`${rt.url}/consent/confirm?token=`)).toBe(true);
    const confirmed = await fetch(link);
    expect(confirmed.status).toBe(200);
    const body = (await confirmed.json()) as any;
    expect(body).toEqual({ confirmed: true, purpose: 'marketing', channel: 'email', confirmedAt: expect.any(String) });

    const after = (await consentsOf(id)).body;
    expect(stateOf(after, 'marketing', 'email')).toMatchObject({ status: 'granted', confirmedAt: body.confirmedAt });
    expect(after.history[0]).toMatchObject({
      status: 'granted',
      confirmedAt: body.confirmedAt,
      confirmsRecordId: res.body.id,
      statement: { version: 'v4' },
      source: form,
      capturedBy: { kind: 'link', id: 'confirmation' },
    });
    expect(marketingAllowed(await customers.get('acme', id), 'email')).toBe(true);
    expect(consentEvents(id).map((e) => (e.detail as any).data.status)).toEqual(['pending', 'granted']);

    // single use: the same link again is refused and changes nothing
    const again = await fetch(link);
    expect(again.status).toBe(410);
    expect(((await again.json()) as any).error.code).toBe('token_used');
    expect((await consentsOf(id)).body.history).toHaveLength(2);
  });

  it('answers 400 when the customer has no e-mail identity, sending nothing', async () => {
    const id = await seedCustomer('acme', [{ channel: 'facebook', externalId: `psid-n-${Date.now()}` }]);
    const sent = outbox(rt.dataDir).length;
    const res = await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'granted', source: form });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/e-mail/);
    expect(outbox(rt.dataDir)).toHaveLength(sent);
    expect((await consentsOf(id)).body.history).toEqual([]);
  });

  it('refuses expired, forged, altered and wrong-kind links, and leaves the grant pending', async () => {
    const { id, email } = await withEmail();
    const pending = await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'granted', source: form });
    const realToken = tokenOf(confirmationLinkFor(rt.dataDir, email));
    const claims: ConsentTokenClaims = {
      kind: 'confirm',
      tenantId: 'acme',
      customerId: id,
      channel: 'email',
      purpose: 'marketing',
      expiresAt: Math.floor(Date.now() / 1000) - 1,
      nonce: pending.body.id,
    };
    const confirm = (token: string) => fetch(`${rt.url}/consent/confirm?token=${encodeURIComponent(token)}`);

    const expired = await confirm(signConsentToken(localConsentKey(rt.dataDir), claims));
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as any).error.code).toBe('token_expired');

    for (const token of [
      signConsentToken('an-attacker-key-that-is-long-enough-0001', { ...claims, expiresAt: claims.expiresAt + 3600 }),
      alterPayload(realToken),
      signConsentToken(localConsentKey(rt.dataDir), { ...claims, kind: 'unsubscribe', expiresAt: claims.expiresAt + 3600 }),
      'not-a-token',
    ]) {
      const res = await confirm(token);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('invalid_token');
    }
    expect((await fetch(`${rt.url}/consent/confirm`)).status).toBe(400);

    const state = (await consentsOf(id)).body;
    expect(stateOf(state, 'marketing', 'email').status).toBe('pending');
    expect(state.history).toHaveLength(1);
    expect(consentEvents(id).map((e) => (e.detail as any).data.status)).toEqual(['pending']);
  });

  it('refuses (409) a link that a later decision superseded', async () => {
    const { id, email } = await withEmail();
    await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'granted', source: form });
    const link = confirmationLinkFor(rt.dataDir, email);
    await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'withdrawn', source: form });
    const res = await fetch(link);
    expect(res.status).toBe(409);
    expect(stateOf((await consentsOf(id)).body, 'marketing', 'email').status).toBe('withdrawn');
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  async function subscribed() {
    const { id } = await withEmail();
    expect((await post(marketer, id, { channel: 'email', purpose: 'marketing', status: 'granted', source: form, doubleOptIn: false })).body.status).toBe('granted');
    expect((await post(marketer, id, { channel: 'sms', purpose: 'marketing', status: 'granted', source: form })).status).toBe(201);
    return id;
  }

  it('shows what the link does on GET and changes nothing (mail scanners prefetch links)', async () => {
    const id = await subscribed();
    const link = await unsubscribeLink(rt.url, 'acme', id, 'email');
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ purpose: 'marketing', channel: 'email', method: 'POST' });
    expect(stateOf((await consentsOf(id)).body, 'marketing', 'email').status).toBe('granted');
    expect(consentEvents(id).map((e) => (e.detail as any).data.status)).toEqual(['granted', 'granted']);
  });

  it("withdraws the link's channel at once with the One-Click form body, then answers the same with an empty body", async () => {
    const id = await subscribed();
    const link = await unsubscribeLink(rt.url, 'acme', id, 'email', { campaignId: 'camp-42' });
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unsubscribed: true, purpose: 'marketing', channel: 'email', changed: true });

    const state = (await consentsOf(id)).body;
    expect(stateOf(state, 'marketing', 'email').status).toBe('withdrawn');
    expect(stateOf(state, 'marketing', 'sms').status).toBe('granted');
    expect(state.history[0]).toMatchObject({
      status: 'withdrawn',
      source: { kind: 'unsubscribe_link', reference: 'camp-42' },
      capturedBy: { kind: 'link', id: 'unsubscribe' },
    });
    expect(consentEvents(id).at(-1)?.detail).toMatchObject({ data: { customerId: id, channel: 'email', purpose: 'marketing', status: 'withdrawn' } });
    expect(marketingAllowed(await customers.get('acme', id), 'email')).toBe(false);

    const again = await fetch(link, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).changed).toBe(false);
    expect((await consentsOf(id)).body.history).toHaveLength(3);
  });

  it('refuses forged, altered and expired unsubscribe tokens, changing nothing', async () => {
    const id = await subscribed();
    const good = tokenOf(await unsubscribeLink(rt.url, 'acme', id, 'email'));
    const unsubscribe = (token: string) => fetch(`${rt.url}/unsubscribe?token=${encodeURIComponent(token)}`, { method: 'POST' });
    const claims: ConsentTokenClaims = {
      kind: 'unsubscribe',
      tenantId: 'acme',
      customerId: id,
      channel: 'email',
      purpose: 'marketing',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      nonce: 'n-1',
    };

    for (const token of [alterPayload(good), signConsentToken('an-attacker-key-that-is-long-enough-0001', claims), `${good}x`]) {
      const res = await unsubscribe(token);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('invalid_token');
    }
    const expired = await unsubscribe(signConsentToken(localConsentKey(rt.dataDir), { ...claims, expiresAt: claims.expiresAt - 7200 }));
    expect(expired.status).toBe(410);
    expect((await fetch(`${rt.url}/unsubscribe`, { method: 'POST' })).status).toBe(400);

    expect(stateOf((await consentsOf(id)).body, 'marketing', 'email').status).toBe('granted');
    expect((await consentsOf(id)).body.history).toHaveLength(2);
  });

  it("answers 404 for a token of another tenant naming this tenant's customer", async () => {
    const id = await subscribed();
    const foreign = tokenOf(await unsubscribeLink(rt.url, globex.tenantId, id, 'email'));
    const res = await fetch(`${rt.url}/unsubscribe?token=${encodeURIComponent(foreign)}`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(stateOf((await consentsOf(id)).body, 'marketing', 'email').status).toBe('granted');
  });
});
