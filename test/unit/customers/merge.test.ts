import { describe, expect, it, vi } from 'vitest';
import {
  absorb,
  combineActivity,
  combineConsent,
  furtherStage,
  joinIdentities,
  mergeCustomers,
  mergeOnSharedIdentity,
  type MergePorts,
} from '../../../domain/customers/merge.js';
import { recordSocialInteractions } from '../../../domain/social/interactions.js';
import { Conflict, InvalidInput, NotFound } from '../../../domain/shared/errors.js';
import { CustomersMerged } from '../../../events/catalog.js';
import type { Customer, Identity } from '../../../domain/shared/model.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';
import { FakeMergeStore, type FakeTimelineItem } from '../../support/merge-fakes.js';

const identity = (channel: Identity['channel'], externalId: string, firstSeenAt = '2026-01-01T00:00:00.000Z', extra: Partial<Identity> = {}): Identity => ({
  channel,
  externalId,
  firstSeenAt,
  ...extra,
});

function customer(id: string, overrides: Partial<Customer> = {}): Customer {
  return {
    id,
    tenantId: 'acme',
    stage: 'prospect',
    identities: [],
    activity: { interactionsByChannel: {} },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('combination rules', () => {
  it('activity: counts per channel add up, last seen is the later one', () => {
    expect(
      combineActivity(
        { lastInteractionAt: '2026-03-01T00:00:00.000Z', interactionsByChannel: { facebook: 2, x: 1 } },
        { lastInteractionAt: '2026-05-01T00:00:00.000Z', interactionsByChannel: { facebook: 3, instagram: 4 } },
      ),
    ).toEqual({ lastInteractionAt: '2026-05-01T00:00:00.000Z', interactionsByChannel: { facebook: 5, x: 1, instagram: 4 } });
    expect(combineActivity({ interactionsByChannel: {} }, { interactionsByChannel: {} })).toEqual({ interactionsByChannel: {} });
  });

  it('identities: joined once per channel and id; the survivor’s entry wins, with the earlier first sighting', () => {
    const joined = joinIdentities(
      [identity('facebook', '1', '2026-02-01T00:00:00.000Z', { name: 'Ana' }), identity('phone', '+34600111222', '2026-02-01T00:00:00.000Z')],
      [identity('phone', '+34600111222', '2026-01-15T00:00:00.000Z', { name: 'A. T.' }), identity('whatsapp', '34600111222')],
    );
    expect(joined).toEqual([
      identity('facebook', '1', '2026-02-01T00:00:00.000Z', { name: 'Ana' }),
      identity('phone', '+34600111222', '2026-01-15T00:00:00.000Z', { name: 'A. T.' }),
      identity('whatsapp', '34600111222'),
    ]);
  });

  it('stage: the one further along', () => {
    expect(furtherStage('prospect', 'customer')).toBe('customer');
    expect(furtherStage('loyal', 'lead')).toBe('loyal');
  });

  it('consent: the latest decision counts; on a tie, the withdrawal', () => {
    const combined = combineConsent(
      { marketing: { email: { status: 'granted', at: '2026-03-01T00:00:00.000Z' }, sms: { status: 'granted', at: '2026-03-01T00:00:00.000Z' } } },
      {
        marketing: { email: { status: 'withdrawn', at: '2026-04-01T00:00:00.000Z' }, sms: { status: 'withdrawn', at: '2026-03-01T00:00:00.000Z' } },
        social_profiling: { status: 'granted', at: '2026-01-01T00:00:00.000Z' },
      },
    );
    expect(combined?.marketing?.email?.status).toBe('withdrawn');
    expect(combined?.marketing?.sms?.status).toBe('withdrawn');
    expect(combined?.social_profiling?.status).toBe('granted');
  });

  it('absorb: survivor values win, gaps are filled, and absorbing twice adds nothing', () => {
    const survivor = customer('s', { stage: 'lead', activity: { interactionsByChannel: { facebook: 1 } }, tags: ['vip'] });
    const merged = customer('m', {
      displayName: 'Ana',
      stage: 'prospect',
      locale: 'es',
      activity: { interactionsByChannel: { facebook: 2 } },
      tags: ['vip', 'runner'],
      createdAt: '2025-12-01T00:00:00.000Z',
    });
    const once = absorb(survivor, merged);
    expect(once).toMatchObject({ id: 's', stage: 'lead', displayName: 'Ana', locale: 'es', tags: ['vip', 'runner'], createdAt: '2025-12-01T00:00:00.000Z', mergedFrom: ['m'] });
    expect(once.activity.interactionsByChannel).toEqual({ facebook: 3 });
    expect(absorb(once, merged)).toEqual(once);
  });
});

const interaction = (customerId: string, n: number, at: string): FakeTimelineItem => ({
  sk: `TL#${at}#interaction#i-${customerId}-${n}`,
  type: 'interaction',
  occurredAt: at,
  data: { id: `i-${customerId}-${n}`, customerId, channel: 'facebook', externalId: `c-${customerId}-${n}`, occurredAt: at },
});

function setup() {
  const merges = new FakeMergeStore();
  merges.addCustomer(
    customer('S', { identities: [identity('facebook', 'psid-s')], activity: { lastInteractionAt: '2026-03-01T00:00:00.000Z', interactionsByChannel: { facebook: 1 } } }),
    [interaction('S', 1, '2026-03-01T00:00:00.000Z')],
  );
  merges.addCustomer(
    customer('M', {
      displayName: 'Ana',
      identities: [identity('facebook', 'psid-m'), identity('phone', '+34600111222')],
      activity: { lastInteractionAt: '2026-04-01T00:00:00.000Z', interactionsByChannel: { facebook: 3 } },
    }),
    [interaction('M', 1, '2026-02-01T00:00:00.000Z'), interaction('M', 2, '2026-03-15T00:00:00.000Z'), interaction('M', 3, '2026-04-01T00:00:00.000Z')],
  );
  const publisher = new FakePublisher();
  const ports: MergePorts = { merges, publisher, clock: fixedClock() };
  const ctx = { tenantId: 'acme', correlationId: 'corr-1', actor: 'user-1' };
  return { merges, publisher, ports, ctx, request: { survivorId: 'S', mergedId: 'M', reason: 'manual' } };
}

describe('mergeCustomers', () => {
  it('moves identities and timeline, combines figures, records it on both timelines, publishes once, leaves a tombstone', async () => {
    const { merges, publisher, ports, ctx, request } = setup();
    const outcome = await mergeCustomers(ports, ctx, request);
    expect(outcome).toEqual({ survivorId: 'S', mergedId: 'M', reason: 'manual', mergedAt: '2026-11-23T10:00:00.000Z', status: 'completed' });

    const survivor = merges.customers.get('S')!;
    expect(survivor.identities.map((i) => i.externalId)).toEqual(['psid-s', 'psid-m', '+34600111222']);
    expect(survivor.activity).toEqual({ lastInteractionAt: '2026-04-01T00:00:00.000Z', interactionsByChannel: { facebook: 4 } });
    expect(survivor.displayName).toBe('Ana');
    expect(merges.identities.get('facebook|psid-m')).toBe('S');
    expect(merges.identities.get('phone|+34600111222')).toBe('S');

    const survivorTimeline = [...merges.timeline('S').values()];
    expect(survivorTimeline.filter((i) => i.type === 'interaction')).toHaveLength(4);
    expect(survivorTimeline.filter((i) => i.type === 'interaction').every((i) => i.data.customerId === 'S')).toBe(true);
    expect(merges.refs.get('facebook|c-M-2')).toBe('S');
    const mergedTimeline = [...merges.timeline('M').values()];
    expect(mergedTimeline.map((i) => i.type)).toEqual(['merge']);
    expect(survivorTimeline.find((i) => i.type === 'merge')?.data).toEqual({ survivorId: 'S', mergedId: 'M', reason: 'manual' });

    expect(publisher.published).toHaveLength(1);
    const event = CustomersMerged.detail.parse(publisher.published[0]!.detail);
    expect(event.data).toEqual({ survivorId: 'S', mergedId: 'M', reason: 'manual' });
    expect(event.metadata).toMatchObject({ tenantId: 'acme', eventId: 'customers-merged-M', correlationId: 'corr-1' });

    const tombstone = merges.customers.get('M')!;
    expect(tombstone).toMatchObject({ mergedInto: 'S', identities: [], merge: { reason: 'manual', completedAt: expect.any(String) } });
    expect(tombstone.displayName).toBeUndefined();
  });

  it('repeating a completed merge answers the same and does nothing else', async () => {
    const { merges, publisher, ports, ctx, request } = setup();
    const first = await mergeCustomers(ports, ctx, request);
    const before = structuredClone([...merges.customers.entries()]);
    merges.calls.length = 0;
    const again = await mergeCustomers(ports, ctx, { ...request, reason: 'other reason' });
    expect(again).toEqual(first);
    expect(publisher.published).toHaveLength(1);
    expect(merges.calls.every((c) => c === 'get')).toBe(true);
    expect([...merges.customers.entries()]).toEqual(before);
  });

  it.each([
    ['moveTimelinePage', 2],
    ['updateProfile', 1],
    ['repointIdentity', 2],
    ['putTimelineRecord', 1],
    ['completeMerge', 1],
  ])('a failure in %s (call %i) is finished by a retry, with figures added once', async (call, nth) => {
    const { merges, publisher, ports, ctx, request } = setup();
    merges.failOn = { call, nth };
    await expect(mergeCustomers(ports, ctx, request)).rejects.toThrow('injected failure');
    const outcome = await mergeCustomers(ports, ctx, request);
    expect(outcome.status).toBe('completed');
    expect(merges.customers.get('S')!.activity.interactionsByChannel).toEqual({ facebook: 4 });
    expect(merges.customers.get('S')!.identities).toHaveLength(3);
    expect([...merges.timeline('S').values()].filter((i) => i.type === 'interaction')).toHaveLength(4);
    expect([...merges.timeline('M').values()].map((i) => i.type)).toEqual(['merge']);
    expect(merges.customers.get('M')!.merge?.completedAt).toBeDefined();
    // an event published before the failure may be published again, always with the same id
    expect(new Set(publisher.published.map((e) => e.detail.metadata.eventId))).toEqual(new Set(['customers-merged-M']));
  });

  it('a failed publish leaves the merge incomplete, and the retry publishes', async () => {
    const { merges, publisher, ports, ctx, request } = setup();
    publisher.failNext = true;
    await expect(mergeCustomers(ports, ctx, request)).rejects.toThrow('PutEvents');
    expect(merges.customers.get('M')!.merge?.completedAt).toBeUndefined();
    await mergeCustomers(ports, ctx, request);
    expect(publisher.published).toHaveLength(1);
  });

  it('stops between pages when its time is up (in_progress) and the next call carries on', async () => {
    const { merges, ports, ctx, request } = setup();
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    const clock = { now: () => new Date(now) };
    merges.pageSize = 1;
    const original = merges.moveTimelinePage.bind(merges);
    merges.moveTimelinePage = async (...args) => {
      now += 1000; // each page takes a second
      return original(...args);
    };
    const first = await mergeCustomers({ ...ports, clock }, { ...ctx, deadline: Date.parse('2026-11-23T10:00:01.500Z') }, request);
    expect(first.status).toBe('in_progress');
    expect(merges.timeline('M').size).toBeGreaterThan(0);
    expect(merges.customers.get('M')!.mergedInto).toBe('S');
    const second = await mergeCustomers({ ...ports, clock }, ctx, request);
    expect(second).toMatchObject({ status: 'completed', mergedAt: first.mergedAt });
  });

  it('refuses a merge with itself (400), unknown customers (404) and a merge over another merge (409)', async () => {
    const { merges, ports, ctx } = setup();
    await expect(mergeCustomers(ports, ctx, { survivorId: 'S', mergedId: 'S', reason: 'manual' })).rejects.toThrow(InvalidInput);
    await expect(mergeCustomers(ports, ctx, { survivorId: 'S', mergedId: 'nobody', reason: 'manual' })).rejects.toThrow(NotFound);
    await expect(mergeCustomers(ports, ctx, { survivorId: 'nobody', mergedId: 'M', reason: 'manual' })).rejects.toThrow(NotFound);
    merges.addCustomer(customer('X'));
    await mergeCustomers(ports, ctx, { survivorId: 'S', mergedId: 'M', reason: 'manual' });
    // M is gone into S: neither can M absorb X, nor can X absorb M
    await expect(mergeCustomers(ports, ctx, { survivorId: 'M', mergedId: 'X', reason: 'manual' })).rejects.toThrow(Conflict);
    await expect(mergeCustomers(ports, ctx, { survivorId: 'X', mergedId: 'M', reason: 'manual' })).rejects.toThrow(Conflict);
  });

  it('records the merge in the audit trail when there is one, with ids only', async () => {
    const { ports, ctx, request } = setup();
    const entries: unknown[] = [];
    const audit = { record: async (e: unknown) => (entries.push(e), { ...(e as object), id: 'a' }) } as never;
    await mergeCustomers({ ...ports, audit }, ctx, request);
    expect(entries).toEqual([expect.objectContaining({ action: 'customer.merged', actor: 'user-1', targetId: 'S', details: { mergedId: 'M', reason: 'manual', identities: 2 } })]);
    expect(JSON.stringify(entries)).not.toContain('+34600111222');
  });
});

describe('automatic merge on a shared identity', () => {
  it('identity resolution reports the other customer holding the person’s phone to the onConflict hook', async () => {
    const customers = new FakeCustomers();
    const onConflict = vi.fn(async () => {});
    const ports = {
      customers,
      interactions: new FakeInteractions(),
      publisher: new FakePublisher(),
      analyzer: fakeAnalyzer,
      clock: fixedClock(),
      ids: sequentialIds(),
      onConflict,
    };
    const ctx = { tenantId: 'acme', correlationId: 'corr-9' };
    const signal = (externalId: string, authorId: string, phone?: string) => ({
      channel: 'whatsapp' as const,
      kind: 'dm' as const,
      externalId,
      author: { externalId: authorId, ...(phone && { links: [{ channel: 'phone' as const, externalId: phone }] }) },
      occurredAt: '2026-11-23T09:00:00.000Z',
    });
    // two customers: one known by the phone (e.g. from a store), one by a WhatsApp id
    await recordSocialInteractions(ports, ctx, [signal('m1', 'wa-1')]);
    await customers.createWithIdentity({ customer: { ...customer('shop-customer'), tenantId: 'acme' }, identity: identity('phone', '+34600111222') });
    const waCustomer = await customers.findIdByIdentity('acme', 'whatsapp', 'wa-1');
    expect(onConflict).not.toHaveBeenCalled();
    // the WhatsApp sender's payload proves the phone: both customers are the same person
    const [result] = await recordSocialInteractions(ports, ctx, [signal('m2', 'wa-1', '+34600111222')]);
    expect(onConflict).toHaveBeenCalledWith({ tenantId: 'acme', correlationId: 'corr-9', customerId: waCustomer, conflicts: ['shop-customer'] });
    expect(result?.interaction.customerId).toBe(waCustomer);
  });

  it('mergeOnSharedIdentity merges each conflicting customer into the chosen one and leaves impossible ones alone', async () => {
    const { merges, ports } = setup();
    merges.addCustomer(customer('Y', { mergedInto: 'elsewhere', merge: { at: '2026-01-01T00:00:00.000Z', reason: 'manual', completedAt: '2026-01-01T00:00:00.000Z' } }));
    const hook = mergeOnSharedIdentity(ports);
    await hook({ tenantId: 'acme', correlationId: 'c', customerId: 'S', conflicts: ['Y', 'M'] });
    expect(merges.customers.get('M')).toMatchObject({ mergedInto: 'S', merge: { reason: 'shared-identity' } });
    expect(merges.customers.get('Y')!.mergedInto).toBe('elsewhere');
  });

  it('mergeOnSharedIdentity lets infrastructure failures through, so the delivery is retried', async () => {
    const { merges, ports } = setup();
    merges.failOn = { call: 'moveTimelinePage', nth: 1 };
    await expect(mergeOnSharedIdentity(ports)({ tenantId: 'acme', correlationId: 'c', customerId: 'S', conflicts: ['M'] })).rejects.toThrow('injected');
  });
});
