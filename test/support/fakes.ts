/**
 * In-memory fakes of the domain's ports, for unit tests of the use cases.
 */
import type { OutgoingEvent } from '../../events/catalog.js';
import type { Customer, Identity, Interaction, Page, TimelineEntry } from '../../domain/model.js';
import type { CustomerRepository, EventPublisher, InteractionRepository, NewProspect, RecordOutcome } from '../../domain/ports.js';
import type { TextAnalyzer } from '../../domain/text-analysis.js';

export class FakeCustomers implements CustomerRepository {
  readonly customers = new Map<string, Customer>();
  readonly identities = new Map<string, string>();
  async get(tenantId: string, id: string) {
    const c = this.customers.get(id);
    return c?.tenantId === tenantId ? c : undefined;
  }
  async findIdByIdentity(tenantId: string, channel: string, externalId: string) {
    return this.identities.get(`${tenantId}|${channel}|${externalId}`);
  }
  async createWithIdentity({ customer, identity, otherIdentities = [] }: NewProspect) {
    const all = [identity, ...otherIdentities].map((i) => `${customer.tenantId}|${i.channel}|${i.externalId}`);
    const existing = this.identities.get(all[0]!);
    if (existing) return { customerId: existing, created: false };
    for (const key of all) this.identities.set(key, customer.id);
    this.customers.set(customer.id, customer);
    return { customerId: customer.id, created: true };
  }
  async attachIdentities(tenantId: string, customerId: string, identities: Identity[]) {
    const customer = this.customers.get(customerId)!;
    for (const i of identities) {
      const key = `${tenantId}|${i.channel}|${i.externalId}`;
      if (this.identities.has(key)) continue;
      this.identities.set(key, customerId);
      customer.identities.push(i);
    }
  }
  async timeline(): Promise<Page<TimelineEntry>> {
    return { items: [], nextCursor: null };
  }
}

export class FakeInteractions implements InteractionRepository {
  readonly stored = new Map<string, { interaction: Interaction; published: boolean }>();
  async recordOnce(interaction: Interaction): Promise<{ outcome: RecordOutcome; stored: Interaction }> {
    const key = `${interaction.tenantId}|${interaction.channel}|${interaction.externalId}`;
    const existing = this.stored.get(key);
    if (existing) return { outcome: existing.published ? 'duplicate' : 'recorded-unpublished', stored: existing.interaction };
    this.stored.set(key, { interaction, published: false });
    return { outcome: 'recorded', stored: interaction };
  }
  async findByExternalId(tenantId: string, channel: string, externalId: string) {
    return this.stored.get(`${tenantId}|${channel}|${externalId}`)?.interaction;
  }
  async replace(interaction: Interaction) {
    const entry = this.stored.get(`${interaction.tenantId}|${interaction.channel}|${interaction.externalId}`);
    if (entry) entry.interaction = interaction;
  }
  async markPublished(interaction: Interaction) {
    const entry = this.stored.get(`${interaction.tenantId}|${interaction.channel}|${interaction.externalId}`);
    if (entry) entry.published = true;
  }
}

export class FakePublisher implements EventPublisher {
  readonly published: OutgoingEvent[] = [];
  failNext = false;
  async publish(events: OutgoingEvent[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('PutEvents failed');
    }
    this.published.push(...events);
  }
}

/** Scores by keywords, so tests know what to expect without depending on a lexicon. */
export const fakeAnalyzer: TextAnalyzer = {
  async analyze(texts) {
    return texts.map((t) => ({
      sentiment: /love|great/i.test(t) ? 0.8 : /hate|broken/i.test(t) ? -0.8 : 0,
      intent: /broken/i.test(t) ? ('complaint' as const) : ('other' as const),
      language: 'en' as const,
    }));
  },
};

export function sequentialIds(prefix = 'id') {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

export const fixedClock = (iso = '2026-11-23T10:00:00.000Z') => ({ now: () => new Date(iso) });
