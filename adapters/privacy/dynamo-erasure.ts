/**
 * Where a person's data lives on the one table, one strategy per kind of the registry (store/keys.ts
 * ENTITIES `erasure`): export reads with these strategies and erasure deletes what the same strategies find.
 *
 * - customer-partition: everything under `T#{tenant}#C#{customer}` (profile, timeline, knowledge, consent
 *   records, used consent links), paged;
 * - by-reference: what a timeline item points at (REFERENCES below), deleted only while it still names one of
 *   the person's customer ids;
 * - identity-items: the identities the person's profiles list, deleted only while they point at the person;
 * - customer-index: what was written with `keys.personalIndex` (GSI2 `T#{tenant}#PERSON#{customer}`);
 * - segment-membership: the member item in each segment at the person's shard (with the segment counters,
 *   through the knowledge store);
 * - retained-pseudonymous: read for the export (audit entries, suppression tombstones), never deleted.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { erasureRequestId, RETAINED, type ErasureCounts, type ErasureRequest, type ErasureRequests, type IdentityRef, type PersonalDataEraser } from '../../domain/privacy/erasure.js';
import type { ExportSections, PersonalDataReader } from '../../domain/privacy/export.js';
import type { Customer } from '../../domain/shared/model.js';
import { ENTITIES, keys, type ErasureKind, type Key } from '../../store/keys.js';
import { KEY_ATTRIBUTES } from '../../store/table.js';
import { auditLog } from '../audit/index.js';
import { DynamoKnowledgeStore, KNOWLEDGE_KEEPER } from '../knowledge/index.js';
import { suppressionList } from './dynamo-retention.js';
import { segmentStore } from '../segments/index.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';

type Item = Record<string, unknown>;

/** Customers merged into customers merged into ... this one, at most this many (a person, not a crowd). */
const MAX_SUBJECTS = 50;
const PAGE_SIZE = 25;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const expired = (item: Item, now = nowSeconds()) => typeof item.expiresAt === 'number' && item.expiresAt <= now;

interface Reference {
  key: Key;
  /** Attribute path naming the customer the target belongs to (a condition of its delete), if it has one. */
  owner?: { path: string; names: Record<string, string>; read: (target: Item) => unknown };
}

/**
 * 'by-reference': the items a timeline item points at, by entity name. Each answers the target's key from
 * the timeline item, or nothing when the item does not point at one.
 */
export const REFERENCES: Readonly<Record<string, (tenantId: string, timelineItem: Item) => Reference | undefined>> = {
  /** An interaction's dedupe reference (channel + platform id). */
  InteractionRef: (tenantId, item) => {
    const data = item.data as { channel?: unknown; externalId?: unknown } | undefined;
    if (item.type !== 'interaction' || typeof data?.channel !== 'string' || typeof data.externalId !== 'string') return undefined;
    return {
      key: keys.interactionRef(tenantId, data.channel, data.externalId),
      owner: { path: '#owner', names: { '#owner': 'customerId' }, read: (t) => t.customerId },
    };
  },
  /** The order record of an order on the timeline. */
  Order: (tenantId, item) => {
    const data = item.data as { store?: unknown; orderId?: unknown } | undefined;
    if (item.type !== 'order' || typeof data?.store !== 'string' || typeof data.orderId !== 'string') return undefined;
    return {
      key: keys.order(tenantId, data.store, data.orderId),
      owner: { path: '#data.#owner', names: { '#data': 'data', '#owner': 'customerId' }, read: (t) => (t.data as { customerId?: unknown } | undefined)?.customerId },
    };
  },
  /** A service ticket on the timeline (its conversation, replies and notes). */
  Ticket: (tenantId, item) => {
    const data = item.data as { ticketId?: unknown } | undefined;
    if (item.type !== 'ticket' || typeof data?.ticketId !== 'string') return undefined;
    return {
      key: keys.ticket(tenantId, data.ticketId),
      owner: { path: '#data.#owner', names: { '#data': 'data', '#owner': 'customerId' }, read: (t) => (t.data as { customerId?: unknown } | undefined)?.customerId },
    };
  },
  /** A YouTube video the person uploaded (their notifications' ids): found from their video interactions. */
  YoutubeVideo: (tenantId, item) => {
    const data = item.data as { channel?: unknown; postId?: unknown } | undefined;
    if (item.type !== 'interaction' || data?.channel !== 'youtube' || typeof data.postId !== 'string') return undefined;
    return { key: keys.youtubeVideo(tenantId, data.postId) };
  },
};

