/**
 * What a read Meta delivery does (with fakes): interactions recorded, edits and removals applied after
 * the adds, delivery states moved forward only; and the receipt the webhook answers.
 */
import { describe, expect, it } from 'vitest';
import { extractMetaDelivery, ingestMetaDelivery } from '../../../domain/social/ingest/meta.js';
import { applyDeliveryReports, canMoveTo, statesBefore } from '../../../domain/social/messages.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';
import { changesEntry, delivery, FakeMessages, pageComment, parsed, wabaDelivery, whatsappChange, whatsappStatus, whatsappText } from '../../support/meta.js';

const PAGE = '100';
const PHONE_ID = '200';
const ctx = { tenantId: 'acme', correlationId: 'corr-1' };
const accounts = { facebook: [PAGE], instagram: [], whatsapp: [PHONE_ID] };

function setup() {
  return {
    customers: new FakeCustomers(),
    interactions: new FakeInteractions(),
    publisher: new FakePublisher(),
    analyzer: fakeAnalyzer,
    clock: fixedClock(),
    ids: sequentialIds(),
    messages: new FakeMessages(),
  };
}

const run = (ports: ReturnType<typeof setup>, body: string) =>
  ingestMetaDelivery(ports, ctx, extractMetaDelivery(parsed(body), { accounts, receivedAt: '2026-11-23T10:00:00.000Z' }));

describe('delivery states', () => {
  it('only move forward: sent < delivered < read; failed is terminal', () => {
    expect(statesBefore('sent')).toEqual(['accepted']);
    expect(statesBefore('read')).toEqual(['accepted', 'sent', 'delivered']);
    expect(canMoveTo('delivered', 'read')).toBe(true);
    expect(canMoveTo('read', 'delivered')).toBe(false);
    expect(canMoveTo('read', 'read')).toBe(false);
    expect(canMoveTo('delivered', 'failed')).toBe(true);
    expect(canMoveTo('failed', 'read')).toBe(false);
    expect(canMoveTo('failed', 'failed')).toBe(false);
  });

  it('tallies reports: advanced, unchanged (repeat or older), unknown message', async () => {
    const store = new FakeMessages();
    await store.createOutboundMessage({ tenantId: 'acme', channel: 'whatsapp', providerMessageId: 'wamid.1', createdAt: '2026-11-23T09:00:00.000Z' });
    const at = '2026-11-23T09:01:00.000Z';
    const tally = await applyDeliveryReports(store, 'acme', [
      { channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at },
      { channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'delivered', at },
      { channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at },
      { channel: 'whatsapp', providerMessageId: 'wamid.unknown', status: 'sent', at },
    ]);
    expect(tally).toEqual({ advanced: 1, unchanged: 2, unknown: 1 });
    expect((await store.get('acme', 'whatsapp', 'wamid.1'))?.status).toBe('read');
    // another tenant's message of the same id is not this one
    expect(await applyDeliveryReports(store, 'globex', [{ channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at }])).toEqual({ advanced: 0, unchanged: 0, unknown: 1 });
  });
});

describe('ingestMetaDelivery', () => {
  it('answers only the three counters for a plain comment', async () => {
    const ports = setup();
    const receipt = await run(ports, delivery('page', [changesEntry(PAGE, [pageComment({ pageId: PAGE, fromId: '1', message: 'I love it' })])]));
    expect(receipt).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    expect(ports.publisher.published).toHaveLength(1);
  });

  it('applies an edit and a removal after the add of the same delivery, and counts unknown ones', async () => {
    const ports = setup();
    const add = pageComment({ pageId: PAGE, fromId: '1', message: 'I love it', commentId: 'c_1' });
    const edit = pageComment({ pageId: PAGE, fromId: '1', verb: 'edited', message: 'It arrived broken', commentId: 'c_1' });
    const removeOther = pageComment({ pageId: PAGE, verb: 'remove', commentId: 'c_never_seen' });
    const receipt = await run(ports, delivery('page', [changesEntry(PAGE, [add, edit, removeOther])]));
    expect(receipt).toEqual({ received: 1, recorded: 1, duplicates: 0, amended: 1, amendedUnknown: 1 });
    const stored = await ports.interactions.findByExternalId('acme', 'facebook', 'c_1');
    expect(stored).toMatchObject({ text: 'It arrived broken', sentiment: -0.8, intent: 'complaint', editedAt: expect.any(String) });

    const removal = await run(ports, delivery('page', [changesEntry(PAGE, [pageComment({ pageId: PAGE, verb: 'remove', commentId: 'c_1' })])]));
    expect(removal).toEqual({ received: 0, recorded: 0, duplicates: 0, amended: 1 });
    const removed = await ports.interactions.findByExternalId('acme', 'facebook', 'c_1');
    expect(removed).not.toHaveProperty('text');
    expect(removed).not.toHaveProperty('sentiment');
    expect(removed?.removedAt).toEqual(expect.any(String));
  });

  it('counts repeats inside one delivery as duplicates, and reports ignored, unattributed and unsupported', async () => {
    const ports = setup();
    const same = pageComment({ pageId: PAGE, fromId: '1', message: 'twice', commentId: 'c_2' });
    const body = delivery('page', [
      changesEntry(PAGE, [same, same, pageComment({ pageId: PAGE, message: 'nobody' }), { field: 'feed', value: { item: 'comment', verb: 'hide' } }]),
      changesEntry('other-page', [pageComment({ pageId: 'other-page', fromId: '1', message: 'x' })]),
    ]);
    expect(await run(ports, body)).toEqual({ received: 2, recorded: 1, duplicates: 1, ignored: 1, unattributed: 1, unsupported: 1 });
  });

  it('joins a WhatsApp sender to the customer who already has that phone', async () => {
    const ports = setup();
    ports.customers.customers.set('cust-1', {
      id: 'cust-1',
      tenantId: 'acme',
      stage: 'customer',
      identities: [{ channel: 'phone', externalId: '+34600111222', firstSeenAt: '2026-01-01T00:00:00.000Z' }],
      activity: { interactionsByChannel: {} },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    ports.customers.identities.set('acme|phone|+34600111222', 'cust-1');
    await run(ports, wabaDelivery([whatsappText({ phoneNumberId: PHONE_ID, waId: '34600111222', body: 'Hola 👋' })]));
    expect(await ports.customers.findIdByIdentity('acme', 'whatsapp', '34600111222')).toBe('cust-1');
    expect(ports.customers.customers.size).toBe(1);
  });

  it('moves delivery states and reports the tally only when there were statuses', async () => {
    const ports = setup();
    await ports.messages.createOutboundMessage({ tenantId: 'acme', channel: 'whatsapp', providerMessageId: 'wamid.s', createdAt: '2026-11-23T09:00:00.000Z' });
    const body = wabaDelivery([
      whatsappChange(PHONE_ID, {
        statuses: [whatsappStatus({ id: 'wamid.s', status: 'delivered', timestamp: 1750030073 }), whatsappStatus({ id: 'wamid.s', status: 'sent' }), whatsappStatus({ id: 'wamid.x', status: 'read' })],
      }),
    ]);
    expect(await run(ports, body)).toEqual({ received: 0, recorded: 0, duplicates: 0, statuses: { advanced: 1, unchanged: 1, unknown: 1 } });
    expect(await ports.messages.get('acme', 'whatsapp', 'wamid.s')).toMatchObject({ status: 'delivered', statusTimes: { delivered: new Date(1750030073 * 1000).toISOString() } });
  });
});
