/**
 * In-memory fakes of the domain's ports, for unit tests of the use cases.
 */
import type { OutgoingEvent } from '../../events/catalog.js';
import type { Customer, Identity, Interaction, Page, TimelineEntry } from '../../domain/shared/model.js';
import type { CustomerRepository, EventPublisher, InteractionRepository, NewProspect, RecordOutcome } from '../../domain/shared/ports.js';
import type { TextAnalyzer } from '../../domain/social/text-analysis.js';
import { refreshedIdentities } from '../../domain/customers/identity.js';
import { directoryKeys } from '../../domain/customers/directory.js';

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
  async refreshIdentities(tenantId: string, customerId: string, identities: Identity[]) {
    const customer = this.customers.get(customerId);
    if (customer?.tenantId === tenantId) this.customers.set(customerId, refreshedIdentities(customer, identities));
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
  /** The directory as the table keeps it: every key of every customer as it was last written (stale keys too). */
  async findIdsByName(tenantId: string, prefix: string, limit: number) {
    return [...this.customers.values()]
      .filter((c) => c.tenantId === tenantId && [...(this.nameKeys.get(c.id) ?? directoryKeys(c))].some((k) => k.startsWith(prefix)))
      .map((c) => c.id)
      .slice(0, limit);
  }
  readonly nameKeys = new Map<string, string[]>();
  async getMany(tenantId: string, ids: string[]) {
    return ids.map((id) => this.customers.get(id)).filter((c): c is Customer => c?.tenantId === tenantId);
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
  async findRecorded(recorded: { tenantId: string; channel: string; externalId: string }) {
    return this.findByExternalId(recorded.tenantId, recorded.channel, recorded.externalId);
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

/**
 * Orders, delivery records and profile writes in memory (domain/commerce/orders.ts OrderRepository and
 * domain/customers/registration.ts ProfileStore), over the customers of a FakeCustomers. `failNextSave` makes the
 * next save answer 'stale' once (a concurrent writer).
 */
export class FakeCommerceStore {
  readonly orders = new Map<string, { order: import('../../domain/commerce/orders.js').Order; rev: number; pendingEvents: OutgoingEvent[] }>();
  readonly deliveries = new Map<string, { published: boolean; events: OutgoingEvent[] }>();
  readonly revs = new Map<string, number>();
  failNextSave = false;
  constructor(private readonly customers: FakeCustomers) {}

  private orderKey = (tenantId: string, store: string, orderId: string) => `${tenantId}|${store}|${orderId}`;
  private deliveryKey = (tenantId: string, d: { source: string; key: string }) => `${tenantId}|${d.source}|${d.key}`;

  async get(tenantId: string, store: string, orderId: string) {
    const stored = this.orders.get(this.orderKey(tenantId, store, orderId));
    return stored && structuredClone(stored);
  }
  async save(order: import('../../domain/commerce/orders.js').Order, expectedRev: number | null, pendingEvents: OutgoingEvent[], delivery: { source: string; key: string }) {
    if (this.deliveries.has(this.deliveryKey(order.tenantId, delivery))) return 'duplicate' as const;
    const key = this.orderKey(order.tenantId, order.store, order.orderId);
    const current = this.orders.get(key);
    if (this.failNextSave || (current?.rev ?? null) !== expectedRev) {
      this.failNextSave = false;
      return 'stale' as const;
    }
    this.deliveries.set(this.deliveryKey(order.tenantId, delivery), { published: true, events: [] });
    this.orders.set(key, structuredClone({ order, rev: (expectedRev ?? -1) + 1, pendingEvents }));
    return 'saved' as const;
  }
  async clearPending(tenantId: string, store: string, orderId: string, eventIds: string[]) {
    const stored = this.orders.get(this.orderKey(tenantId, store, orderId));
    if (!stored) return;
    stored.pendingEvents = stored.pendingEvents.filter((e) => !eventIds.includes(e.detail.metadata.eventId));
    stored.rev += 1;
  }
  async seen(tenantId: string, delivery: { source: string; key: string }) {
    return this.deliveries.has(this.deliveryKey(tenantId, delivery));
  }
  async getForUpdate(tenantId: string, customerId: string) {
    const customer = await this.customers.get(tenantId, customerId);
    return customer && { customer: structuredClone(customer), rev: this.revs.get(customerId) ?? 0 };
  }
  async commit(tenantId: string, change: { customer: Customer; rev: number } | undefined, delivery: { source: string; key: string } | undefined, events: OutgoingEvent[]) {
    if (delivery && this.deliveries.has(this.deliveryKey(tenantId, delivery))) return 'duplicate' as const;
    if (change && (this.revs.get(change.customer.id) ?? 0) !== change.rev) return 'stale' as const;
    if (delivery) this.deliveries.set(this.deliveryKey(tenantId, delivery), { published: events.length === 0, events });
    if (change) {
      this.customers.customers.set(change.customer.id, structuredClone(change.customer));
      this.revs.set(change.customer.id, change.rev + 1);
    }
    return 'saved' as const;
  }
  async getDelivery(tenantId: string, delivery: { source: string; key: string }) {
    return this.deliveries.get(this.deliveryKey(tenantId, delivery));
  }
  async markPublished(tenantId: string, delivery: { source: string; key: string }) {
    const record = this.deliveries.get(this.deliveryKey(tenantId, delivery));
    if (record) record.published = true;
  }
}
