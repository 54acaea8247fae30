/**
 * The social-profiling gate's storage half with in-memory ports: the retention of a new interaction
 * follows the person's consent, a consent change re-applies it to everything they have, the tenant sets the
 * period; and a suppressed person is never profiled, contacted or given a consent.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { marketingAllowed, recordConsentChange, socialProfilingAllowed } from '../../../domain/consent/consent.js';
import { Conflict, InvalidInput } from '../../../domain/shared/errors.js';
import { recordSocialInteractions, type SocialSignal } from '../../../domain/social/interactions.js';
import type { Customer, Interaction } from '../../../domain/shared/model.js';
import type { InteractionRetention } from '../../../domain/shared/ports.js';
import { recordWebAction } from '../../../domain/commerce/web-actions.js';
import {
  DEFAULT_RETENTION_DAYS,
  interactionExpiry,
  reapplyRetention,
  serviceOnlyExpiry,
  setRetentionPeriod,
  type PrivacySettings,
} from '../../../domain/privacy/retention.js';
import { FakeAuditLog, FakeConsents, FakeEmail } from '../../support/consent.js';
import { fakeAnalyzer, FakeCustomers, FakeInteractions, FakePublisher, fixedClock, sequentialIds } from '../../support/fakes.js';
import { FakeRetentionStore } from '../../support/privacy.js';

const DAY = 86_400;
const NOW = '2026-11-23T10:00:00.000Z';
const nowSeconds = Date.parse(NOW) / 1000;
const granted = { social_profiling: { status: 'granted' as const, at: NOW } };

/** FakeInteractions that also remembers the retention each interaction was recorded with. */
class RetainingInteractions extends FakeInteractions {
  readonly retention = new Map<string, InteractionRetention | undefined>();
  days: number | undefined;
  override async recordOnce(interaction: Interaction, retention?: InteractionRetention) {
    this.retention.set(interaction.externalId, retention);
    return super.recordOnce(interaction);
  }
  retentionDays = async () => this.days ?? DEFAULT_RETENTION_DAYS;
}

function signal(externalId: string, authorId: string, occurredAt = '2025-01-01T00:00:00.000Z'): SocialSignal {
  return { channel: 'facebook', kind: 'comment', externalId, author: { externalId: authorId }, text: 'hello', occurredAt };
}

let customers: FakeCustomers;
let interactions: RetainingInteractions;
const ports = () => ({ customers, interactions, publisher: new FakePublisher(), analyzer: fakeAnalyzer, clock: fixedClock(NOW), ids: sequentialIds('i') });

beforeEach(() => {
  customers = new FakeCustomers();
  interactions = new RetainingInteractions();
});

describe('the retention of a new interaction', () => {
  it('without social_profiling consent: expires the retention period after we received it', async () => {
    await recordSocialInteractions(ports(), { tenantId: 'acme', correlationId: 'c' }, [signal('m1', 'p1')]);
    // the period counts from receipt, not from the (older) time the platform gives
    expect(interactions.retention.get('m1')).toEqual({ expiresAt: nowSeconds + 90 * DAY });
  });

  it('with consent: kept (no expiry); the tenant’s own period applies to the others', async () => {
    const p = ports();
    await recordSocialInteractions(p, { tenantId: 'acme', correlationId: 'c' }, [signal('m1', 'p1')]);
    const [id] = [...customers.customers.keys()];
    customers.customers.get(id!)!.consentSummary = granted;
    interactions.days = 30;
    await recordSocialInteractions(ports(), { tenantId: 'acme', correlationId: 'c' }, [signal('m2', 'p1'), signal('m3', 'p2')]);
    expect(interactions.retention.get('m2')).toBeUndefined();
    expect(interactions.retention.get('m3')).toEqual({ expiresAt: nowSeconds + 30 * DAY });
  });

  it('a suppressed person’s interactions expire even with a consent on file', () => {
    const interaction = { occurredAt: NOW, receivedAt: NOW };
    expect(interactionExpiry({ consentSummary: granted }, interaction, 90)).toBeUndefined();
    expect(interactionExpiry({ consentSummary: granted, suppressed: { at: NOW } }, interaction, 90)).toBe(nowSeconds + 90 * DAY);
  });

  it('the site’s actions follow the same rule', async () => {
    await recordWebAction({ ...ports() }, { tenantId: 'acme', correlationId: 'c' }, {
      kind: 'review',
      externalId: 'msg_1',
      person: [{ channel: 'email', externalId: 'ana@example.com' }],
      text: 'great',
      occurredAt: NOW,
    });
    expect(interactions.retention.get('msg_1')).toEqual({ expiresAt: nowSeconds + 90 * DAY });
  });

  it('counts from when it happened only when the receipt time is unknown', () => {
    expect(serviceOnlyExpiry({ occurredAt: '2026-01-01T00:00:00.000Z', receivedAt: 'not a time' }, 1)).toBe(Date.parse('2026-01-01T00:00:00.000Z') / 1000 + DAY);
  });
});

