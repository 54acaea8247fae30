/**
 * Connections: which accounts of each network are the brand's own, and the secrets its webhooks are signed
 * with. Account ids live on the tenant record (webhooks read them to tell the brand from its customers);
 * secrets live in the tenant's secret store, encrypted, and never leave it through the API.
 *
 * Rotation: every secret field holds at most two active values, newest first. `add` puts a new value beside
 * the current one (both verify while the platform switches over); `retire` keeps one again.
 */
import { Conflict, InvalidInput, NotFound } from '../shared/errors.js';
import type { Tenant } from '../shared/model.js';
import type { Clock } from '../shared/ports.js';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';

export const CONNECTION_CHANNELS = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'events'] as const;
export type ConnectionChannel = (typeof CONNECTION_CHANNELS)[number];

export type SecretGroup = 'meta' | 'x' | 'youtube' | 'shopify' | 'woocommerce' | 'events';

/** Facebook, Instagram and WhatsApp webhooks all come from the one Meta app, signed with its secret. */
export const SECRET_GROUP: Record<ConnectionChannel, SecretGroup> = {
  facebook: 'meta',
  instagram: 'meta',
  whatsapp: 'meta',
  x: 'x',
  youtube: 'youtube',
  shopify: 'shopify',
  woocommerce: 'woocommerce',
  events: 'events',
};

/** The fields of each secret set, as the tenant secret document names them (adapters/shared/secrets.ts). */
export const SECRET_FIELDS: Record<SecretGroup, readonly string[]> = {
  meta: ['appSecret', 'verifyToken'],
  x: ['consumerSecret'],
  youtube: ['secret'],
  shopify: ['secret'],
  woocommerce: ['secret'],
  events: ['secret'],
};

/** Networks whose connected account ids are kept on the tenant record. */
const ACCOUNT_CHANNELS = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube'] as const;
type AccountChannel = (typeof ACCOUNT_CHANNELS)[number];
const hasAccounts = (channel: ConnectionChannel): channel is AccountChannel => (ACCOUNT_CHANNELS as readonly string[]).includes(channel);

export const MAX_ACTIVE_SECRETS = 2;

export function isConnectionChannel(value: string): value is ConnectionChannel {
  return (CONNECTION_CHANNELS as readonly string[]).includes(value);
}

/** One active secret and when it became active (null: it predates this record, e.g. made by a script). */
export interface SecretEntry {
  value: string;
  addedAt: string | null;
}

/** A tenant's secrets per set and field, each list newest first. */
export type TenantSecretEntries = Partial<Record<SecretGroup, Record<string, SecretEntry[]>>>;

export interface ConnectionUpdate {
  accountIds?: string[];
  /** YouTube only: channels the brand watches that are not its own. */
  watchedChannelIds?: string[];
  /** Field → new value (appSecret, verifyToken, consumerSecret, secret); fields left out keep their values. */
  secrets?: Partial<Record<string, string>>;
  rotation: 'replace' | 'add';
}

export interface SecretRetirementRequest {
  keep: 'newest' | 'oldest';
  field?: string;
}

export interface ConnectionView {
  channel: ConnectionChannel;
  accountIds: string[];
  watchedChannelIds?: string[];
  secretGroup: SecretGroup;
  secrets: Record<string, { active: number; addedAt: (string | null)[] }>;
}

/** The tenant's secret store as the connections API uses it: read fresh, write whole. */
export interface ConnectionSecretStore {
  getTenantSecretEntries(tenantId: string): Promise<TenantSecretEntries | undefined>;
  putTenantSecretEntries(tenantId: string, entries: TenantSecretEntries): Promise<void>;
}

export interface ConnectionTenants {
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Read-modify-write that makes the change visible to this container's webhooks at once. */
  update(tenantId: string, change: (tenant: Tenant) => Tenant): Promise<Tenant | undefined>;
}

export interface ConnectionPorts {
  tenants: ConnectionTenants;
  secrets: ConnectionSecretStore;
  clock: Clock;
  /** The audit trail (domain/audit/audit.ts), when the deployment has one. */
  audit?: Parameters<typeof recordAudit>[0];
}

