import { describe, expect, it } from 'vitest';
import {
  applyToSummary,
  confirmDoubleOptIn,
  ConfirmationNotSent,
  currentConsents,
  customerConsents,
  marketingAllowed,
  recordConsentChange,
  socialProfilingAllowed,
  unsubscribeByLink,
  type ConsentChangeInput,
  type ConsentRecord,
} from '../../../domain/consent/consent.js';
import { ConsentTokenUsed, verifyConsentToken, buildUnsubscribeLink } from '../../../domain/consent/consent-tokens.js';
import { Conflict, InvalidInput, NotFound } from '../../../domain/shared/errors.js';
import { ConsentChanged } from '../../../events/catalog.js';
import { FakeAuditLog, FakeConsents, FakeEmail, fakeCustomer, TEST_CONSENT_KEY, tokenOf } from '../../support/consent.js';
import { FakeCustomers, FakePublisher, sequentialIds } from '../../support/fakes.js';

function setup(startIso = '2026-11-23T10:00:00.000Z') {
  const customers = new FakeCustomers();
  let now = new Date(startIso);
  const ports = {
    customers,
    consents: new FakeConsents(customers),
    publisher: new FakePublisher(),
    audit: new FakeAuditLog(),
    email: new FakeEmail(),
    tenants: { get: async (tenantId: string) => ({ tenantId, name: 'Acme Outdoor', accounts: {}, createdAt: startIso }) },
    tokens: { keys: [TEST_CONSENT_KEY], confirmTtlSeconds: 3600 },
    clock: { now: () => now },
    ids: sequentialIds('rec'),
  };
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { ports, advance, now: () => now };
}

const ctx = {
  tenantId: 'acme',
  correlationId: 'corr-1',
  capturedBy: { kind: 'api' as const, id: 'acme-marketer' },
  publicBaseUrl: 'https://api.example.com',
};

const grant = (overrides: Partial<ConsentChangeInput> = {}): ConsentChangeInput => ({
  purpose: 'marketing',
  channel: 'sms',
  status: 'granted',
  source: { kind: 'form', url: 'https://shop.example.com/signup' },
  statement: { version: 'v3' },
  ...overrides,
});

const consentEvents = (publisher: FakePublisher) => publisher.published.filter((e) => e.detailType === ConsentChanged.detailType);

describe('gates on the profile summary', () => {
  it('allows social profiling and marketing only on a granted state', () => {
    const at = '2026-11-23T10:00:00.000Z';
    expect(socialProfilingAllowed(undefined)).toBe(false);
    expect(socialProfilingAllowed({})).toBe(false);
    expect(socialProfilingAllowed({ consentSummary: { social_profiling: { status: 'pending', at } } })).toBe(false);
    expect(socialProfilingAllowed({ consentSummary: { social_profiling: { status: 'withdrawn', at } } })).toBe(false);
    expect(socialProfilingAllowed({ consentSummary: { social_profiling: { status: 'granted', at } } })).toBe(true);
    const summary = { marketing: { email: { status: 'pending' as const, at }, sms: { status: 'granted' as const, at } } };
    expect(marketingAllowed({ consentSummary: summary }, 'email')).toBe(false);
    expect(marketingAllowed({ consentSummary: summary }, 'sms')).toBe(true);
    expect(marketingAllowed({ consentSummary: summary }, 'whatsapp')).toBe(false);
  });

  it('summarises the latest record per purpose and channel whatever order records are applied in', () => {
    const r = (id: string, at: string, status: ConsentRecord['status'], channel: ConsentRecord['channel'] = 'sms', purpose: ConsentRecord['purpose'] = 'marketing'): ConsentRecord => ({
      id,
      tenantId: 'acme',
      customerId: 'c',
      purpose,
      channel,
      status,
      at,
      source: { kind: 'api' },
      capturedBy: { kind: 'api', id: 'u' },
    });
    const records = [
      r('a', '2026-11-01T00:00:00.000Z', 'granted'),
      r('b', '2026-11-02T00:00:00.000Z', 'withdrawn'),
      r('c', '2026-11-02T00:00:00.000Z', 'granted', 'whatsapp'),
      r('d', '2026-11-03T00:00:00.000Z', 'granted', 'all', 'social_profiling'),
    ];
    const forward = records.reduce(applyToSummary, {});
    const backward = [...records].reverse().reduce(applyToSummary, {});
    expect(backward).toEqual(forward);
    expect(forward.marketing?.sms).toEqual({ status: 'withdrawn', at: '2026-11-02T00:00:00.000Z', recordId: 'b' });
    expect(currentConsents(records).map((c) => `${c.purpose}/${c.channel}=${c.status}`)).toEqual([
      'marketing/sms=withdrawn',
      'marketing/whatsapp=granted',
      'social_profiling/all=granted',
    ]);
  });
});

