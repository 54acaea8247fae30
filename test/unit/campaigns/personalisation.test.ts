/**
 * Personalisation: what each placeholder is filled with, and one page of a run with fake ports: the given name,
 * the available points and the first recommendation reach the message, a missing one falls back, and
 * recommendations are looked up only for the recipients a message goes to.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMPAIGN_SETTINGS, runPage, type LedgerEntry, type Recipient, type RunPorts, type RunStore } from '../../../domain/campaigns/run.js';
import { parametersOf, render, templateValues } from '../../../domain/campaigns/templates.js';
import type { Campaign, Creative } from '../../../domain/campaigns/model.js';
import type { Customer } from '../../../domain/shared/model.js';
import type { OutgoingMessage } from '../../../domain/shared/messaging.js';
import { fixedClock, FakePublisher } from '../../support/fakes.js';

describe('template values', () => {
  const all = 'Hola {{givenName}} ({{tier}}): {{pointsBalance}} puntos; te gustará {{recommendedProduct}}. {{unsubscribeLink}}';

  it('fills the given name, tier, available points, recommended product and unsubscribe link', () => {
    const values = templateValues({ givenName: 'Lucía', familyName: 'Pérez', displayName: 'Lu' }, { tier: 'gold', pointsBalance: '120', recommendedProduct: 'socks' }, 'https://x/u?t=1');
    expect(render(all, values)).toBe('Hola Lucía (gold): 120 puntos; te gustará socks. https://x/u?t=1');
  });

  it("takes the display name's first word for a record without a given name, and falls back for what is unknown", () => {
    expect(templateValues({ displayName: 'Ana María Gil' }).givenName).toBe('Ana');
    expect(render(all, templateValues({}))).toBe('Hola there (member): 0 puntos; te gustará our new arrivals. ');
  });

  it("gives a WhatsApp template's parameters in order, with the same fallbacks (never an empty parameter for a known field)", () => {
    expect(parametersOf('{{givenName}} {{pointsBalance}} {{recommendedProduct}}', templateValues({ givenName: 'Ana' }, { pointsBalance: '5' }))).toEqual(['Ana', '5', 'our new arrivals']);
  });
});

describe('a page of a run', () => {
  const now = '2026-11-23T10:00:00.000Z';
  const granted = { marketing: { email: { status: 'granted' as const, at: now } } };
  const customer = (id: string, extra: Partial<Customer> = {}): Customer => ({
    id,
    tenantId: 'acme',
    stage: 'lead',
    identities: [{ channel: 'email', externalId: `${id}@example.com`, firstSeenAt: now }],
    activity: { interactionsByChannel: {} },
    consentSummary: granted,
    createdAt: now,
    updatedAt: now,
    ...extra,
  });
  const personalised: Creative = {
    variants: [{ id: 'A', channel: 'email', weight: 1, subject: '{{givenName}}, {{pointsBalance}} points', body: 'Te gustará {{recommendedProduct}}.' }],
  };
  const campaignWith = (creative: Creative): Campaign => ({
    id: 'cmp-1',
    tenantId: 'acme',
    name: 'Perso',
    status: 'running',
    version: 1,
    brief: { objective: 'o', segmentId: 'seg', channels: ['email'], kpi: 'k', budget: { amount: '10', currency: 'EUR' }, attributionDays: 7, holdoutPercent: 0 },
    creative,
    comments: [],
    createdBy: 'm',
    createdAt: now,
    updatedAt: now,
  });

  /** Four people: Lucía (a member with a recommendation), Bea (no consent), Ana (none recommended), Eva (the lookup fails). */
  function fakePorts(creative = personalised) {
    const campaign = campaignWith(creative);
    const recipients = new Map<string, Recipient>([
      ['lucia', { customer: customer('lucia', { givenName: 'Lucía', familyName: 'Pérez', displayName: 'Lucía Pérez' }), extras: { pointsBalance: '100' } }],
      ['bea', { customer: customer('bea', { givenName: 'Bea', consentSummary: {} }) }],
      ['ana', { customer: customer('ana', { displayName: 'Ana Gil' }) }],
      ['eva', { customer: customer('eva', { givenName: 'Eva' }) }],
    ]);
    const ledger: LedgerEntry[] = [];
    const store: RunStore = {
      settings: async () => DEFAULT_CAMPAIGN_SETTINGS,
      snapshotAudience: async () => ({ pages: 1, audience: recipients.size }),
      audiencePage: async () => [...recipients.keys()],
      roundPages: async (_t, _c, round) => (round === 0 ? 1 : 0),
      deferTo: async () => {},
      roundNotBefore: async () => undefined,
      counters: async () => undefined,
      commitPage: async () => true,
      recipients: async (_t, ids) => new Map(ids.map((id) => [id, structuredClone(recipients.get(id)!)])),
      ledgerOf: async (_t, customerId, channel) => ledger.filter((e) => e.customerId === customerId && e.channel === channel),
      claim: async (entry) => (ledger.some((e) => e.customerId === entry.customerId && e.campaignId === entry.campaignId) ? false : (ledger.push(entry), true)),
      recordSent: async () => {},
      recordFailed: async () => {},
    };
    const sent: OutgoingMessage[] = [];
    const asked: string[] = [];
    const ports = {
      campaigns: { get: async () => campaign },
      clock: fixedClock(),
      publisher: new FakePublisher(),
      store,
      sender: { send: async (m: OutgoingMessage) => (sent.push(m), { providerMessageId: `m-${sent.length}` }) },
      unsubscribe: () => undefined,
      pageSize: 1000,
      sendConcurrency: 2,
      recommend: async (_t: string, customerId: string) => {
        asked.push(customerId);
        if (customerId === 'eva') throw new Error('knowledge unavailable');
        return customerId === 'lucia' ? 'wool-socks' : undefined;
      },
    } as unknown as RunPorts;
    return { ports, sent, asked };
  }

  it('sends each recipient their own values, falling back where nothing is known', async () => {
    const { ports, sent } = fakePorts();
    await runPage(ports, { tenantId: 'acme', campaignId: 'cmp-1', correlationId: 'c', round: 0, page: 0, pages: 1, done: false });
    const byTo = Object.fromEntries(sent.map((m) => [m.to, `${m.subject} | ${m.text}`]));
    expect(byTo).toEqual({
      'lucia@example.com': 'Lucía, 100 points | Te gustará wool-socks.',
      'ana@example.com': 'Ana, 0 points | Te gustará our new arrivals.',
      'eva@example.com': 'Eva, 0 points | Te gustará our new arrivals.',
    });
  });

  it('looks recommendations up only for the recipients a message goes to, and only when a template names them', async () => {
    const { ports, asked } = fakePorts();
    await runPage(ports, { tenantId: 'acme', campaignId: 'cmp-1', correlationId: 'c', round: 0, page: 0, pages: 1, done: false });
    expect(asked.sort()).toEqual(['ana', 'eva', 'lucia']);

    const plain = fakePorts({ variants: [{ id: 'A', channel: 'email', weight: 1, subject: 'Hi {{givenName}}', body: 'News.' }] });
    await runPage(plain.ports, { tenantId: 'acme', campaignId: 'cmp-1', correlationId: 'c', round: 0, page: 0, pages: 1, done: false });
    expect(plain.sent).toHaveLength(3);
    expect(plain.asked).toEqual([]);
  });
});