export interface ConnectionActor {
  tenantId: string;
  /** The caller's token subject: an id, never a name. */
  subject: string;
}

// ---------------------------------------------------------------------------------------------------------
// Rules (pure)

/**
 * The secret set after an update. `replace`: each given field holds the given value alone (giving the value
 * that is already the only one keeps its date). `add`: the value goes first beside the current one; a field
 * that already has two answers Conflict (retire one first); a value already active changes nothing, so a
 * repeated request is harmless. Every field of a set must end up with a value (a Meta connection needs both
 * its app secret and its verify token).
 */
export function applySecretUpdate(
  current: Record<string, SecretEntry[]> | undefined,
  group: SecretGroup,
  given: Partial<Record<string, string>>,
  mode: 'replace' | 'add',
  now: string,
): Record<string, SecretEntry[]> {
  const fields = SECRET_FIELDS[group];
  const next: Record<string, SecretEntry[]> = {};
  for (const field of fields) next[field] = [...(current?.[field] ?? [])];
  for (const [field, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!fields.includes(field)) throw new InvalidInput(`${group} has no secret field ${field}`);
    const list = next[field]!;
    if (mode === 'replace') {
      next[field] = list.length === 1 && list[0]!.value === value ? list : [{ value, addedAt: now }];
      continue;
    }
    if (list.some((e) => e.value === value)) continue;
    if (list.length >= MAX_ACTIVE_SECRETS) {
      throw new Conflict(`${group}.${field} already has ${MAX_ACTIVE_SECRETS} active secrets: retire one before adding another`);
    }
    next[field] = [{ value, addedAt: now }, ...list];
  }
  const missing = fields.filter((f) => next[f]!.length === 0);
  if (missing.length > 0) throw new InvalidInput(`${group} needs ${missing.join(' and ')} as well`, { missing });
  return next;
}

/** Ends a rotation: each field (or the one named) keeps its newest or its oldest value. Repeating changes nothing. */
export function retireSecrets(
  current: Record<string, SecretEntry[]> | undefined,
  group: SecretGroup,
  request: SecretRetirementRequest,
): Record<string, SecretEntry[]> {
  const fields = SECRET_FIELDS[group];
  if (request.field !== undefined && !fields.includes(request.field)) {
    throw new InvalidInput(`${group} has no secret field ${request.field}; it has ${fields.join(', ')}`);
  }
  const next: Record<string, SecretEntry[]> = {};
  for (const field of fields) {
    const list = current?.[field] ?? [];
    const retire = list.length > 1 && (request.field === undefined || request.field === field);
    next[field] = retire ? [request.keep === 'newest' ? list[0]! : list[list.length - 1]!] : [...list];
  }
  return next;
}

/** The tenant record with the channel's connected (and, for YouTube, watched) account ids replaced. */
export function applyAccounts(tenant: Tenant, channel: ConnectionChannel, update: Pick<ConnectionUpdate, 'accountIds' | 'watchedChannelIds'>): Tenant {
  if (!hasAccounts(channel)) return tenant;
  const unique = (ids: string[]) => [...new Set(ids)];
  let next = tenant;
  if (update.accountIds !== undefined) next = { ...next, accounts: { ...next.accounts, [channel]: unique(update.accountIds) } };
  if (channel === 'youtube' && update.watchedChannelIds !== undefined) {
    next = { ...next, watched: { ...next.watched, youtube: unique(update.watchedChannelIds) } };
  }
  return next;
}