describe('reapplyRetention', () => {
  let store: FakeRetentionStore;
  const person = (summary?: Customer['consentSummary'], extra: Partial<Customer> = {}): Customer => {
    const c: Customer = { id: 'c1', tenantId: 'acme', stage: 'lead', identities: [], activity: { interactionsByChannel: {} }, createdAt: NOW, updatedAt: NOW, ...(summary && { consentSummary: summary }), ...extra };
    customers.customers.set(c.id, c);
    return c;
  };
  const item = (n: number, expiresAt?: number) => ({
    tenantId: 'acme',
    customerId: 'c1',
    sk: `TL#2026-0${n}`,
    channel: 'facebook',
    externalId: `m${n}`,
    occurredAt: NOW,
    receivedAt: new Date(Date.parse(NOW) - n * DAY * 1000).toISOString(),
    ...(expiresAt !== undefined && { expiresAt }),
  });
  const rports = () => ({ customers, retention: store, clock: fixedClock(NOW) });

  beforeEach(() => {
    store = new FakeRetentionStore();
    for (let n = 1; n <= 5; n++) store.add(item(n, Date.parse(item(n).receivedAt) / 1000 + 90 * DAY));
  });

  it('a grant keeps everything still retained, on the items and their references', async () => {
    person(granted);
    const outcome = await reapplyRetention(rports(), 'acme', 'c1');
    expect(outcome).toMatchObject({ kept: true, changed: 5, complete: true });
    expect([...store.items.values()].map((i) => i.expiresAt)).toEqual(Array(5).fill(undefined));
    expect([...store.refs.values()]).toEqual(Array(5).fill(undefined));
  });

  it('a grant does not bring back what already expired', async () => {
    store.add(item(6, nowSeconds - 1));
    person(granted);
    const outcome = await reapplyRetention(rports(), 'acme', 'c1');
    expect(outcome).toMatchObject({ changed: 5, expired: 1 });
    expect(store.items.get('c1|TL#2026-06')!.expiresAt).toBe(nowSeconds - 1);
  });

  it('a withdrawal sets the expiry again from each receipt, with the tenant’s period; repeating changes nothing', async () => {
    person(granted);
    await reapplyRetention(rports(), 'acme', 'c1');
    person({ social_profiling: { status: 'withdrawn', at: NOW } });
    store.days = 7;
    const outcome = await reapplyRetention(rports(), 'acme', 'c1');
    expect(outcome).toMatchObject({ kept: false, changed: 5 });
    for (const i of store.items.values()) expect(i.expiresAt).toBe(Date.parse(i.receivedAt) / 1000 + 7 * DAY);
    expect(await reapplyRetention(rports(), 'acme', 'c1')).toMatchObject({ changed: 0, unchanged: 5 });
  });

  it('decides from the profile as it is now, whatever the event said (late or repeated events)', async () => {
    person(undefined);
    expect(await reapplyRetention(rports(), 'acme', 'c1')).toMatchObject({ kept: false, changed: 0, unchanged: 5 });
    person(granted, { suppressed: { at: NOW } });
    expect(await reapplyRetention(rports(), 'acme', 'c1')).toMatchObject({ kept: false, changed: 0 });
  });

  it('follows a merged record to the survivor; a missing customer changes nothing', async () => {
    person(granted);
    customers.customers.set('c0', { ...customers.customers.get('c1')!, id: 'c0', mergedInto: 'c1' });
    expect(await reapplyRetention(rports(), 'acme', 'c0')).toMatchObject({ customerId: 'c1', kept: true, changed: 5 });
    expect(await reapplyRetention(rports(), 'acme', 'nobody')).toMatchObject({ changed: 0, complete: true });
  });

  it('stops at the deadline and says so; a rerun finishes', async () => {
    person(granted);
    expect(await reapplyRetention(rports(), 'acme', 'c1', 0)).toMatchObject({ complete: false, changed: 0 });
    expect(await reapplyRetention(rports(), 'acme', 'c1')).toMatchObject({ complete: true, changed: 5 });
  });
});

