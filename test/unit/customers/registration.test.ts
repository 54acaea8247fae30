import { beforeEach, describe, expect, it } from 'vitest';
import { CustomerRegistered, CustomerUpdated, InteractionRecorded } from '../../../events/catalog.js';
import { InvalidInput, NotFound } from '../../../domain/shared/errors.js';
import {
  contactIdentities,
  formSignup,
  identifyCustomer,
  refuseUnpatchableFields,
  registerCustomer,
  updateCustomerProfile,
  type RegistrationPorts,
} from '../../../domain/customers/registration.js';
import { recordWebAction } from '../../../domain/commerce/web-actions.js';
import { resolveCustomer } from '../../../domain/customers/identity.js';
import { fakeAnalyzer, FakeCommerceStore, FakeCustomers, FakeInteractions, FakePublisher, fixedClock, sequentialIds } from '../../support/fakes.js';

const ctx = { tenantId: 'acme', correlationId: 'corr-1' };
let customers: FakeCustomers;
let store: FakeCommerceStore;
let publisher: FakePublisher;
let ports: RegistrationPorts;
beforeEach(() => {
  customers = new FakeCustomers();
  store = new FakeCommerceStore(customers);
  publisher = new FakePublisher();
  ports = { customers, profiles: store, publisher, clock: fixedClock(), ids: sequentialIds('c') };
});
const email = (e: string) => ({ channel: 'email' as const, externalId: e });
const prospect = async (...identities: { channel: 'email' | 'anonymous' | 'facebook'; externalId: string }[]) =>
  (await resolveCustomer(ports, 'acme', { primary: identities[0]!, links: identities.slice(1) })).customerId;

describe('contact identities', () => {
  it('normalises e-mail and phone; a non-international phone is an error only when strict', () => {
    expect(contactIdentities({ email: ' Ana@Example.COM ', phone: '+34 600 111 222' }, true)).toEqual([email('ana@example.com'), { channel: 'phone', externalId: '+34600111222' }]);
    expect(contactIdentities({ email: 'a@b.co', phone: '555-555-SHIP' }, false)).toEqual([email('a@b.co')]);
    expect(() => contactIdentities({ phone: '600111222' }, true)).toThrow(InvalidInput);
  });
  it('a sign-up form: e-mail and phone first, then the ids it knows', () => {
    const signup = formSignup({ phone: '+34600111222', email: 'A@b.co', externalIds: [{ channel: 'anonymous', externalId: 'ck' }], givenName: 'Ana', familyName: 'Torres', tags: ['x'] });
    expect(signup.identities.map((i) => i.channel)).toEqual(['email', 'phone', 'anonymous']);
    expect(signup).toMatchObject({ via: 'web', givenName: 'Ana', familyName: 'Torres', profile: { tags: ['x'] } });
  });
});