/** What the API shows of a connection: ids, and per secret field how many are active since when. */
export function connectionView(channel: ConnectionChannel, tenant: Tenant, entries: TenantSecretEntries | undefined): ConnectionView {
  const group = SECRET_GROUP[channel];
  const set = entries?.[group];
  return {
    channel,
    accountIds: hasAccounts(channel) ? [...(tenant.accounts[channel] ?? [])] : [],
    ...(channel === 'youtube' && { watchedChannelIds: [...(tenant.watched?.youtube ?? [])] }),
    secretGroup: group,
    secrets: Object.fromEntries(
      SECRET_FIELDS[group].map((field) => {
        const list = set?.[field] ?? [];
        return [field, { active: list.length, addedAt: list.map((e) => e.addedAt) }];
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Use cases

async function tenantOf(ports: ConnectionPorts, tenantId: string): Promise<Tenant> {
  const tenant = await ports.tenants.get(tenantId);
  if (!tenant) throw new NotFound('Tenant not found');
  return tenant;
}

export async function listConnections(ports: ConnectionPorts, tenantId: string): Promise<ConnectionView[]> {
  const [tenant, entries] = await Promise.all([tenantOf(ports, tenantId), ports.secrets.getTenantSecretEntries(tenantId)]);
  return CONNECTION_CHANNELS.map((channel) => connectionView(channel, tenant, entries));
}

/**
 * PUT /v1/connections/{channel}.
 * 1. secrets first (a newly connected account must find its secret in place): apply the rotation rules to
 *    the freshly read set and write the whole document;
 * 2. account ids on the tenant record (this container's cache is dropped; others follow within a minute);
 * 3. audit the fact (which fields changed, never a value).
 */
export async function updateConnection(
  ports: ConnectionPorts,
  actor: ConnectionActor,
  channel: ConnectionChannel,
  update: ConnectionUpdate,
): Promise<ConnectionView> {
  const { tenantId } = actor;
  let tenant = await tenantOf(ports, tenantId);
  const now = ports.clock.now().toISOString();
  const group = SECRET_GROUP[channel];
  let entries = await ports.secrets.getTenantSecretEntries(tenantId);
  const givenFields = Object.keys(update.secrets ?? {}).filter((f) => update.secrets?.[f] !== undefined);
  if (update.secrets && givenFields.length > 0) {
    const set = applySecretUpdate(entries?.[group], group, update.secrets, update.rotation, now);
    entries = { ...entries, [group]: set };
    await ports.secrets.putTenantSecretEntries(tenantId, entries);
  }
  if (update.accountIds !== undefined || update.watchedChannelIds !== undefined) {
    tenant = (await ports.tenants.update(tenantId, (t) => applyAccounts(t, channel, update))) ?? tenant;
  }
  await audit(ports, actor, channel, now, {
    operation: givenFields.length > 0 ? `secrets.${update.rotation}` : 'accounts',
    secretFields: givenFields,
    accountIds: update.accountIds?.length ?? null,
    watchedChannelIds: update.watchedChannelIds?.length ?? null,
  });
  return connectionView(channel, tenant, entries);
}

/** POST /v1/connections/{channel}/secrets/retire: keep one secret per field again. */
export async function retireConnectionSecrets(
  ports: ConnectionPorts,
  actor: ConnectionActor,
  channel: ConnectionChannel,
  request: SecretRetirementRequest,
): Promise<ConnectionView> {
  const { tenantId } = actor;
  const tenant = await tenantOf(ports, tenantId);
  const group = SECRET_GROUP[channel];
  let entries = await ports.secrets.getTenantSecretEntries(tenantId);
  const set = retireSecrets(entries?.[group], group, request);
  const changed = SECRET_FIELDS[group].some((f) => (set[f]?.length ?? 0) !== (entries?.[group]?.[f]?.length ?? 0));
  if (changed) {
    entries = { ...entries, [group]: set };
    await ports.secrets.putTenantSecretEntries(tenantId, entries);
    await audit(ports, actor, channel, ports.clock.now().toISOString(), {
      operation: `secrets.retire.${request.keep}`,
      secretFields: request.field ? [request.field] : [...SECRET_FIELDS[group]],
    });
  }
  return connectionView(channel, tenant, entries);
}

async function audit(
  ports: ConnectionPorts,
  actor: ConnectionActor,
  channel: ConnectionChannel,
  at: string,
  details: Record<string, string | number | null | string[]>,
): Promise<void> {
  if (!ports.audit) return;
  await recordAudit(ports.audit, {
    tenantId: actor.tenantId,
    actor: actor.subject,
    action: AUDIT_ACTIONS.connectionChanged,
    targetId: channel,
    targetType: 'connection',
    at,
    details,
  });
}
