/**
 * In-memory fakes of the knowledge ports (domain/knowledge/knowledge.ts, domain/segments/segments.ts,
 * domain/knowledge/recommendations.ts), with the same transaction semantics as the DynamoDB adapters: a commit
 * writes all or nothing, checks revisions and refuses an event applied before.
 */
import type {
  CommitOutcome,
  KnowledgeCommit,
  KnowledgePorts,
  KnowledgeSettings,
  KnowledgeStore,
  ProfileStages,
  SegmentCatalog,
  StoredKnowledge,
  TenantKnowledgeStats,
} from '../../domain/knowledge/knowledge.js';
import { DEFAULT_SETTINGS } from '../../domain/knowledge/knowledge.js';
import type { Customer } from '../../domain/shared/model.js';
import type { Money } from '../../domain/shared/money.js';
import type { Affinity, AffinityStore, ProductStats } from '../../domain/knowledge/recommendations.js';
import type { SegmentDefinition } from '../../domain/segments/segments.js';
import type { Stage } from '../../events/catalog.js';

export class FakeKnowledgeStore implements KnowledgeStore {
  readonly records = new Map<string, StoredKnowledge>();
  readonly processedEvents = new Set<string>();
  /** segmentId → member customer ids; counters kept apart, as the adapter keeps them. */
  readonly members = new Map<string, Set<string>>();
  readonly counters = new Map<string, number>();
  settingsOf = new Map<string, KnowledgeSettings>();
  statsOf = new Map<string, TenantKnowledgeStats>();
  /** Makes the next N commits fail as if another writer got there first. */
  conflicts = 0;
  commits = 0;

  private key = (tenantId: string, customerId: string) => `${tenantId}|${customerId}`;

  async get(tenantId: string, customerId: string) {
    const found = this.records.get(this.key(tenantId, customerId));
    return found && structuredClone(found);
  }

  async getMany(tenantId: string, customerIds: string[]) {
    const found = new Map<string, NonNullable<Awaited<ReturnType<FakeKnowledgeStore['get']>>>>();
    for (const id of customerIds) {
      const stored = await this.get(tenantId, id);
      if (stored) found.set(id, stored);
    }
    return found;
  }

  async processed(tenantId: string, eventId: string) {
    return this.processedEvents.has(`${tenantId}|${eventId}`);
  }

  async commit(c: KnowledgeCommit): Promise<CommitOutcome> {
    if (c.eventId && this.processedEvents.has(`${c.tenantId}|${c.eventId}`)) return 'duplicate';
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      return 'conflict';
    }
    for (const p of c.puts) {
      const current = this.records.get(this.key(c.tenantId, p.record.customerId));
      if (p.expectedRev === null ? current !== undefined : current?.rev !== p.expectedRev) return 'conflict';
    }
    for (const d of c.deletes) if (this.records.get(this.key(c.tenantId, d.customerId))?.rev !== d.expectedRev) return 'conflict';
    this.commits += 1;
    if (c.eventId) this.processedEvents.add(`${c.tenantId}|${c.eventId}`);
    for (const p of c.puts) this.records.set(this.key(c.tenantId, p.record.customerId), { record: structuredClone(p.record), rev: (p.expectedRev ?? 0) + 1 });
    for (const d of c.deletes) this.records.delete(this.key(c.tenantId, d.customerId));
    for (const m of c.membership) {
      const set = this.members.get(m.segmentId) ?? new Set<string>();
      if (m.change === 'add') set.add(m.customerId);
      else set.delete(m.customerId);
      this.members.set(m.segmentId, set);
      this.counters.set(m.segmentId, (this.counters.get(m.segmentId) ?? 0) + (m.change === 'add' ? 1 : -1));
    }
    return 'written';
  }

  async clearPendingAffinity(tenantId: string, customerId: string, eventId: string) {
    const stored = this.records.get(this.key(tenantId, customerId));
    if (!stored) return undefined;
    const rest = (stored.record.pendingAffinity ?? []).filter((p) => p.eventId !== eventId);
    const { pendingAffinity: _, ...record } = stored.record;
    const next = { record: { ...record, ...(rest.length > 0 && { pendingAffinity: rest }) }, rev: stored.rev + 1 };
    this.records.set(this.key(tenantId, customerId), next);
    return structuredClone(next);
  }

  async forgetMemberships(_tenantId: string, customerId: string, segmentIds: string[]) {
    for (const id of segmentIds) {
      if (this.members.get(id)?.delete(customerId)) this.counters.set(id, (this.counters.get(id) ?? 0) - 1);
    }
  }

  async settings(tenantId: string) {
    return this.settingsOf.get(tenantId) ?? DEFAULT_SETTINGS;
  }

  async stats(tenantId: string) {
    return this.statsOf.get(tenantId);
  }
}

