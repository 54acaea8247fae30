/**
 * Privacy test helpers: one person with data in every personal entity type (made through the real
 * webhooks and API where they exist), the keys of that person derived from the entity registry, a scan of
 * the test's own table, and in-memory fakes of the privacy ports for unit tests.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../adapters/dynamo/client.js';
import { DynamoMessageStore } from '../../adapters/social/dynamo-messages.js';
import { REFERENCES } from '../../adapters/privacy/dynamo-erasure.js';
import type { ErasureCounts, ErasureRequest, ErasureRequests, IdentityRef, PersonalDataEraser } from '../../domain/privacy/erasure.js';
import type { Customer } from '../../domain/shared/model.js';
import type { RetainedInteraction, RetentionStore } from '../../domain/privacy/retention.js';
import { ports } from '../../functions/shared/ports.js';
import { campaignKeys, ENTITIES, keys, type Key } from '../../store/keys.js';
import { confirmationLinkFor } from './consent.js';
import type { TestRuntime } from './runtime.js';
import { bigId, postEvent, postShopify, shopifyOrderBody } from './stores.js';
import { api, feedComment, pageDelivery, postMeta } from './webhooks.js';
import { postYoutube, videoFeed, videoId } from './youtube.js';

type Tenant = TestRuntime['credentials']['tenants'][number];
type Item = Record<string, unknown>;

let seq = 0;
const unique = () => `${Date.now().toString(36)}${++seq}`;

/** Lets the webhooks see the watched YouTube channel: call before any webhook of the file reads the tenant. */
export async function watchYoutubeChannel(tenantId: string, channelId: string): Promise<void> {
  await ports.tenants.update(tenantId, (t) => ({ ...t, watched: { ...t.watched, youtube: [...(t.watched?.youtube ?? []), channelId] } }));
}

export function youtubeChannelId(): string {
  return `UC${unique()}${'x'.repeat(22)}`.slice(0, 24);
}

export interface Person {
  customerId: string;
  /** A YouTube channel's customer merged into this one (its record is a tombstone now). */
  mergedId: string;
  psid: string;
  ytChannel: string;
  email: string;
  phone: string;
  name: string;
  /** The given and family names the sign-up gave: their own strings, not parts of `name`, so a scan finds each. */
  givenName: string;
  familyName: string;
  /** Texts the person wrote (a comment, a review, a video title). */
  texts: string[];
  segments: { social: string; presence: string };
  orderId: string;
  /** The store's id of the buyer (a shopify identity). */
  shopifyCustomerId: string;
  messageId: string;
}

/** Every identity the fixture gives the person. */
export function identitiesOf(p: Person): IdentityRef[] {
  return [
    { channel: 'facebook', externalId: p.psid },
    { channel: 'email', externalId: p.email },
    { channel: 'phone', externalId: p.phone },
    { channel: 'youtube', externalId: p.ytChannel },
    { channel: 'shopify', externalId: p.shopifyCustomerId },
  ];
}

/**
 * One person with an item of every personal entity type: a Facebook comment (customer, identity, timeline
 * item, interaction ref), a sign-up with e-mail and phone (identities, a webhook delivery record naming
 * them), social-profiling and double opt-in e-mail consent (consent records, a used confirmation link), a
 * Shopify order, a site review, an outbound WhatsApp message, a YouTube video by a channel merged into them
 * (merged-away record, video record), knowledge and segment memberships (after the queues drain).
 * `watchYoutubeChannel(tenant, ytChannel)` must have run before the file's first webhook.
 */
const tableNameOf = (rt: TestRuntime) => rt.tableName;