describe('registerCustomer', () => {
  it('registers a new person as a lead, once, publishing CustomerRegistered', async () => {
    const result = await registerCustomer(ports, ctx, { via: 'web', identities: [email('ana@example.com')], displayName: 'Ana', source: 'form' });
    expect(result).toMatchObject({ outcome: 'registered', created: true, customer: { stage: 'lead', displayName: 'Ana', registeredVia: 'web', registrationSource: 'form' } });
    expect(publisher.published.map((e) => [e.detailType, e.detail.data])).toEqual([
      [CustomerRegistered.detailType, { customerId: 'c-1', channel: 'web', stage: 'lead' }],
    ]);
    const again = await registerCustomer(ports, ctx, { via: 'web', identities: [email('ana@example.com'), { channel: 'phone', externalId: '+34600111222' }] });
    expect(again.outcome).toBe('already-registered');
    // the refused API registration attached nothing
    expect(await customers.findIdByIdentity('acme', 'phone', '+34600111222')).toBeUndefined();
    expect(publisher.published).toHaveLength(1);
  });

  it('registers a known prospect (a guest buyer) on the same customer, filling only what is missing', async () => {
    const id = await prospect(email('guest@example.com'));
    customers.customers.get(id)!.displayName = 'From The Store';
    const result = await registerCustomer(ports, ctx, { via: 'web', identities: [email('guest@example.com')], displayName: 'Form Name', profile: { locale: 'es' } });
    expect(result).toMatchObject({ outcome: 'registered', created: false, customer: { id, displayName: 'From The Store', locale: 'es', stage: 'lead' } });
  });

  it('an API registration whose publish failed is announced by the retry, which answers already-registered', async () => {
    publisher.failNext = true;
    await expect(registerCustomer(ports, ctx, { via: 'web', identities: [email('retry@example.com')] })).rejects.toThrow('PutEvents failed');
    expect(publisher.published).toHaveLength(0);
    const retry = await registerCustomer(ports, ctx, { via: 'web', identities: [email('retry@example.com')] });
    expect(retry.outcome).toBe('already-registered');
    expect(publisher.published.map((e) => e.detailType)).toEqual([CustomerRegistered.detailType]);
    await registerCustomer(ports, ctx, { via: 'web', identities: [email('retry@example.com')] });
    expect(publisher.published).toHaveLength(1);
  });

  it('a store account for someone registered before attaches the shop id and announces nothing; its redelivery is a duplicate', async () => {
    await registerCustomer(ports, ctx, { via: 'web', identities: [email('both@example.com')] });
    const delivery = { source: 'shopify', key: 'event:1' };
    const shop = { via: 'shopify' as const, identities: [{ channel: 'shopify' as const, externalId: '706405506930370084' }, email('both@example.com')] };
    expect((await registerCustomer(ports, ctx, shop, delivery)).outcome).toBe('already-registered');
    expect(await customers.findIdByIdentity('acme', 'shopify', '706405506930370084')).toBe('c-1');
    expect((await registerCustomer(ports, ctx, shop, delivery)).outcome).toBe('duplicate');
    expect(publisher.published).toHaveLength(1);
  });

  it('a webhook registration whose publish failed is finished by the redelivery', async () => {
    const delivery = { source: 'events', key: 'msg_1' };
    publisher.failNext = true;
    await expect(registerCustomer(ports, ctx, { via: 'web', identities: [email('hook@example.com')] }, delivery)).rejects.toThrow();
    expect((await registerCustomer(ports, ctx, { via: 'web', identities: [email('hook@example.com')] }, delivery)).outcome).toBe('duplicate');
    expect(publisher.published.map((e) => e.detailType)).toEqual([CustomerRegistered.detailType]);
  });
});

describe('identifyCustomer', () => {
  const delivery = (key: string) => ({ source: 'events', key });

  it('the cookie customer gains the known identities when nobody else has them', async () => {
    const visitor = await prospect({ channel: 'anonymous', externalId: 'ck-1' });
    const result = await identifyCustomer(ports, ctx, { anonymousId: 'ck-1', identities: [email('new@example.com')] }, delivery('m1'));
    expect(result).toEqual({ outcome: 'identified', customerId: visitor, mergeCandidates: [], merged: [] });
    expect(await customers.findIdByIdentity('acme', 'email', 'new@example.com')).toBe(visitor);
    expect(publisher.published.map((e) => [e.detailType, e.detail.data])).toEqual([[CustomerUpdated.detailType, { customerId: visitor, changed: ['identities'] }]]);
    expect((await identifyCustomer(ports, ctx, { anonymousId: 'ck-1', identities: [email('new@example.com')] }, delivery('m1'))).outcome).toBe('duplicate');
    expect(publisher.published).toHaveLength(1);
  });

  it('two customers: the cookie one is a merge candidate, merged when the merge use case is there', async () => {
    const known = await prospect(email('known@example.com'));
    const visitor = await prospect({ channel: 'anonymous', externalId: 'ck-2' });
    const reported = await identifyCustomer(ports, ctx, { anonymousId: 'ck-2', identities: [email('known@example.com')] }, delivery('m2'));
    expect(reported).toMatchObject({ customerId: known, mergeCandidates: [visitor], merged: [] });
    const calls: [string, string][] = [];
    const withMerge = { ...ports, merge: async (_c: typeof ctx, survivor: string, merged: string) => (calls.push([survivor, merged]), true) };
    const merged = await identifyCustomer(withMerge, ctx, { anonymousId: 'ck-2', identities: [email('known@example.com')] }, delivery('m3'));
    expect(merged).toMatchObject({ customerId: known, mergeCandidates: [visitor], merged: [visitor] });
    expect(calls).toEqual([[known, visitor]]);
  });

  it('a merge that fails fails the delivery before it is recorded, so the retry merges again', async () => {
    await prospect(email('k@example.com'));
    await prospect({ channel: 'anonymous', externalId: 'ck-3' });
    const failing = { ...ports, merge: async () => Promise.reject(new Error('merge interrupted')) };
    await expect(identifyCustomer(failing, ctx, { anonymousId: 'ck-3', identities: [email('k@example.com')] }, delivery('m4'))).rejects.toThrow('merge interrupted');
    expect(await store.getDelivery('acme', delivery('m4'))).toBeUndefined();
  });
});