describe('setRetentionPeriod', () => {
  const settings = () => {
    let current: PrivacySettings = { retentionDays: DEFAULT_RETENTION_DAYS };
    return {
      get: async () => current,
      setRetentionDays: async (_t: string, retentionDays: number, at: string) => (current = { retentionDays, updatedAt: at }),
    };
  };

  it('stores the period and audits the old and new value', async () => {
    const audit = new FakeAuditLog();
    const s = settings();
    expect(await setRetentionPeriod({ settings: s, audit, clock: fixedClock(NOW) }, { tenantId: 'acme', actor: 'admin-1' }, 30)).toEqual({ retentionDays: 30, updatedAt: NOW });
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'settings.changed', actor: 'admin-1', targetId: 'acme', details: { setting: 'privacy.retentionDays', from: 90, to: 30 } }),
    ]);
  });

  it.each([0, -1, 1.5, 3651, '30', null])('refuses %s', async (days) => {
    await expect(setRetentionPeriod({ settings: settings(), audit: new FakeAuditLog(), clock: fixedClock(NOW) }, { tenantId: 'acme', actor: 'a' }, days)).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('a suppressed person', () => {
  const suppressed = { suppressed: { at: NOW }, consentSummary: { ...granted, marketing: { email: { status: 'granted' as const, at: NOW } } } };

  it('is never profiled or contacted, whatever consent is on file', () => {
    expect(socialProfilingAllowed(suppressed)).toBe(false);
    expect(marketingAllowed(suppressed, 'email')).toBe(false);
    expect(marketingAllowed({ consentSummary: suppressed.consentSummary }, 'email')).toBe(true);
  });

  it('can be given no consent (409); a withdrawal is still recorded', async () => {
    const c: Customer = { id: 's1', tenantId: 'acme', stage: 'prospect', identities: [], activity: { interactionsByChannel: {} }, createdAt: NOW, updatedAt: NOW, suppressed: { at: NOW } };
    customers.customers.set(c.id, c);
    const consentPorts = {
      customers,
      consents: new FakeConsents(customers),
      publisher: new FakePublisher(),
      audit: new FakeAuditLog(),
      clock: fixedClock(NOW),
      ids: sequentialIds('r'),
      email: new FakeEmail(),
      tenants: { get: async () => undefined },
      tokens: { keys: [] },
    };
    const ctx = { tenantId: 'acme', correlationId: 'c', capturedBy: { kind: 'api' as const, id: 'admin-1' } };
    await expect(recordConsentChange(consentPorts, ctx, 's1', { purpose: 'social_profiling', status: 'granted', source: 'api' })).rejects.toBeInstanceOf(Conflict);
    await expect(recordConsentChange(consentPorts, ctx, 's1', { purpose: 'marketing', channel: 'sms', status: 'granted', source: 'api' })).rejects.toBeInstanceOf(Conflict);
    expect((await recordConsentChange(consentPorts, ctx, 's1', { purpose: 'marketing', channel: 'sms', status: 'withdrawn', source: 'api' })).status).toBe('withdrawn');
    expect(consentPorts.publisher.published).toHaveLength(1);
  });
});