export async function makePerson(rt: TestRuntime, tenant: Tenant, ytChannel: string, opts: { consent?: boolean } = {}): Promise<Person> {
  const tag = unique();
  const admin = api(rt.url, tenant.tokens.admin);
  const psid = `77${Date.now() % 1_000_000}${++seq}`;
  const email = `privacy.${tag}@example.test`;
  const phone = `+3461${String(Date.now()).slice(-6)}${seq % 10}`;
  const name = `Perla Privacy ${tag}`;
  const [givenName, familyName] = [`Perlina${tag}`, `Privadez${tag}`];
  const texts = [`the jacket zip broke ${tag}`, `great boots review ${tag}`, `my unboxing video ${tag}`];

  const segment = async (rule: unknown) => {
    const res = await admin('/v1/segments', { method: 'POST', body: JSON.stringify({ name: `privacy ${tag} ${randomUUID().slice(0, 6)}`, rule }) });
    if (res.status !== 201) throw new Error(`segment: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const segments = {
    social: await segment({ field: 'interactions', op: 'gte', value: 1 }),
    presence: await segment({ field: 'channels', op: 'has', value: 'facebook' }),
  };

  // a Facebook comment
  const page = tenant.accounts.facebook;
  const comment = pageDelivery(page, [feedComment({ pageId: page, fromId: psid, fromName: name, message: texts[0] })]);
  expect200(await postMeta(rt.url, tenant.tenantId, tenant.secrets.meta.appSecret, comment), 'meta');
  const found = await admin(`/v1/customers?channel=facebook&externalId=${psid}`);
  const customerId = found.body.items[0].id as string;

  // the sign-up links e-mail and phone to them
  const signup = await admin('/v1/customers', {
    method: 'POST',
    body: JSON.stringify({ email, phone, displayName: name, givenName, familyName, externalIds: [{ channel: 'facebook', externalId: psid }] }),
  });
  if (signup.status !== 200 || signup.body.id !== customerId) throw new Error(`sign-up: ${signup.status} ${JSON.stringify(signup.body)}`);
  if (signup.body.givenName !== givenName || signup.body.familyName !== familyName) throw new Error(`sign-up names: ${JSON.stringify(signup.body)}`);

  // consents: social profiling, and e-mail marketing confirmed through the e-mailed link
  const consent = (body: unknown) => admin(`/v1/customers/${customerId}/consents`, { method: 'POST', body: JSON.stringify(body) });
  if (opts.consent !== false) {
    expectStatus(await consent({ purpose: 'social_profiling', status: 'granted', source: 'https://brand.example/privacy' }), 201, 'social consent');
  }
  expectStatus(await consent({ purpose: 'marketing', channel: 'email', status: 'granted', source: 'https://brand.example/newsletter' }), 201, 'email consent');
  const confirmed = await fetch(confirmationLinkFor(rt.dataDir, email));
  if (confirmed.status !== 200) throw new Error(`confirmation: ${confirmed.status}`);

  // an order from the store, found by the e-mail
  const orderId = bigId();
  const shopifyCustomerId = bigId();
  const order = shopifyOrderBody({ orderId, customerId: shopifyCustomerId, email, financialStatus: 'paid', cancelled: false });
  expect200(await postShopify(rt.url, tenant.tenantId, tenant.secrets.shopify.secret, 'orders/create', order), 'shopify');

  // a review on the brand's site
  expect200(
    await postEvent(rt.url, tenant.tenantId, tenant.secrets.events.secret, 'review.posted', { person: { email }, productId: 'boots', rating: 5, text: texts[1] }),
    'review',
  );

  // an outbound WhatsApp message to them (campaigns will send these; no API does yet)
  const messageId = `wamid.${tag}`;
  await new DynamoMessageStore().createOutboundMessage({ tenantId: tenant.tenantId, channel: 'whatsapp', providerMessageId: messageId, customerId, createdAt: new Date().toISOString() });

  // a campaign message to them, as the campaign run's send ledger records it before sending
  await documentClient().send(
    new PutCommand({
      TableName: tableNameOf(rt),
      Item: {
        ...campaignKeys.sendLedger(tenant.tenantId, customerId, 'email', `privacy-campaign-${tag}`),
        entity: 'SendLedger',
        data: { tenantId: tenant.tenantId, customerId, channel: 'email', campaignId: `privacy-campaign-${tag}`, status: 'sent', arm: 'A', at: new Date().toISOString(), providerMessageId: `outbox-${tag}` },
      },
    }),
  );

  // a YouTube video by their channel, a customer of its own until merged into them
  const feed = videoFeed({ videoId: videoId(), channelId: ytChannel, title: texts[2], authorName: name });
  expect200(await postYoutube(rt.url, tenant.tenantId, feed, { secret: tenant.secrets.youtube.secret }), 'youtube');
  const yt = await admin(`/v1/customers?channel=youtube&externalId=${ytChannel}`);
  const mergedId = yt.body.items[0].id as string;
  await rt.drain(30_000);
  // a loyalty redemption of the sign-up points (the welcome pack gave them)
  const reward = await admin('/v1/loyalty/rewards', { method: 'POST', body: JSON.stringify({ name: `privacy mug ${tag}`, cost: 10, stock: 5 }) });
  expectStatus(reward, 201, 'reward');
  const redemption = await admin(`/v1/customers/${customerId}/loyalty/redemptions`, {
    method: 'POST',
    headers: { 'idempotency-key': `privacy-${tag}` },
    body: JSON.stringify({ rewardId: reward.body.rewardId }),
  });
  expectStatus(redemption, 201, 'redemption');
  const merged = await admin(`/v1/customers/${customerId}/merge`, { method: 'POST', body: JSON.stringify({ mergeWith: mergedId }) });
  if (merged.status !== 200) throw new Error(`merge: ${merged.status} ${JSON.stringify(merged.body)}`);
  await rt.drain(30_000);

  return { customerId, mergedId, psid, ytChannel, email, phone, name, givenName, familyName, texts, segments, orderId, shopifyCustomerId, messageId };
}

function expectStatus(res: { status: number; body?: unknown }, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

function expect200(res: Response, what: string) {
  if (res.status !== 200) throw new Error(`${what} webhook answered ${res.status}`);
}

/** Every item of the test's own table (tests only: a Scan is never on a request path). */
export async function scanTable(tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await documentClient().send(new ScanCommand({ TableName: tableName, ...(start && { ExclusiveStartKey: start }) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Whether any attribute of the item (keys included) contains one of the strings. */
export function mentions(item: Item, needles: readonly string[]): string[] {
  const text = JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
  return needles.filter((n) => text.includes(n) || text.includes(JSON.stringify(n).slice(1, -1)));
}

/**
 * The person's keys, derived from the entity registry's strategies: each personal entity's items of these
 * customers, found the way its `erasure` kind says (the test then checks each key is gone).
 */
export async function personKeys(tableName: string, tenantId: string, subjects: string[], identities: IdentityRef[]): Promise<Map<string, Key[]>> {
  const found = new Map<string, Key[]>();
  const add = (entity: string, key: Key) => found.set(entity, [...(found.get(entity) ?? []), { pk: key.pk, sk: key.sk }]);
  const get = async (key: Key) => (await documentClient().send(new GetCommand({ TableName: tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }))).Item;
  const query = async (input: { IndexName?: string; pk: string; pkName: string }) => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName,
          ...(input.IndexName && { IndexName: input.IndexName }),
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': input.pkName },
          ExpressionAttributeValues: { ':pk': input.pk },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const segments = (await query({ pk: keys.segmentsPartition(tenantId), pkName: 'pk' })).map((s) => (s.data as { id: string }).id);

  for (const entity of ENTITIES) {
    switch (entity.erasure) {
      case 'customer-partition':
        for (const subject of subjects) {
          for (const item of await query({ pk: keys.customerPartition(tenantId, subject), pkName: 'pk' })) {
            if (item.entity === entity.name) add(entity.name, item as unknown as Key);
            // by-reference: what the partition's items point at
            if (entity.name === 'TimelineItem') {
              for (const [target, reference] of Object.entries(REFERENCES)) {
                const ref = reference(tenantId, item);
                if (ref && (await get(ref.key))) add(target, ref.key);
              }
            }
          }
        }
        break;
      case 'identity-items':
        for (const i of identities) {
          const key = keys.identity(tenantId, i.channel, i.externalId);
          if (subjects.includes((await get(key))?.customerId as string)) add(entity.name, key);
        }
        break;
      case 'customer-index':
        for (const subject of subjects) {
          for (const item of await query({ IndexName: 'gsi2', pk: keys.personalIndexPartition(tenantId, subject), pkName: 'gsi2pk' })) {
            if (item.entity === entity.name) add(entity.name, item as unknown as Key);
          }
        }
        break;
      case 'segment-membership':
        for (const subject of subjects) {
          for (const segmentId of segments) {
            const key = keys.segmentMember(tenantId, segmentId, subject);
            if (await get(key)) add(entity.name, key);
          }
        }
        break;
      default:
        break;
    }
  }
  return found;
}

export async function exists(tableName: string, key: Key): Promise<boolean> {
  return (await documentClient().send(new GetCommand({ TableName: tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }))).Item !== undefined;
}

/** Polls the erasure request until it is done (the queues may hand it on in several steps). */
export async function erasureDone(rt: TestRuntime, admin: ReturnType<typeof api>, requestId: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    await rt.drain(30_000);
    const res = await admin(`/v1/erasures/${requestId}`);
    if (res.body?.status === 'done') return res.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`erasure ${requestId} did not finish`);
}

// ---------------------------------------------------------------------------------------------------
// Unit-test fakes

/** Erasure requests in memory, with the same revision rule as the DynamoDB store. */
export class FakeErasureRequests implements ErasureRequests {
  readonly stored = new Map<string, { request: ErasureRequest; rev: number }>();
  async get(tenantId: string, requestId: string) {
    const found = this.stored.get(`${tenantId}|${requestId}`);
    return found && structuredClone(found);
  }
  async put(request: ErasureRequest, expectedRev: number | null) {
    const key = `${request.tenantId}|${request.requestId}`;
    const current = this.stored.get(key);
    if ((current?.rev ?? null) !== expectedRev) return false;
    this.stored.set(key, { request: structuredClone(request), rev: (expectedRev ?? -1) + 1 });
    return true;
  }
}

/**
 * A person's data in memory: profiles, identities, partition items, indexed items and memberships. Records
 * each call, so tests can check the order of the phases.
 */
export class FakeEraser implements PersonalDataEraser {
  readonly profiles = new Map<string, Customer>();
  readonly identities = new Map<string, string>();
  readonly partitions = new Map<string, string[]>();
  readonly indexed = new Map<string, string[]>();
  readonly members = new Map<string, string[]>();
  readonly tombstones = new Set<string>();
  readonly calls: string[] = [];
  /** Items to add to a partition the next time `remaining` is asked (a late write). */
  lateWrites: { subject: string; item: string }[] = [];

  async person(tenantId: string, customerId: string) {
    const out: Customer[] = [];
    const queue = [customerId];
    while (queue.length > 0) {
      const c = this.profiles.get(queue.shift() as string);
      if (!c || c.tenantId !== tenantId) continue;
      out.push(c);
      if (c.id === customerId && c.mergedInto) break;
      queue.push(...(c.mergedFrom ?? []));
    }
    return out;
  }
  async suppress(_t: string, identities: IdentityRef[]) {
    this.calls.push('suppress');
    let added = 0;
    for (const i of identities) if (!this.tombstones.has(`${i.channel}|${i.externalId}`) && this.tombstones.add(`${i.channel}|${i.externalId}`)) added += 1;
    return added;
  }
  async eraseIdentities(_t: string, identities: IdentityRef[], subjects: string[]) {
    this.calls.push('identities');
    let n = 0;
    for (const i of identities) {
      const key = `${i.channel}|${i.externalId}`;
      if (subjects.includes(this.identities.get(key) ?? '') && this.identities.delete(key)) n += 1;
    }
    return (n > 0 ? { Identity: n } : {}) as ErasureCounts;
  }
  async eraseProfiles(_t: string, subjects: string[]) {
    this.calls.push('profiles');
    const n = subjects.filter((s) => this.profiles.delete(s)).length;
    return (n > 0 ? { Customer: n } : {}) as ErasureCounts;
  }
  async erasePartitionPage(_t: string, subject: string, _subjects: string[], after?: string) {
    this.calls.push(`partition:${subject}:${after ?? ''}`);
    const items = this.partitions.get(subject) ?? [];
    const page = items.slice(0, 2);
    this.partitions.set(subject, items.slice(2));
    const counts: ErasureCounts = {};
    for (const entity of page) counts[entity] = (counts[entity] ?? 0) + 1;
    return { counts, ...(items.length > 2 && { next: `after-${page.length}` }) };
  }
  async eraseIndexed(_t: string, subject: string) {
    this.calls.push(`indexed:${subject}`);
    const items = this.indexed.get(subject) ?? [];
    this.indexed.delete(subject);
    const counts: ErasureCounts = {};
    for (const entity of items) counts[entity] = (counts[entity] ?? 0) + 1;
    return counts;
  }
  async eraseMemberships(_t: string, subject: string) {
    this.calls.push(`memberships:${subject}`);
    const n = (this.members.get(subject) ?? []).length;
    this.members.delete(subject);
    return (n > 0 ? { SegmentMember: n } : {}) as ErasureCounts;
  }
  async remaining(_t: string, subjects: string[]) {
    this.calls.push('verify');
    for (const w of this.lateWrites) this.partitions.set(w.subject, [...(this.partitions.get(w.subject) ?? []), w.item]);
    this.lateWrites = [];
    return subjects.reduce((n, s) => n + (this.partitions.get(s)?.length ?? 0) + (this.indexed.get(s)?.length ?? 0), 0);
  }
}

/** Interactions and their references in memory (domain/privacy/retention.ts RetentionStore), two per page. */
export class FakeRetentionStore implements RetentionStore {
  readonly items = new Map<string, RetainedInteraction>();
  readonly refs = new Map<string, number | undefined>();
  days = 90;
  async retentionDays() {
    return this.days;
  }
  add(item: RetainedInteraction) {
    this.items.set(`${item.customerId}|${item.sk}`, { ...item });
    this.refs.set(`${item.channel}|${item.externalId}`, item.expiresAt);
  }
  async interactionPage(_t: string, customerId: string, cursor?: string) {
    const all = [...this.items.values()].filter((i) => i.customerId === customerId).sort((a, b) => a.sk.localeCompare(b.sk));
    const from = cursor ? all.findIndex((i) => i.sk === cursor) + 1 : 0;
    const items = all.slice(from, from + 2).map((i) => ({ ...i }));
    return { items, ...(from + 2 < all.length && { next: items.at(-1)!.sk }) };
  }
  async setExpiry(item: RetainedInteraction, expiresAt: number | undefined, nowSeconds: number) {
    const stored = this.items.get(`${item.customerId}|${item.sk}`)!;
    if (expiresAt === undefined && stored.expiresAt !== undefined && stored.expiresAt <= nowSeconds) return 'expired' as const;
    if (expiresAt === undefined) delete stored.expiresAt;
    else stored.expiresAt = expiresAt;
    this.refs.set(`${item.channel}|${item.externalId}`, expiresAt);
    return 'changed' as const;
  }
}
