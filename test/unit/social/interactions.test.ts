import { describe, expect, it } from 'vitest';
import { recordSocialInteractions, type SocialSignal } from '../../../domain/social/interactions.js';
import { InteractionRecorded } from '../../../events/catalog.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';

function setup() {
  const ports = {
    customers: new FakeCustomers(),
    interactions: new FakeInteractions(),
    publisher: new FakePublisher(),
    analyzer: fakeAnalyzer,
    clock: fixedClock(),
    ids: sequentialIds(),
  };
  return ports;
}

const ctx = { tenantId: 'acme', correlationId: 'corr-1' };

function comment(overrides: Partial<SocialSignal> = {}): SocialSignal {
  return {
    channel: 'facebook',
    kind: 'comment',
    externalId: 'c-1',
    accountId: 'page-1',
    author: { externalId: 'psid-1', name: 'Ana' },
    text: 'I love it',
    occurredAt: '2026-11-23T09:00:00.000Z',
    ...overrides,
  };
}

describe('recordSocialInteractions', () => {
  it('creates a prospect for a new author, stores the interaction and publishes InteractionRecorded', async () => {
    const ports = setup();
    const [result] = await recordSocialInteractions(ports, ctx, [comment()]);
    expect(result?.outcome).toBe('recorded');
    const customer = [...ports.customers.customers.values()][0]!;
    expect(customer).toMatchObject({ tenantId: 'acme', stage: 'prospect', displayName: 'Ana' });
    expect(customer.identities).toEqual([expect.objectContaining({ channel: 'facebook', externalId: 'psid-1', name: 'Ana' })]);
    expect(ports.publisher.published).toHaveLength(1);
    const event = ports.publisher.published[0]!;
    expect(event.detailType).toBe(InteractionRecorded.detailType);
    const detail = InteractionRecorded.detail.parse(event.detail);
    expect(detail.data).toMatchObject({ customerId: customer.id, channel: 'facebook', kind: 'comment', externalId: 'c-1', sentiment: 0.8, hasText: true });
    expect(detail.metadata).toMatchObject({ tenantId: 'acme', correlationId: 'corr-1', occurredAt: '2026-11-23T09:00:00.000Z', version: 1 });
  });

  it('reuses the customer of a known identity', async () => {
    const ports = setup();
    await recordSocialInteractions(ports, ctx, [comment({ externalId: 'c-1' }), comment({ externalId: 'c-2' })]);
    expect(ports.customers.customers.size).toBe(1);
    expect(ports.publisher.published).toHaveLength(2);
  });

  it('changes nothing and publishes nothing for a redelivered interaction', async () => {
    const ports = setup();
    await recordSocialInteractions(ports, ctx, [comment()]);
    const again = await recordSocialInteractions(ports, ctx, [comment()]);
    expect(again[0]?.outcome).toBe('duplicate');
    expect(ports.publisher.published).toHaveLength(1);
    expect(ports.interactions.stored.size).toBe(1);
  });

  it('publishes on redelivery when the first publish failed, with the same event id', async () => {
    const ports = setup();
    ports.publisher.failNext = true;
    await expect(recordSocialInteractions(ports, ctx, [comment()])).rejects.toThrow('PutEvents failed');
    expect(ports.publisher.published).toHaveLength(0);
    const retry = await recordSocialInteractions(ports, ctx, [comment()]);
    expect(retry[0]?.outcome).toBe('republished');
    expect(ports.publisher.published).toHaveLength(1);
    expect(ports.publisher.published[0]!.detail.metadata.eventId).toBe(`interaction-${retry[0]!.interaction.id}`);
    const third = await recordSocialInteractions(ports, ctx, [comment()]);
    expect(third[0]?.outcome).toBe('duplicate');
  });

  it('leaves sentiment and intent out when there is no text', async () => {
    const ports = setup();
    const [result] = await recordSocialInteractions(ports, ctx, [comment({ text: undefined })]);
    expect(result?.interaction.sentiment).toBeUndefined();
    const data = InteractionRecorded.data.parse(ports.publisher.published[0]!.detail.data);
    expect(data).toMatchObject({ hasText: false, sentiment: null, intent: null });
  });

  it('keeps tenants apart: the same author on two tenants is two customers', async () => {
    const ports = setup();
    await recordSocialInteractions(ports, ctx, [comment()]);
    await recordSocialInteractions(ports, { tenantId: 'globex', correlationId: 'c' }, [comment()]);
    expect(ports.customers.customers.size).toBe(2);
    expect(ports.publisher.published).toHaveLength(2);
  });
});