/** 'customer-index': entities whose writers list them under the person (keys.personalIndex). */
export const CUSTOMER_INDEXED: readonly string[] = ['Message', 'WebhookDelivery', 'ReferralCode'];

const PARTITION_KEY = 'T#{tenant}#C#{customer} /';

type Entity = (typeof ENTITIES)[number];

/** Whether this adapter implements the registry's strategy for the entity (test/unit/privacy/erasure-coverage.test.ts). */
export function implementsStrategy(entity: { name: string; key: string; erasure?: string }): boolean {
  const kind = entity.erasure as ErasureKind | undefined;
  switch (kind) {
    case 'customer-partition':
      return entity.key.startsWith(PARTITION_KEY);
    case 'identity-items':
      return entity.name === 'Identity';
    case 'by-reference':
      return entity.name in REFERENCES;
    case 'customer-index':
      return CUSTOMER_INDEXED.includes(entity.name);
    case 'segment-membership':
      return entity.name === 'SegmentMember';
    case 'retained-pseudonymous':
      return entity.name in RETAINED;
    case 'not-personal':
      return true;
    default:
      return false;
  }
}

/** The personal entity types of the registry: the export's sections. */
export function personalEntities(): Entity[] {
  return ENTITIES.filter((e) => e.personal);
}

function ownedBy(subjects: readonly string[], ref: Reference): { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  if (!ref.owner) return {};
  const values = Object.fromEntries(subjects.map((s, i) => [`:s${i}`, s]));
  return {
    ConditionExpression: `${ref.owner.path} IN (${Object.keys(values).join(', ')})`,
    ExpressionAttributeNames: ref.owner.names,
    ExpressionAttributeValues: values,
  };
}

/** Deletes one item; answers its entity name when something was there (so counts are exact on repeats). */
async function remove(key: Key, condition: ReturnType<typeof ownedBy> = {}): Promise<string | undefined> {
  try {
    const { Attributes } = await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: { pk: key.pk, sk: key.sk }, ReturnValues: 'ALL_OLD', ...condition }),
    );
    return Attributes ? String(Attributes.entity ?? 'Unknown') : undefined;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined; // another person's now: left alone
    throw error;
  }
}

function tally(names: (string | undefined)[], into: ErasureCounts = {}): ErasureCounts {
  for (const name of names) if (name) into[name] = (into[name] ?? 0) + 1;
  return into;
}

async function batchGet(keyList: Key[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
      [tableName()]: { Keys: keyList.slice(i, i + 100).map((k) => ({ pk: k.pk, sk: k.sk })), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await documentClient().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[tableName()] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/** What an item says, without the table's keys; sets as lists; its TTL as `retainedUntil`. */
export function present(item: Item): Record<string, unknown> {
  const rest: Item = {};
  let data: unknown;
  for (const [name, value] of Object.entries(item)) {
    if (KEY_ATTRIBUTES.includes(name) || name === 'entity' || name === 'rev') continue;
    if (name === 'data') data = value;
    else if (name === 'expiresAt' && typeof value === 'number') rest.retainedUntil = new Date(value * 1000).toISOString();
    else rest[name] = value instanceof Set ? [...value] : value;
  }
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...rest, ...(data as Item) } : { ...rest, ...(data !== undefined && { data }) };
}

function identitiesOf(profiles: Customer[]): IdentityRef[] {
  const seen = new Map<string, IdentityRef>();
  for (const p of profiles) for (const i of p.identities) seen.set(`${i.channel}\u0000${i.externalId}`, { channel: i.channel, externalId: i.externalId });
  return [...seen.values()];
}

async function pageOfPartition(tenantId: string, subject: string, after?: string, limit = PAGE_SIZE): Promise<{ items: Item[]; next?: string }> {
  const pk = keys.customerPartition(tenantId, subject);
  const result = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
      Limit: limit,
      // deleted items still order the partition: starting after one that is gone is fine
      ...(after !== undefined && { ExclusiveStartKey: { pk, sk: after } }),
    }),
  );
  const next = result.LastEvaluatedKey?.sk as string | undefined;
  return { items: result.Items ?? [], ...(next !== undefined && { next }) };
}