describe('profile edits', () => {
  it('refuses every field a PATCH may not change, naming them', () => {
    expect(() => refuseUnpatchableFields({ displayName: 'x', tags: [] })).not.toThrow();
    try {
      refuseUnpatchableFields({ displayName: 'x', stage: 'loyal', points: 10 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInput);
      expect((error as InvalidInput).message).toContain('"stage", "points"');
      expect((error as InvalidInput).details).toEqual({ fields: ['stage', 'points'] });
    }
    expect(() => refuseUnpatchableFields([1])).toThrow(InvalidInput);
  });

  it('changes, clears and announces only what really changed', async () => {
    const id = await prospect(email('p@example.com'));
    const changed = await updateCustomerProfile(ports, ctx, id, { displayName: 'P', tags: ['vip'], locale: null });
    expect(changed).toMatchObject({ displayName: 'P', tags: ['vip'] });
    expect(publisher.published.map((e) => e.detail.data)).toEqual([{ customerId: id, changed: ['displayName', 'tags'] }]);
    const cleared = await updateCustomerProfile(ports, ctx, id, { displayName: null, tags: ['vip'] });
    expect(cleared.displayName).toBeUndefined();
    expect(publisher.published.at(-1)?.detail.data).toEqual({ customerId: id, changed: ['displayName'] });
    await expect(updateCustomerProfile(ports, ctx, 'nobody', { displayName: 'x' })).rejects.toThrow(NotFound);
    await expect(updateCustomerProfile(ports, { ...ctx, tenantId: 'globex' }, id, { displayName: 'x' })).rejects.toThrow(NotFound);
  });

  it('keeps a display name while the person has a name: given and family make one when none is set or it is cleared', async () => {
    const id = await prospect(email('names@example.com'));
    expect(await updateCustomerProfile(ports, ctx, id, { givenName: 'Ana', familyName: 'Ruiz' })).toMatchObject({ givenName: 'Ana', familyName: 'Ruiz', displayName: 'Ana Ruiz' });
    expect(publisher.published.at(-1)?.detail.data).toEqual({ customerId: id, changed: ['displayName', 'givenName', 'familyName'] });
    // a display name of their own is kept when a part changes
    await updateCustomerProfile(ports, ctx, id, { displayName: 'Anita' });
    expect(await updateCustomerProfile(ports, ctx, id, { familyName: 'Gil' })).toMatchObject({ displayName: 'Anita', familyName: 'Gil' });
    // cleared, it is made of the parts again
    expect((await updateCustomerProfile(ports, ctx, id, { displayName: null })).displayName).toBe('Ana Gil');
    expect(publisher.published.at(-1)?.detail.data).toEqual({ customerId: id, changed: ['displayName'] });
    // with no name left at all, there is none
    const nameless = await updateCustomerProfile(ports, ctx, id, { displayName: null, givenName: null, familyName: null });
    expect([nameless.displayName, nameless.givenName, nameless.familyName]).toEqual([undefined, undefined, undefined]);
  });
});

describe('recordWebAction', () => {
  it('records a loyalty action on channel web once, analysing a review text', async () => {
    const interactions = new FakeInteractions();
    const webPorts = { customers, interactions, publisher, analyzer: fakeAnalyzer, clock: fixedClock(), ids: sequentialIds('w') };
    const action = {
      kind: 'review' as const,
      externalId: 'msg_r1',
      person: [email('r@example.com')],
      subjectId: 'p-9',
      text: 'I love it',
      occurredAt: '2026-11-23T09:00:00.000Z',
    };
    const first = await recordWebAction(webPorts, ctx, action);
    expect(first.outcome).toBe('recorded');
    expect(first.interaction).toMatchObject({ channel: 'web', kind: 'review', postId: 'p-9', sentiment: 0.8 });
    expect((await recordWebAction(webPorts, ctx, action)).outcome).toBe('duplicate');
    expect(publisher.published.map((e) => e.detailType)).toEqual([InteractionRecorded.detailType]);
  });

  it('starts a new customer with the names the site gave, the display name made of given and family', async () => {
    const webPorts = { customers, interactions: new FakeInteractions(), publisher, analyzer: fakeAnalyzer, clock: fixedClock(), ids: sequentialIds('w') };
    const action = { kind: 'survey' as const, externalId: 'msg_s1', person: [email('s@example.com')], givenName: 'Sara', familyName: 'Gil', occurredAt: '2026-11-23T09:00:00.000Z' };
    const { interaction } = await recordWebAction(webPorts, ctx, action);
    expect(customers.customers.get(interaction.customerId)).toMatchObject({ givenName: 'Sara', familyName: 'Gil', displayName: 'Sara Gil' });
  });
});