export class FakeSegmentCatalog implements SegmentCatalog {
  readonly segments: SegmentDefinition[] = [];
  async forEvaluation(tenantId: string) {
    return this.segments.filter((s) => s.tenantId === tenantId);
  }
}

export class FakeStages implements ProfileStages {
  readonly changes: { customerId: string; stage: Stage }[] = [];
  constructor(private readonly customers: Map<string, Customer>) {}
  async setStage(_tenantId: string, customerId: string, stage: Stage) {
    this.changes.push({ customerId, stage });
    const c = this.customers.get(customerId);
    if (c) c.stage = stage;
  }
}

export function customer(id: string, overrides: Partial<Customer> = {}): Customer {
  return {
    id,
    tenantId: 't1',
    stage: 'prospect',
    identities: [{ channel: 'facebook', externalId: `psid-${id}`, firstSeenAt: '2026-01-01T00:00:00.000Z' }],
    activity: { interactionsByChannel: {} },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Knowledge ports over fakes, with a fixed clock. */
export function fakeKnowledgePorts(now: string, people: Customer[] = []) {
  const profiles = new Map(people.map((c) => [c.id, c]));
  const knowledge = new FakeKnowledgeStore();
  const segments = new FakeSegmentCatalog();
  const stages = new FakeStages(profiles);
  const ports: KnowledgePorts = {
    knowledge,
    customers: { get: async (tenantId, id) => (profiles.get(id)?.tenantId === tenantId ? structuredClone(profiles.get(id)) : undefined) },
    segments,
    stages,
    clock: { now: () => new Date(now) },
  };
  return { ports, knowledge, segments, stages, profiles };
}

export class FakeAffinityStore implements AffinityStore {
  readonly pairs = new Map<string, { customers: number; lastBy?: string }>();
  readonly productStats = new Map<string, ProductStats & { lastBy?: string }>();
  /** Fails the pair write with this number (counted from 1) once, as a crash half way would. */
  failAtPair?: number;
  private pairWrites = 0;

  async topAffinities(tenantId: string, productId: string, limit: number): Promise<Affinity[]> {
    return [...this.pairs.entries()]
      .map(([key, v]) => {
        const [t, p, q] = key.split('|') as [string, string, string];
        return { t, productId: p, otherId: q, customers: v.customers };
      })
      .filter((a) => a.t === tenantId && a.productId === productId)
      .sort((a, b) => b.customers - a.customers || a.otherId.localeCompare(b.otherId))
      .slice(0, limit)
      .map(({ t: _, ...a }) => a);
  }

  async products(tenantId: string, ids: string[]) {
    const found = new Map<string, ProductStats>();
    for (const id of ids) {
      const p = this.productStats.get(`${tenantId}|${id}`);
      if (p) found.set(id, { productId: id, buyers: p.buyers, ...(p.lastPrice && { lastPrice: p.lastPrice }) });
    }
    return found;
  }

  async addPair(tenantId: string, productId: string, otherId: string, token: string) {
    this.pairWrites += 1;
    if (this.failAtPair === this.pairWrites) {
      this.failAtPair = undefined;
      throw new Error('crash half way');
    }
    const key = `${tenantId}|${productId}|${otherId}`;
    const pair = this.pairs.get(key) ?? { customers: 0 };
    if (pair.lastBy === token) return;
    this.pairs.set(key, { customers: pair.customers + 1, lastBy: token });
  }

  async addBuyer(tenantId: string, productId: string, price: Money | undefined, _at: string, token: string) {
    const key = `${tenantId}|${productId}`;
    const p = this.productStats.get(key) ?? { productId, buyers: 0 };
    if (p.lastBy === token) return;
    this.productStats.set(key, { ...p, buyers: p.buyers + 1, lastBy: token, ...(price && { lastPrice: price }) });
  }
}
