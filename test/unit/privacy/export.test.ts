/**
 * The export use case with an in-memory reader, and how a stored item is shown (no table keys, sets as
 * lists, TTL as retainedUntil).
 */
import { describe, expect, it } from 'vitest';
import { present } from '../../../adapters/privacy/dynamo-erasure.js';
import { Conflict, NotFound } from '../../../domain/shared/errors.js';
import { exportCustomer, type ExportSections, type PersonalDataReader } from '../../../domain/privacy/export.js';
import type { Customer } from '../../../domain/shared/model.js';
import { FakeAuditLog } from '../../support/consent.js';
import { fixedClock } from '../../support/fakes.js';

const NOW = '2026-11-23T10:00:00.000Z';
const customer = (id: string, extra: Partial<Customer> = {}): Customer => ({
  id,
  tenantId: 'acme',
  stage: 'lead',
  identities: [{ channel: 'email', externalId: 'ana@example.com', firstSeenAt: NOW }],
  activity: { interactionsByChannel: {} },
  createdAt: NOW,
  updatedAt: NOW,
  ...extra,
});

function reader(profiles: Customer[]): PersonalDataReader & { asked: { tenantId: string; ids: string[] }[] } {
  const asked: { tenantId: string; ids: string[] }[] = [];
  return {
    asked,
    person: async (tenantId, id) => (tenantId === 'acme' && profiles[0]?.id === id ? profiles : []),
    collect: async (tenantId, people): Promise<ExportSections> => {
      asked.push({ tenantId, ids: people.map((p) => p.id) });
      return { Customer: people.map((p) => ({ ...p })), TimelineItem: [{ type: 'interaction', text: 'hola' }, { type: 'order', orderId: '1' }], Message: [] };
    },
  };
}

describe('exportCustomer', () => {
  it('answers every section the reader collects for the person and their merged records, and audits counts only', async () => {
    const audit = new FakeAuditLog();
    const r = reader([customer('c1', { mergedFrom: ['c0'] }), customer('c0', { mergedInto: 'c1' })]);
    const doc = await exportCustomer({ reader: r, audit, clock: fixedClock(NOW) }, { tenantId: 'acme', actor: 'admin-1' }, 'c1');
    expect(doc).toEqual({
      format: 'social-crm.customer-export.v1',
      customerId: 'c1',
      exportedAt: NOW,
      sections: expect.objectContaining({ Customer: [expect.objectContaining({ id: 'c1' }), expect.objectContaining({ id: 'c0' })], Message: [] }),
    });
    expect(r.asked).toEqual([{ tenantId: 'acme', ids: ['c1', 'c0'] }]);
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'customer.exported', actor: 'admin-1', targetId: 'c1', at: NOW, details: { Customer: 2, TimelineItem: 2, Message: 0 } }),
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain('ana@example.com');
  });

  it('404 for a customer it does not know (or another tenant’s); 409 naming the survivor for a merged record', async () => {
    const audit = new FakeAuditLog();
    const ports = { reader: reader([customer('c0', { mergedInto: 'c1' })]), audit, clock: fixedClock(NOW) };
    await expect(exportCustomer(ports, { tenantId: 'acme', actor: 'a' }, 'nobody')).rejects.toBeInstanceOf(NotFound);
    await expect(exportCustomer(ports, { tenantId: 'globex', actor: 'a' }, 'c0')).rejects.toBeInstanceOf(NotFound);
    await expect(exportCustomer(ports, { tenantId: 'acme', actor: 'a' }, 'c0')).rejects.toMatchObject({ details: { mergedInto: 'c1' } });
    await expect(exportCustomer(ports, { tenantId: 'acme', actor: 'a' }, 'c0')).rejects.toBeInstanceOf(Conflict);
    expect(audit.entries).toEqual([]);
  });
});

describe('present', () => {
  it('drops the table keys, entity and revision, spreads data, shows sets as lists and the TTL as a time', () => {
    const item = {
      pk: 'T#acme#C#c1',
      sk: 'TL#2026#interaction#i1',
      gsi1pk: 'T#acme#NEWS#facebook#3',
      gsi1sk: 'x',
      entity: 'TimelineItem',
      rev: 3,
      type: 'interaction',
      occurredAt: NOW,
      expiresAt: 1_800_000_000,
      data: { id: 'i1', text: 'hola' },
    };
    expect(present(item)).toEqual({ type: 'interaction', occurredAt: NOW, retainedUntil: new Date(1_800_000_000_000).toISOString(), id: 'i1', text: 'hola' });
    expect(present({ pk: 'p', sk: 's', entity: 'YoutubeVideo', videoId: 'v', externalIds: new Set(['a', 'b']) })).toEqual({ videoId: 'v', externalIds: ['a', 'b'] });
    expect(present({ pk: 'p', sk: 's', entity: 'X', data: 'plain' })).toEqual({ data: 'plain' });
  });
});