describe('recordConsentChange', () => {
  it('appends the record, updates the summary, publishes ConsentChanged and audits who did it', async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-1');
    const record = await recordConsentChange(ports, ctx, 'c-1', grant());
    expect(record).toMatchObject({
      customerId: 'c-1',
      purpose: 'marketing',
      channel: 'sms',
      status: 'granted',
      at: '2026-11-23T10:00:00.000Z',
      source: { kind: 'form', url: 'https://shop.example.com/signup' },
      statement: { version: 'v3' },
      capturedBy: { kind: 'api', id: 'acme-marketer' },
    });
    expect(ports.consents.records).toHaveLength(1);
    expect(ports.customers.customers.get('c-1')?.consentSummary?.marketing?.sms).toMatchObject({ status: 'granted', recordId: record.id });
    expect(consentEvents(ports.publisher).map((e) => e.detail)).toEqual([
      {
        metadata: expect.objectContaining({ tenantId: 'acme', correlationId: 'corr-1', occurredAt: record.at }),
        data: { customerId: 'c-1', channel: 'sms', purpose: 'marketing', status: 'granted' },
      },
    ]);
    expect(ports.audit.entries).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        actor: 'acme-marketer',
        action: 'consent.granted',
        targetId: 'c-1',
        targetType: 'customer',
        details: { recordId: record.id, purpose: 'marketing', channel: 'sms', status: 'granted', source: 'form', statementVersion: 'v3' },
      }),
    ]);
  });

  it('records social_profiling once for every network (channel all) and refuses a per-network channel', async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-1');
    const record = await recordConsentChange(ports, ctx, 'c-1', { purpose: 'social_profiling', status: 'granted', source: 'in-store tablet' });
    expect(record).toMatchObject({ channel: 'all', source: { kind: 'other', reference: 'in-store tablet' } });
    expect(socialProfilingAllowed(ports.customers.customers.get('c-1'))).toBe(true);
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ purpose: 'social_profiling', channel: 'facebook' }))).rejects.toThrow(InvalidInput);
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ channel: undefined }))).rejects.toThrow(InvalidInput);
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'all' }))).rejects.toThrow(InvalidInput);
    expect(ports.consents.records).toHaveLength(1);
  });

  it("answers NotFound for a missing customer and for another tenant's", async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'globex', 'c-9');
    await expect(recordConsentChange(ports, ctx, 'nobody', grant())).rejects.toThrow(NotFound);
    await expect(recordConsentChange(ports, ctx, 'c-9', grant())).rejects.toThrow(NotFound);
    expect(ports.consents.records).toHaveLength(0);
    expect(ports.publisher.published).toHaveLength(0);
  });

  it('keeps the ledger in order even when the clock does not move', async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-1');
    const first = await recordConsentChange(ports, ctx, 'c-1', grant());
    const second = await recordConsentChange(ports, ctx, 'c-1', grant({ status: 'withdrawn' }));
    expect(second.at > first.at).toBe(true);
    expect(marketingAllowed(ports.customers.customers.get('c-1'), 'sms')).toBe(false);
  });

  it('keeps a string statement as its version and a URL source as a form', async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-1');
    const record = await recordConsentChange(ports, ctx, 'c-1', grant({ source: 'https://shop.example.com/newsletter', statement: 'terms-2026-10' }));
    expect(record.source).toEqual({ kind: 'form', url: 'https://shop.example.com/newsletter' });
    expect(record.statement).toEqual({ version: 'terms-2026-10' });
  });
});

