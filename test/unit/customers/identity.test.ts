import { describe, expect, it } from 'vitest';
import { resolveCustomer } from '../../../domain/customers/identity.js';
import { personNames, withMissingNames } from '../../../domain/shared/customer.js';
import { amendInteraction, recordSocialInteractions } from '../../../domain/social/interactions.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';

const ports = () => ({ customers: new FakeCustomers(), clock: fixedClock(), ids: sequentialIds('c') });

describe('resolveCustomer', () => {
  it('creates one prospect holding the primary and linked identities', async () => {
    const p = ports();
    const r = await resolveCustomer(p, 'acme', {
      primary: { channel: 'whatsapp', externalId: '34600111222', name: 'Ana', influence: { followers: 10 } },
      links: [{ channel: 'phone', externalId: '+34600111222' }],
      displayName: 'Ana',
    });
    const customer = p.customers.customers.get('c-1')!;
    // the profile just created is handed on, so the caller need not read it again
    expect(r).toEqual({ customerId: 'c-1', created: true, conflicts: [], customer });
    expect(customer.identities.map((i) => `${i.channel}:${i.externalId}`)).toEqual(['whatsapp:34600111222', 'phone:+34600111222']);
    expect(customer.identities[0]!.influence).toEqual({ followers: 10, updatedAt: '2026-11-23T10:00:00.000Z' });
  });

  it('joins a new network identity to the customer who already has the linked phone', async () => {
    const p = ports();
    const first = await resolveCustomer(p, 'acme', { primary: { channel: 'phone', externalId: '+34600111222' } });
    const second = await resolveCustomer(p, 'acme', {
      primary: { channel: 'whatsapp', externalId: '34600111222' },
      links: [{ channel: 'phone', externalId: '+34600111222' }],
    });
    expect(second).toEqual({ customerId: first.customerId, created: false, conflicts: [] });
    expect(p.customers.customers.size).toBe(1);
    expect(p.customers.customers.get(first.customerId)!.identities.map((i) => i.channel)).toEqual(['phone', 'whatsapp']);
  });

  it('refreshes handle and follower figures of a known identity, and writes nothing when they did not change', async () => {
    const p = ports();
    const first = await resolveCustomer(p, 'acme', { primary: { channel: 'x', externalId: '42', handle: 'ana', influence: { followers: 10 } } });
    await resolveCustomer(p, 'acme', { primary: { channel: 'x', externalId: '42', handle: 'ana_b', influence: { followers: 2500, verified: true } } });
    const identity = p.customers.customers.get(first.customerId)!.identities[0]!;
    expect(identity).toMatchObject({ handle: 'ana_b', influence: { followers: 2500, verified: true } });
    const before = p.customers.customers.get(first.customerId);
    await resolveCustomer(p, 'acme', { primary: { channel: 'x', externalId: '42', handle: 'ana_b', influence: { followers: 2500, verified: true } } });
    expect(p.customers.customers.get(first.customerId)).toBe(before);
  });

  it('reports a second customer holding a linked identity as a merge candidate', async () => {
    const p = ports();
    const a = await resolveCustomer(p, 'acme', { primary: { channel: 'facebook', externalId: 'psid' } });
    const b = await resolveCustomer(p, 'acme', { primary: { channel: 'email', externalId: 'ana@example.com' } });
    const r = await resolveCustomer(p, 'acme', { primary: { channel: 'facebook', externalId: 'psid' }, links: [{ channel: 'email', externalId: 'ana@example.com' }] });
    expect(r).toEqual({ customerId: a.customerId, created: false, conflicts: [b.customerId] });
  });
});

describe('amendInteraction', () => {
  const setup = async () => {
    const p = { customers: new FakeCustomers(), interactions: new FakeInteractions(), publisher: new FakePublisher(), analyzer: fakeAnalyzer, clock: fixedClock(), ids: sequentialIds() };
    await recordSocialInteractions(p, { tenantId: 'acme', correlationId: 'c' }, [
      { channel: 'x', kind: 'mention', externalId: 't-1', author: { externalId: 'u-1' }, text: 'I love it', occurredAt: '2026-11-23T09:00:00.000Z' },
    ]);
    return p;
  };

  it('re-analyses an edited text', async () => {
    const p = await setup();
    const edited = await amendInteraction(p, 'acme', { channel: 'x', externalId: 't-1' }, { kind: 'edit', text: 'it arrived broken', at: '2026-11-23T09:05:00.000Z' });
    expect(edited).toMatchObject({ text: 'it arrived broken', sentiment: -0.8, intent: 'complaint', editedAt: '2026-11-23T09:05:00.000Z' });
  });

  it('erases text, sentiment and intent on a delete, keeps the fact, and ignores later edits', async () => {
    const p = await setup();
    const removed = await amendInteraction(p, 'acme', { channel: 'x', externalId: 't-1' }, { kind: 'remove', at: '2026-11-23T09:10:00.000Z' });
    expect(removed).toMatchObject({ externalId: 't-1', removedAt: '2026-11-23T09:10:00.000Z' });
    expect(removed).not.toHaveProperty('text');
    expect(removed).not.toHaveProperty('sentiment');
    const stored = await p.interactions.findByExternalId('acme', 'x', 't-1');
    expect(stored).not.toHaveProperty('text');
    const late = await amendInteraction(p, 'acme', { channel: 'x', externalId: 't-1' }, { kind: 'edit', text: 'back', at: '2026-11-23T09:20:00.000Z' });
    expect(late).not.toHaveProperty('text');
  });

  it('does nothing for an interaction it never stored', async () => {
    const p = await setup();
    expect(await amendInteraction(p, 'acme', { channel: 'x', externalId: 'nope' }, { kind: 'remove', at: '2026-11-23T09:10:00.000Z' })).toBeUndefined();
  });
});

describe('person names', () => {
  it('keeps trimmed names, drops empty ones, and makes the display name of the given and family names when none came', () => {
    expect(personNames({ givenName: ' Ana ', familyName: 'Ruiz' })).toEqual({ displayName: 'Ana Ruiz', givenName: 'Ana', familyName: 'Ruiz' });
    expect(personNames({ familyName: 'Ruiz' })).toEqual({ displayName: 'Ruiz', familyName: 'Ruiz' });
    expect(personNames({ displayName: 'Anita', givenName: 'Ana', familyName: '  ' })).toEqual({ displayName: 'Anita', givenName: 'Ana' });
    expect(personNames({ displayName: '' })).toEqual({});
  });

  it('fills only the names a record lacks (a sign-up or a store never overwrites a name already there)', () => {
    const record = { id: 'c-1', displayName: 'Set by a marketer' };
    expect(withMissingNames(record, { givenName: 'Ana', familyName: 'Ruiz' })).toEqual({ id: 'c-1', displayName: 'Set by a marketer', givenName: 'Ana', familyName: 'Ruiz' });
    const nameless: { id: string; displayName?: string } = { id: 'c-2' };
    expect(withMissingNames(nameless, { givenName: 'Ana' })).toEqual({ id: 'c-2', displayName: 'Ana', givenName: 'Ana' });
    expect(withMissingNames(record, {})).toEqual(record);
  });
});
