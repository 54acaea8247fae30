import { describe, expect, it } from 'vitest';
import { listAudit, recordAudit, REDACTED, sanitizeAuditDetails, systemActor, userActor } from '../../../domain/audit/audit.js';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { FakeAuditLog } from '../../support/consent.js';

const at = '2026-11-23T10:00:00.000Z';

describe('audit details', () => {
  it('keeps ids, field names, codes, numbers, flags and lists of ids', () => {
    const details = { recordId: 'a1b2', fields: ['stage', 'tags'], count: 3, forced: false, previous: null, shopifyId: '820982911946154508' };
    expect(sanitizeAuditDetails(details)).toEqual(details);
  });

  it('redacts what looks like an e-mail, a phone number or free text', () => {
    expect(
      sanitizeAuditDetails({
        email: 'ana@example.com',
        note: 'written to Ana <ana@example.com> yesterday',
        phone: '+34 600 111 222',
        text: 'x'.repeat(201),
        list: ['ok', 'bob@example.org'],
      }),
    ).toEqual({ email: REDACTED, note: REDACTED, phone: REDACTED, text: REDACTED, list: ['ok', REDACTED] });
  });
});

describe('recordAudit', () => {
  it('stores the entry with sanitized details and answers it with its id', async () => {
    const audit = new FakeAuditLog();
    const entry = await recordAudit(audit, {
      tenantId: 'acme',
      actor: 'user-1',
      action: 'customer.merged',
      targetId: 'c-1',
      at,
      details: { mergedId: 'c-2', email: 'x@y.zz' },
    });
    expect(entry).toMatchObject({ id: 'audit-1', actor: 'user-1', action: 'customer.merged', details: { mergedId: 'c-2', email: REDACTED } });
    expect(audit.entries).toHaveLength(1);
  });

  it('refuses an action that is not <area>.<verb>, and an entry without target', async () => {
    const audit = new FakeAuditLog();
    await expect(recordAudit(audit, { tenantId: 'acme', actor: 'u', action: 'Merged!', targetId: 'c', at })).rejects.toThrow(/area/);
    await expect(recordAudit(audit, { tenantId: 'acme', actor: 'u', action: 'a.b', targetId: '', at })).rejects.toThrow();
    expect(audit.entries).toHaveLength(0);
  });

  it('names actors: users by subject, everything else by kind and name', () => {
    expect(userActor({ tenantId: 'acme', subject: 'sub-123', roles: ['admin'] })).toBe('sub-123');
    expect(systemActor('link', 'unsubscribe')).toBe('link:unsubscribe');
  });
});

describe('listAudit', () => {
  const now = new Date(at);

  it('looks back 30 days tenant-wide by default, and over all time for one target', async () => {
    const audit = new FakeAuditLog();
    const seen: (string | undefined)[] = [];
    audit.list = async (q) => {
      seen.push(q.since);
      return { items: [], nextCursor: null };
    };
    await listAudit(audit, { tenantId: 'acme', limit: 10 }, now);
    await listAudit(audit, { tenantId: 'acme', targetId: 'c-1', limit: 10 }, now);
    expect(seen).toEqual(['2026-10-24T10:00:00.000Z', undefined]);
  });

  it('normalises since (a date or a date-time with offset) and refuses nonsense', async () => {
    const audit = new FakeAuditLog();
    const seen: (string | undefined)[] = [];
    audit.list = async (q) => {
      seen.push(q.since);
      return { items: [], nextCursor: null };
    };
    await listAudit(audit, { tenantId: 'acme', since: '2026-11-01', limit: 10 }, now);
    await listAudit(audit, { tenantId: 'acme', since: '2026-11-01T02:00:00+02:00', limit: 10 }, now);
    expect(seen).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    await expect(listAudit(audit, { tenantId: 'acme', since: 'yesterday', limit: 10 }, now)).rejects.toThrow(InvalidInput);
  });
});