describe('double opt-in', () => {
  function withEmailCustomer() {
    const s = setup();
    fakeCustomer(s.ports.customers, 'acme', 'c-1', [{ channel: 'email', externalId: 'ana@example.com' }]);
    return s;
  }

  it('keeps an e-mail grant pending and e-mails a signed link for exactly that record', async () => {
    const { ports, now } = withEmailCustomer();
    const pending = await recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'email' }));
    expect(pending).toMatchObject({ status: 'pending', doubleOptIn: true });
    expect(marketingAllowed(ports.customers.customers.get('c-1'), 'email')).toBe(false);
    expect(consentEvents(ports.publisher).map((e) => (e.detail.data as { status: string }).status)).toEqual(['pending']);
    expect(ports.audit.entries.map((e) => e.action)).toEqual(['consent.pending']);

    expect(ports.email.sent).toHaveLength(1);
    const message = ports.email.sent[0]!;
    expect(message).toMatchObject({ tenantId: 'acme', to: 'ana@example.com', subject: expect.stringContaining('Acme Outdoor') });
    const link = /https:\/\/api\.example\.com\/consent\/confirm\?token=\S+/.exec(message.text)?.[0];
    expect(link).toBeDefined();
    const token = verifyConsentToken([TEST_CONSENT_KEY], tokenOf(link!), 'confirm', now());
    expect(token).toMatchObject({ tenantId: 'acme', customerId: 'c-1', channel: 'email', purpose: 'marketing', nonce: pending.id });
    expect(token.expiresAt).toBe(Math.floor(now().getTime() / 1000) + 3600);
  });

  it('grants at once when the caller says doubleOptIn: false, and refuses doubleOptIn outside e-mail grants', async () => {
    const { ports } = withEmailCustomer();
    const record = await recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'email', doubleOptIn: false }));
    expect(record).toMatchObject({ status: 'granted', doubleOptIn: false });
    expect(ports.email.sent).toHaveLength(0);
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'sms', doubleOptIn: true }))).rejects.toThrow(InvalidInput);
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'email', status: 'withdrawn', doubleOptIn: true }))).rejects.toThrow(InvalidInput);
  });

  it('refuses a double opt-in for a customer without an e-mail identity, recording nothing', async () => {
    const { ports } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-2', [{ channel: 'facebook', externalId: 'psid-1' }]);
    await expect(recordConsentChange(ports, ctx, 'c-2', grant({ channel: 'email' }))).rejects.toThrow(/e-mail identity/);
    expect(ports.consents.records).toHaveLength(0);
    expect(ports.publisher.published).toHaveLength(0);
    expect(ports.email.sent).toHaveLength(0);
  });

  it('says so (502) when the e-mail cannot be sent; the pending record stays', async () => {
    const { ports } = withEmailCustomer();
    ports.email.failNext = true;
    await expect(recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'email' }))).rejects.toThrow(ConfirmationNotSent);
    expect(ports.consents.records.map((r) => r.status)).toEqual(['pending']);
  });

  async function pendingWithToken() {
    const s = withEmailCustomer();
    const pending = await recordConsentChange(s.ports, ctx, 'c-1', grant({ channel: 'email' }));
    const link = /https:\S+/.exec(s.ports.email.sent[0]!.text)![0];
    const token = verifyConsentToken([TEST_CONSENT_KEY], tokenOf(link), 'confirm', s.now());
    s.advance(60_000);
    return { ...s, pending, token };
  }

  it('confirms: a granted record with confirmedAt, the original source and statement, ConsentChanged and an audit entry', async () => {
    const { ports, pending, token, now } = await pendingWithToken();
    const confirmed = await confirmDoubleOptIn(ports, token, 'corr-2');
    expect(confirmed).toMatchObject({
      status: 'granted',
      channel: 'email',
      confirmedAt: now().toISOString(),
      confirmsRecordId: pending.id,
      source: pending.source,
      statement: pending.statement,
      capturedBy: { kind: 'link', id: 'confirmation' },
    });
    const summary = ports.customers.customers.get('c-1')?.consentSummary?.marketing?.email;
    expect(summary).toMatchObject({ status: 'granted', confirmedAt: now().toISOString() });
    expect(marketingAllowed(ports.customers.customers.get('c-1'), 'email')).toBe(true);
    expect(consentEvents(ports.publisher).map((e) => (e.detail.data as { status: string }).status)).toEqual(['pending', 'granted']);
    expect(ports.audit.entries.at(-1)).toMatchObject({ actor: 'link:confirmation', action: 'consent.confirmed' });

    const { current, history } = await customerConsents(ports, 'acme', 'c-1');
    expect(current).toEqual([expect.objectContaining({ purpose: 'marketing', channel: 'email', status: 'granted', confirmedAt: now().toISOString() })]);
    expect(history.map((r) => r.status)).toEqual(['granted', 'pending']);
  });

  it('refuses the link a second time (410 token_used) and changes nothing', async () => {
    const { ports, token } = await pendingWithToken();
    await confirmDoubleOptIn(ports, token, 'corr-2');
    const before = ports.consents.records.length;
    await expect(confirmDoubleOptIn(ports, token, 'corr-3')).rejects.toThrow(ConsentTokenUsed);
    expect(ports.consents.records).toHaveLength(before);
  });

  it('refuses a concurrent second click through the nonce marker even before the ledger shows the grant', async () => {
    const { ports, token } = await pendingWithToken();
    ports.consents.usedNonces.add(`acme|c-1|${token.nonce}`);
    await expect(confirmDoubleOptIn(ports, token, 'corr-2')).rejects.toThrow(ConsentTokenUsed);
    expect(ports.consents.records.map((r) => r.status)).toEqual(['pending']);
  });

  it('refuses a link that a later change superseded (409), keeping the later decision', async () => {
    const { ports, token } = await pendingWithToken();
    await recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'email', status: 'withdrawn' }));
    await expect(confirmDoubleOptIn(ports, token, 'corr-2')).rejects.toThrow(Conflict);
    expect(marketingAllowed(ports.customers.customers.get('c-1'), 'email')).toBe(false);
    expect(ports.consents.records.map((r) => r.status)).toEqual(['pending', 'withdrawn']);
  });
});