async function pageOfPersonIndex(tenantId: string, subject: string, start?: Item): Promise<{ items: Item[]; start?: Item }> {
  const result = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.personalIndexPartition(tenantId, subject) },
      Limit: 100,
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  return { items: result.Items ?? [], ...(result.LastEvaluatedKey && { start: result.LastEvaluatedKey }) };
}

export class DynamoPersonalData implements PersonalDataEraser, PersonalDataReader {
  private readonly knowledge = new DynamoKnowledgeStore(KNOWLEDGE_KEEPER);

  async person(tenantId: string, customerId: string): Promise<Customer[]> {
    const profiles: Customer[] = [];
    const seen = new Set<string>();
    const queue = [customerId];
    while (queue.length > 0 && seen.size < MAX_SUBJECTS) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, id), ConsistentRead: true }),
      );
      const customer = Item?.data as Customer | undefined;
      if (!customer) continue;
      profiles.push(customer);
      // only the records merged into this person, never the survivor a tombstone points at
      if (id === customerId && customer.mergedInto) break;
      queue.push(...(customer.mergedFrom ?? []));
    }
    return profiles;
  }

  // ---- erasure ----

  suppress(tenantId: string, identities: IdentityRef[], at: string): Promise<number> {
    return suppressionList.suppress(tenantId, identities, at);
  }

  async eraseIdentities(tenantId: string, identities: IdentityRef[], subjects: string[]): Promise<ErasureCounts> {
    const owner = { path: '#owner', names: { '#owner': 'customerId' }, read: (t: Item) => t.customerId };
    const names = await Promise.all(
      identities.map((i) => remove(keys.identity(tenantId, i.channel, i.externalId), ownedBy(subjects, { key: keys.identity(tenantId, i.channel, i.externalId), owner }))),
    );
    return tally(names);
  }

  async eraseProfiles(tenantId: string, subjects: string[]): Promise<ErasureCounts> {
    return tally(await Promise.all(subjects.map((s) => remove(keys.customer(tenantId, s)))));
  }

  async erasePartitionPage(tenantId: string, subject: string, subjects: string[], after?: string): Promise<{ counts: ErasureCounts; next?: string }> {
    const page = await pageOfPartition(tenantId, subject, after);
    const counts: ErasureCounts = {};
    // what the items point at first: once the item is gone, nothing would lead there any more
    const refs = page.items.flatMap((item) => Object.values(REFERENCES).flatMap((ref) => ref(tenantId, item) ?? []));
    tally(await Promise.all(refs.map((ref) => remove(ref.key, ownedBy(subjects, ref)))), counts);
    tally(await Promise.all(page.items.map((item) => remove({ pk: item.pk as string, sk: item.sk as string }))), counts);
    return { counts, ...(page.next !== undefined && { next: page.next }) };
  }

  async eraseIndexed(tenantId: string, subject: string): Promise<ErasureCounts> {
    const counts: ErasureCounts = {};
    // the index is read again from the start until empty: deleting under a cursor of an eventually consistent index skips nothing that way
    for (let pass = 0; pass < 100; pass++) {
      const page = await pageOfPersonIndex(tenantId, subject);
      if (page.items.length === 0) break;
      const names = await Promise.all(page.items.map((item) => remove({ pk: item.pk as string, sk: item.sk as string })));
      tally(names, counts);
      if (names.every((n) => n === undefined)) break; // only index entries not yet caught up with their deletes
    }
    return counts;
  }

  private async memberships(tenantId: string, subject: string): Promise<Item[]> {
    const segments = await segmentStore.list(tenantId);
    return batchGet(segments.map((s) => keys.segmentMember(tenantId, s.id, subject)));
  }

  async eraseMemberships(tenantId: string, subject: string): Promise<ErasureCounts> {
    const members = await this.memberships(tenantId, subject);
    if (members.length === 0) return {};
    // through the knowledge store, so each segment's member counter goes down with the member
    await this.knowledge.forgetMemberships(tenantId, subject, members.map((m) => m.segmentId as string));
    return { SegmentMember: members.length };
  }

  async remaining(tenantId: string, subjects: string[]): Promise<number> {
    let count = 0;
    for (const subject of subjects) {
      count += (await pageOfPartition(tenantId, subject, undefined, 1)).items.length;
      count += (await pageOfPersonIndex(tenantId, subject)).items.length;
    }
    return count;
  }

  // ---- export ----

  async collect(tenantId: string, profiles: Customer[], now: Date): Promise<ExportSections> {
    const at = Math.floor(now.getTime() / 1000);
    const subjects = profiles.map((p) => p.id);
    const sections: ExportSections = Object.fromEntries(personalEntities().map((e) => [e.name, []]));
    const add = (entity: string, value: Record<string, unknown>) => (sections[entity] ??= []).push(value);
    /** Items pointed at from several timeline items (a video's notifications) are shown once. */
    const shown = new Set<string>();

    // identity-items
    const identities = identitiesOf(profiles);
    for (const item of await batchGet(identities.map((i) => keys.identity(tenantId, i.channel, i.externalId)))) {
      if (!subjects.includes(item.customerId as string)) continue;
      const identity = identities.find((i) => keys.identity(tenantId, i.channel, i.externalId).pk === item.pk);
      add('Identity', { ...identity, customerId: item.customerId });
    }

    for (const subject of subjects) {
      // customer-partition, and by-reference from its timeline items
      let after: string | undefined;
      do {
        const page = await pageOfPartition(tenantId, subject, after, 100);
        const live = page.items.filter((item) => !expired(item, at));
        for (const item of live) add(String(item.entity ?? 'Unknown'), present(item));
        // what the page's items point at, read in one batch
        const refs = live.flatMap((item) => Object.entries(REFERENCES).flatMap(([entity, reference]) => {
          const ref = reference(tenantId, item);
          return ref ? [{ entity, ref }] : [];
        }));
        const wanted = new Map(refs.map((r) => [`${r.ref.key.pk}\u0000${r.ref.key.sk}`, r.ref.key]));
        const targets = new Map((await batchGet([...wanted.values()])).map((t) => [`${String(t.pk)}\u0000${String(t.sk)}`, t]));
        for (const { entity, ref } of refs) {
          const id = `${ref.key.pk}\u0000${ref.key.sk}`;
          const target = targets.get(id);
          if (!target || shown.has(id) || expired(target, at)) continue;
          if (ref.owner && !subjects.includes(ref.owner.read(target) as string)) continue;
          shown.add(id);
          add(entity, present(target));
        }
        after = page.next;
      } while (after !== undefined);

      // customer-index
      let start: Item | undefined;
      do {
        const page = await pageOfPersonIndex(tenantId, subject, start);
        for (const item of page.items) if (!expired(item, at)) add(String(item.entity ?? 'Unknown'), present(item));
        start = page.start;
      } while (start);

      // segment-membership
      for (const member of await this.memberships(tenantId, subject)) add('SegmentMember', present(member));

      // retained-pseudonymous: the audit entries about the person
      let cursor: string | undefined;
      do {
        const page = await auditLog.list({ tenantId, targetId: subject, limit: 100, ...(cursor !== undefined && { cursor }) });
        for (const entry of page.items) add('AuditEntry', { ...entry });
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    }

    for (const tombstone of await suppressionList.tombstones(tenantId, identities)) add('SuppressionTombstone', tombstone);
    // an erasure asked for earlier (one request per customer: its id follows from theirs)
    for (const subject of subjects) {
      const request = await erasureRequests.get(tenantId, erasureRequestId(tenantId, subject));
      if (request) add('ErasureRequest', { ...request.request });
    }
    return sections;
  }
}

export const personalData = new DynamoPersonalData();

/** Erasure requests: one item per request, written with optimistic concurrency on `rev`. */
export class DynamoErasureRequests implements ErasureRequests {
  async get(tenantId: string, requestId: string): Promise<{ request: ErasureRequest; rev: number } | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.erasureRequest(tenantId, requestId), ConsistentRead: true }),
    );
    return Item ? { request: Item.data as ErasureRequest, rev: (Item.rev as number | undefined) ?? 0 } : undefined;
  }

  async put(request: ErasureRequest, expectedRev: number | null): Promise<boolean> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.erasureRequest(request.tenantId, request.requestId), entity: 'ErasureRequest', rev: (expectedRev ?? -1) + 1, data: request },
          ...(expectedRev === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

export const erasureRequests = new DynamoErasureRequests();
