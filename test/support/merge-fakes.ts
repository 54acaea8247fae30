/**
 * In-memory fakes for the merge, connections and newsroom use cases (unit tests).
 */
import type { Customer, Identity, Interaction, Tenant } from '../../domain/shared/model.js';
import type { MergeRecord, MergeStore } from '../../domain/customers/merge.js';
import type { ConnectionSecretStore, ConnectionTenants, TenantSecretEntries } from '../../domain/social/connections.js';
import type { NewsroomReader, ShardPosition, ShardRef } from '../../domain/social/newsroom.js';
import { newestFirst } from '../../domain/social/newsroom.js';

export interface FakeTimelineItem {
  sk: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Customers, identities, timelines and interaction refs in maps; `failOn` makes one call throw once. */
export class FakeMergeStore implements MergeStore {
  readonly customers = new Map<string, Customer>();
  /** channel|externalId → customer id */
  readonly identities = new Map<string, string>();
  /** customer id → items by sort key */
  readonly timelines = new Map<string, Map<string, FakeTimelineItem>>();
  /** channel|externalId → customer id */
  readonly refs = new Map<string, string>();
  readonly calls: string[] = [];
  pageSize = 2;
  failOn: { call: string; nth: number } | undefined;
  private counts = new Map<string, number>();

  private tick(call: string) {
    this.calls.push(call);
    const n = (this.counts.get(call) ?? 0) + 1;
    this.counts.set(call, n);
    if (this.failOn?.call === call && this.failOn.nth === n) {
      this.failOn = undefined;
      throw new Error(`injected failure in ${call}`);
    }
  }

  addCustomer(customer: Customer, items: FakeTimelineItem[] = []) {
    this.customers.set(customer.id, structuredClone(customer));
    for (const i of customer.identities) this.identities.set(`${i.channel}|${i.externalId}`, customer.id);
    const timeline = this.timeline(customer.id);
    for (const item of items) {
      timeline.set(item.sk, structuredClone(item));
      if (item.type === 'interaction') this.refs.set(`${item.data.channel}|${item.data.externalId}`, customer.id);
    }
  }

  timeline(customerId: string) {
    let t = this.timelines.get(customerId);
    if (!t) this.timelines.set(customerId, (t = new Map()));
    return t;
  }

  async get(_tenantId: string, customerId: string) {
    this.tick('get');
    const c = this.customers.get(customerId);
    return c ? structuredClone(c) : undefined;
  }

  async markMerged(_tenantId: string, mergedId: string, survivorId: string, merge: { at: string; reason: string }) {
    this.tick('markMerged');
    const c = this.customers.get(mergedId)!;
    if (c.mergedInto && c.mergedInto !== survivorId) throw new Error('conflict');
    if (!c.mergedInto) Object.assign(c, { mergedInto: survivorId, merge });
    return structuredClone(c);
  }

  async moveTimelinePage(_tenantId: string, fromId: string, toId: string, after?: string) {
    this.tick('moveTimelinePage');
    const from = this.timeline(fromId);
    const sorted = [...from.keys()].sort().reverse().filter((sk) => after === undefined || sk < after);
    const page = sorted.slice(0, this.pageSize);
    for (const sk of page) {
      const item = from.get(sk)!;
      if (item.type === 'merge' && item.data.mergedId === fromId) continue;
      const data = item.data.customerId === fromId ? { ...item.data, customerId: toId } : item.data;
      this.timeline(toId).set(sk, { ...item, data });
      from.delete(sk);
      if (item.type === 'interaction') {
        const key = `${item.data.channel}|${item.data.externalId}`;
        if (this.refs.get(key) === fromId) this.refs.set(key, toId);
      }
    }
    return { moved: page.length, ...(sorted.length > this.pageSize && { next: page.at(-1)! }) };
  }

  async updateProfile(_tenantId: string, customerId: string, change: (c: Customer) => Customer) {
    this.tick('updateProfile');
    const c = this.customers.get(customerId);
    if (!c) return undefined;
    const next = change(structuredClone(c));
    this.customers.set(customerId, structuredClone(next));
    return next;
  }

  async repointIdentity(_tenantId: string, identity: Pick<Identity, 'channel' | 'externalId'>, fromId: string, toId: string) {
    this.tick('repointIdentity');
    const key = `${identity.channel}|${identity.externalId}`;
    const holder = this.identities.get(key);
    if (holder !== undefined && holder !== fromId && holder !== toId) return false;
    this.identities.set(key, toId);
    return true;
  }

  async putTimelineRecord(_tenantId: string, customerId: string, record: MergeRecord) {
    this.tick('putTimelineRecord');
    const sk = `TL#${record.occurredAt}#merge#${record.itemId}`;
    this.timeline(customerId).set(sk, { sk, type: 'merge', occurredAt: record.occurredAt, data: { ...record.data } });
  }

  async completeMerge(_tenantId: string, mergedId: string, completedAt: string) {
    this.tick('completeMerge');
    const c = this.customers.get(mergedId)!;
    this.customers.set(mergedId, {
      id: c.id,
      tenantId: c.tenantId,
      stage: c.stage,
      identities: [],
      activity: { interactionsByChannel: {} },
      mergedInto: c.mergedInto!,
      merge: { ...c.merge!, completedAt },
      createdAt: c.createdAt,
      updatedAt: completedAt,
    });
  }
}

export class FakeConnectionStores {
  readonly tenants = new Map<string, Tenant>();
  readonly secrets = new Map<string, TenantSecretEntries>();
  readonly writes: string[] = [];

  get tenantPort(): ConnectionTenants {
    return {
      get: async (id) => structuredClone(this.tenants.get(id)),
      update: async (id, change) => {
        const t = this.tenants.get(id);
        if (!t) return undefined;
        this.writes.push('tenant');
        const next = change(structuredClone(t));
        this.tenants.set(id, next);
        return structuredClone(next);
      },
    };
  }

  get secretPort(): ConnectionSecretStore {
    return {
      getTenantSecretEntries: async (id) => structuredClone(this.secrets.get(id)),
      putTenantSecretEntries: async (id, entries) => {
        this.writes.push('secrets');
        this.secrets.set(id, structuredClone(entries));
      },
    };
  }
}

/** A newsroom index in memory: per channel and shard, items newest first (shard from a hash of the id). */
export class FakeNewsroom implements NewsroomReader {
  readonly reads: { ref: ShardRef; limit: number }[] = [];
  constructor(
    private readonly items: Interaction[],
    private readonly shards = 4,
  ) {}

  shardCount() {
    return this.shards;
  }

  shardOf(id: string) {
    let h = 0;
    for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return h % this.shards;
  }

  async readShard(tenantId: string, ref: ShardRef, after: ShardPosition | undefined, limit: number, since: string | undefined) {
    this.reads.push({ ref, limit });
    const all = this.items
      .filter((i) => i.tenantId === tenantId && i.channel === ref.channel && this.shardOf(i.id) === ref.shard)
      .filter((i) => since === undefined || i.occurredAt >= since)
      .sort(newestFirst)
      .filter((i) => after === undefined || newestFirst({ occurredAt: after.occurredAt, id: after.itemId }, i) < 0);
    const page = all.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page,
      ...(last && { last: { occurredAt: last.occurredAt, itemId: last.id, customerId: last.customerId } }),
      exhausted: all.length <= limit,
    };
  }
}