describe('one-click unsubscribe', () => {
  it("withdraws the link's channel at once, once, naming the campaign", async () => {
    const { ports, now } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-1');
    await recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'sms' }));
    await recordConsentChange(ports, ctx, 'c-1', grant({ channel: 'whatsapp' }));
    const link = buildUnsubscribeLink(TEST_CONSENT_KEY, 'https://api.example.com', 'acme', 'c-1', 'sms', { campaignId: 'camp-1', now: now() });
    const token = verifyConsentToken([TEST_CONSENT_KEY], tokenOf(link), 'unsubscribe', now());

    const first = await unsubscribeByLink(ports, token, 'corr-u');
    expect(first).toMatchObject({ channel: 'sms', changed: true, record: { status: 'withdrawn', source: { kind: 'unsubscribe_link', reference: 'camp-1' } } });
    const customer = ports.customers.customers.get('c-1');
    expect(marketingAllowed(customer, 'sms')).toBe(false);
    expect(marketingAllowed(customer, 'whatsapp')).toBe(true);
    expect(consentEvents(ports.publisher).at(-1)?.detail.data).toEqual({ customerId: 'c-1', channel: 'sms', purpose: 'marketing', status: 'withdrawn' });
    expect(ports.audit.entries.at(-1)).toMatchObject({ actor: 'link:unsubscribe', action: 'consent.withdrawn', details: expect.objectContaining({ campaignId: 'camp-1' }) });

    const events = ports.publisher.published.length;
    const second = await unsubscribeByLink(ports, token, 'corr-u2');
    expect(second).toEqual({ channel: 'sms', changed: false });
    expect(ports.publisher.published).toHaveLength(events);
    expect(ports.consents.records.filter((r) => r.status === 'withdrawn')).toHaveLength(1);
  });
});

describe('after a merge', () => {
  it('follows the tombstone to the survivor and keeps the merged customer’s ledger with the person', async () => {
    const { ports, now, advance } = setup();
    fakeCustomer(ports.customers, 'acme', 'c-old', [{ channel: 'email', externalId: 'ana@example.com' }]);
    fakeCustomer(ports.customers, 'acme', 'c-new', [{ channel: 'facebook', externalId: 'psid-1' }]);
    await recordConsentChange(ports, ctx, 'c-old', grant({ channel: 'sms' }));
    const pending = await recordConsentChange(ports, ctx, 'c-old', grant({ channel: 'email' }));
    const confirmLink = /https:\S+/.exec(ports.email.sent[0]!.text)![0];
    // the merge (domain/customers/merge.ts) makes c-old a tombstone and remembers it on the survivor
    Object.assign(ports.customers.customers.get('c-old')!, { mergedInto: 'c-new' });
    Object.assign(ports.customers.customers.get('c-new')!, { mergedFrom: ['c-old'] });
    advance(1000);

    const seen = await customerConsents(ports, 'acme', 'c-old');
    expect(seen.customerId).toBe('c-new');
    expect(seen.current.map((c) => `${c.channel}=${c.status}`)).toEqual(['email=pending', 'sms=granted']);

    const confirmed = await confirmDoubleOptIn(ports, verifyConsentToken([TEST_CONSENT_KEY], tokenOf(confirmLink), 'confirm', now()), 'corr-m');
    expect(confirmed).toMatchObject({ customerId: 'c-new', confirmsRecordId: pending.id, status: 'granted' });

    const link = buildUnsubscribeLink(TEST_CONSENT_KEY, 'https://api.example.com', 'acme', 'c-old', 'sms', { now: now() });
    const result = await unsubscribeByLink(ports, verifyConsentToken([TEST_CONSENT_KEY], tokenOf(link), 'unsubscribe', now()), 'corr-u');
    expect(result).toMatchObject({ changed: true, record: { customerId: 'c-new' } });
    const after = await customerConsents(ports, 'acme', 'c-new');
    expect(after.current.map((c) => `${c.channel}=${c.status}`)).toEqual(['email=granted', 'sms=withdrawn']);
    expect(after.history).toHaveLength(4);
    expect(marketingAllowed(ports.customers.customers.get('c-new'), 'sms')).toBe(false);
  });
});
