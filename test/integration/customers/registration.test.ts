/**
 * POST /v1/customers (sign-up form) and PATCH /v1/customers/{id} (profile edits), through real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegistered, CustomerUpdated } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { bigId, postShopify, shopifyOrderBody, uniqueEmail, busMark } from '../../support/stores.js';

let rt: TestRuntime;
let marketer: ReturnType<typeof api>;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  // other contexts' consumers are theirs to test: without them this file's requests run alone
  rt = await startTestRuntime({ startConsumers: false });
  const acme = rt.credentials.tenants[0]!;
  marketer = api(rt.url, acme.tokens.marketer);
  admin = api(rt.url, acme.tokens.admin);
});
afterAll(async () => rt?.stop());

const register = (body: unknown, client = marketer) => client('/v1/customers', { method: 'POST', body: JSON.stringify(body) });
const patch = (id: string, body: unknown, client = marketer) => client(`/v1/customers/${id}`, { method: 'PATCH', body: JSON.stringify(body) });

describe('POST /v1/customers', () => {
  it('registers a new person (201), normalising e-mail and phone, and publishes CustomerRegistered', async () => {
    const email = uniqueEmail('Signup');
    const before = busMark(rt.bus);
    const res = await register({
      email: `  ${email.toUpperCase()} `,
      phone: '+34 600-111 222',
      givenName: 'Ana',
      familyName: 'Signup',
      source: 'landing-black-friday',
      locale: 'es',
      tags: ['vip'],
      externalIds: [{ channel: 'anonymous', externalId: `cookie-${email}` }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      stage: 'lead',
      displayName: 'Ana Signup',
      givenName: 'Ana',
      familyName: 'Signup',
      registeredVia: 'web',
      registrationSource: 'landing-black-friday',
      locale: 'es',
      tags: ['vip'],
    });
    expect(res.body.registeredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(res.body.identities.map((i: { channel: string; externalId: string }) => `${i.channel}:${i.externalId}`).sort()).toEqual(
      [`anonymous:cookie-${email}`, `email:${email.toLowerCase()}`, 'phone:+34600111222'].sort(),
    );
    expect((await marketer(`/v1/customers?phone=${encodeURIComponent('+34600111222')}`)).body.items[0].id).toBe(res.body.id);
    expect(before(CustomerRegistered.detailType).map((e) => e.detail.data)).toEqual([{ customerId: res.body.id, channel: 'web', stage: 'lead' }]);
  });

  it('answers 409 with the existing id for an e-mail already registered, publishing nothing', async () => {
    const email = uniqueEmail('dup');
    const first = await register({ email });
    const before = busMark(rt.bus);
    const res = await register({ email: email.toUpperCase(), displayName: 'Someone Else', phone: '+34600999888' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', details: { customerId: first.body.id } });
    expect(before()).toEqual([]);
    // the refused request attached nothing to the existing customer
    expect((await marketer(`/v1/customers?phone=${encodeURIComponent('+34600999888')}`)).body.items).toEqual([]);
    expect((await marketer(`/v1/customers/${first.body.id}`)).body.displayName).toBeUndefined();
  });

  it('registers (200, same id) a known person who never registered: a guest buyer', async () => {
    const email = uniqueEmail('guest');
    const secret = rt.credentials.tenants[0]!.secrets.shopify.secret;
    await postShopify(rt.url, 'acme', secret, 'orders/create', shopifyOrderBody({ orderId: bigId(), customerId: null, email, financialStatus: 'paid', cancelled: false }));
    const guest = (await marketer(`/v1/customers?email=${encodeURIComponent(email)}`)).body.items[0];
    expect(guest.registeredAt).toBeUndefined();
    const res = await register({ email, displayName: 'Former Guest' });
    expect(res.status).toBe(200);
    // the name the store had (the billing name) stays; the form fills only what is missing
    expect(res.body).toMatchObject({ id: guest.id, displayName: 'Steve Shipper', registeredVia: 'web' });
    expect(res.body.stage).not.toBe('prospect');
    expect((await register({ email })).status).toBe(409);
  });

  it.each([
    ['no e-mail and no phone', { displayName: 'Nobody' }, 'email'],
    ['a malformed e-mail', { email: 'not-an-email' }, 'email'],
    ['a phone that is not international', { phone: '600111222' }, 'international'],
    ['a tenant in the body', { email: 'x@example.com', tenantId: 'globex' }, 'tenantId'],
    ['an e-mail given as an external id', { email: 'y@example.com', externalIds: [{ channel: 'email', externalId: 'z@example.com' }] }, 'externalIds'],
    ['a birthday that is not a date', { email: 'w@example.com', birthday: '1990-02-31' }, 'birthday'],
  ])('400 for %s, registering nothing', async (_what, body, named) => {
    const before = busMark(rt.bus);
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(res.body.error)).toContain(named);
    expect(before()).toEqual([]);
  });

  it('403 for an agent or finance token, 401 without a token', async () => {
    const acme = rt.credentials.tenants[0]!;
    expect((await register({ email: uniqueEmail() }, api(rt.url, acme.tokens.agent))).status).toBe(403);
    expect((await register({ email: uniqueEmail() }, api(rt.url, acme.tokens.finance))).status).toBe(403);
    const none = await fetch(`${rt.url}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.co"}' });
    expect(none.status).toBe(401);
  });
});

describe('PATCH /v1/customers/{id}', () => {
  let id: string;
  beforeAll(async () => {
    id = (await register({ email: uniqueEmail('patch'), givenName: 'Patch', familyName: 'Me' })).body.id;
  });

  it('keeps given and family names, makes the display name of them, and changes each by PATCH', async () => {
    const view = (await marketer(`/v1/customers/${id}`)).body;
    expect(view).toMatchObject({ givenName: 'Patch', familyName: 'Me', displayName: 'Patch Me' });
    const before = busMark(rt.bus);
    expect((await patch(id, { familyName: 'Mejor' })).body).toMatchObject({ givenName: 'Patch', familyName: 'Mejor', displayName: 'Patch Me' });
    expect(before(CustomerUpdated.detailType).map((e) => e.detail.data)).toEqual([{ customerId: id, changed: ['familyName'] }]);
    // one set of names: the old sign-up field is refused, naming it
    const old = await register({ email: uniqueEmail('oldname'), name: 'Old Field' });
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body)).toContain('name');
  });

  it('changes the allowed fields and publishes CustomerUpdated naming them', async () => {
    const before = busMark(rt.bus);
    const res = await patch(id, {
      displayName: 'Patched',
      tags: ['vip', 'newsletter'],
      locale: 'en-GB',
      address: { line1: 'Gran Vía 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
      birthday: '1990-05-17',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, displayName: 'Patched', tags: ['vip', 'newsletter'], locale: 'en-GB', birthday: '1990-05-17', address: { city: 'Madrid', country: 'ES' } });
    expect((await marketer(`/v1/customers/${id}`)).body.locale).toBe('en-GB');
    expect(before(CustomerUpdated.detailType).map((e) => e.detail.data)).toEqual([
      { customerId: id, changed: ['displayName', 'tags', 'locale', 'address', 'birthday'] },
    ]);
  });

  it('clears a field with null, and publishes nothing when nothing changes', async () => {
    expect((await patch(id, { birthday: null }, admin)).body.birthday).toBeUndefined();
    const before = busMark(rt.bus);
    const same = await patch(id, { displayName: 'Patched' });
    expect(same.status).toBe(200);
    expect(before()).toEqual([]);
  });

  it.each([['stage'], ['points'], ['scores'], ['tenantId'], ['id'], ['identities'], ['email']])('400 naming "%s", changing nothing', async (field) => {
    const before = (await marketer(`/v1/customers/${id}`)).body;
    const res = await patch(id, { displayName: 'Sneaky', [field]: field === 'identities' ? [] : 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`"${field}"`);
    expect(res.body.error.details).toEqual({ fields: [field] });
    const after = (await marketer(`/v1/customers/${id}`)).body;
    expect(after.displayName).toBe(before.displayName);
    expect(after.updatedAt).toBe(before.updatedAt);
  });

  it('400 for a bad value of an allowed field', async () => {
    const res = await patch(id, { locale: 'Spanish please', tags: 'vip' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain('locale');
  });

  it("404 for an unknown id or the other tenant's customer; 403 for an agent", async () => {
    expect((await patch('does-not-exist', { displayName: 'x' })).status).toBe(404);
    const globex = api(rt.url, rt.credentials.tenants[1]!.tokens.marketer);
    expect((await patch(id, { displayName: 'x' }, globex)).status).toBe(404);
    expect((await patch(id, { displayName: 'x' }, api(rt.url, rt.credentials.tenants[0]!.tokens.agent))).status).toBe(403);
  });
});
