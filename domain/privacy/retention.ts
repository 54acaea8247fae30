/**
 * The social-profiling gate, its storage half: how long a person's interactions are kept.
 *
 * Without `social_profiling` consent a person's interactions are kept only to serve them (a reply, a
 * service ticket) and expire after the tenant's retention period (default 90 days): the timeline item and
 * its dedupe reference carry `expiresAt` (epoch seconds, the table's TTL attribute), and every reader
 * ignores an expired item before DynamoDB's TTL deletes it. With consent they are kept. A consent change
 * re-applies the rule to everything the person has (`reapplyRetention`): granting keeps what is still
 * retained (an interaction already past its expiry is not brought back); withdrawing sets the expiry again,
 * so what is older than the retention period goes at once.
 *
 * The period counts from when we collected the interaction (`receivedAt`), as retention periods do: a
 * platform's late or back-filled delivery of something old is kept for the period too, not dropped on
 * arrival (a reply may still be owed). Whether an interaction counts in shares, scores and segments is the knowledge
 * context's side of the gate (domain/knowledge/knowledge.ts); orders are kept under the store's legal basis.
 */
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { socialProfilingAllowed } from '../consent/index.js';
import { InvalidInput } from '../shared/errors.js';
import type { Customer, Interaction } from '../shared/model.js';
import type { AuditLog, Clock, CustomerRepository, InteractionRepository, InteractionRetention } from '../shared/ports.js';

export const DEFAULT_RETENTION_DAYS = 90;
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
const DAY_SECONDS = 86_400;

export interface PrivacySettings {
  retentionDays: number;
  updatedAt?: string;
}

/** When the retention period of an interaction starts: when we received it (else when it happened). */
export function retentionStart(interaction: Pick<Interaction, 'occurredAt' | 'receivedAt'>): number {
  const received = Date.parse(interaction.receivedAt);
  return Number.isNaN(received) ? Date.parse(interaction.occurredAt) : received;
}

/** Epoch seconds at which an interaction kept only to serve the person expires. */
export function serviceOnlyExpiry(interaction: Pick<Interaction, 'occurredAt' | 'receivedAt'>, retentionDays: number): number {
  return Math.floor(retentionStart(interaction) / 1000) + retentionDays * DAY_SECONDS;
}

/** The interaction's expiry for this person: none with social_profiling consent, else the retention period. */
export function interactionExpiry(
  customer: Pick<Customer, 'consentSummary' | 'suppressed'> | undefined,
  interaction: Pick<Interaction, 'occurredAt' | 'receivedAt'>,
  retentionDays: number,
): number | undefined {
  return socialProfilingAllowed(customer) ? undefined : serviceOnlyExpiry(interaction, retentionDays);
}

export function validRetentionDays(days: unknown): number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new InvalidInput(`retentionDays must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}`);
  }
  return days;
}

// ---- re-applying the retention after a consent change ----

/** One of the person's interactions as stored: what the retention is computed from, and its current expiry. */
export interface RetainedInteraction {
  tenantId: string;
  customerId: string;
  /** The timeline item's sort key. */
  sk: string;
  channel: string;
  externalId: string;
  occurredAt: string;
  receivedAt: string;
  expiresAt?: number;
}

export interface RetentionStore {
  /** Days the tenant keeps interactions of people without social_profiling consent. */
  retentionDays(tenantId: string): Promise<number>;
  /** A page of the customer's interaction timeline items (expired ones included). */
  interactionPage(tenantId: string, customerId: string, cursor?: string): Promise<{ items: RetainedInteraction[]; next?: string }>;
  /**
   * Sets (a number) or removes (undefined) the expiry of the timeline item and of its dedupe reference.
   * Removing never revives an item already expired at `nowSeconds`: answers 'expired' for it.
   */
  setExpiry(item: RetainedInteraction, expiresAt: number | undefined, nowSeconds: number): Promise<'changed' | 'expired'>;
}

export interface RetentionPorts {
  customers: Pick<CustomerRepository, 'get'>;
  retention: RetentionStore;
  clock: Clock;
}

export interface RetentionOutcome {
  customerId: string;
  /** Whether the person's interactions are kept (social_profiling granted) or expire. */
  kept: boolean;
  changed: number;
  unchanged: number;
  /** Already past their expiry: left to TTL, not brought back by a grant. */
  expired: number;
  /** false: the deadline came first; the caller runs it again (each run only changes what is still wrong). */
  complete: boolean;
}

const MAX_MERGE_HOPS = 5;

/**
 * Make the stored retention of the person's interactions match their consent now.
 * 1. load the customer (a merged record's interactions moved to the survivor: follow it); missing → nothing;
 * 2. kept = social_profiling granted (and not suppressed), read from the profile, so events applied late or
 *    twice give the same result;
 * 3. page through their interaction items: kept → remove the expiry (not from items already expired);
 *    otherwise → set the expiry to start + retention; items already right are left alone.
 */
export async function reapplyRetention(
  ports: RetentionPorts,
  tenantId: string,
  customerId: string,
  deadline = Number.POSITIVE_INFINITY,
): Promise<RetentionOutcome> {
  let customer = await ports.customers.get(tenantId, customerId);
  for (let hop = 0; customer?.mergedInto && hop < MAX_MERGE_HOPS; hop++) customer = await ports.customers.get(tenantId, customer.mergedInto);
  const outcome: RetentionOutcome = { customerId: customer?.id ?? customerId, kept: false, changed: 0, unchanged: 0, expired: 0, complete: true };
  if (!customer || customer.mergedInto) return outcome;
  outcome.kept = socialProfilingAllowed(customer);
  const days = outcome.kept ? 0 : await ports.retention.retentionDays(tenantId);
  const nowSeconds = Math.floor(ports.clock.now().getTime() / 1000);

  let cursor: string | undefined;
  do {
    if (Date.now() >= deadline) return { ...outcome, complete: false };
    const page = await ports.retention.interactionPage(tenantId, customer.id, cursor);
    for (const item of page.items) {
      const target = outcome.kept ? undefined : serviceOnlyExpiry(item, days);
      if (item.expiresAt === target) {
        outcome.unchanged += 1;
        continue;
      }
      if (outcome.kept && item.expiresAt !== undefined && item.expiresAt <= nowSeconds) {
        outcome.expired += 1;
        continue;
      }
      const result = await ports.retention.setExpiry(item, target, nowSeconds);
      outcome[result] += 1;
    }
    cursor = page.next;
  } while (cursor);
  return outcome;
}

// ---- the tenant setting ----

export interface PrivacySettingsStore {
  get(tenantId: string): Promise<PrivacySettings>;
  setRetentionDays(tenantId: string, retentionDays: number, at: string): Promise<PrivacySettings>;
}

/**
 * An admin sets the retention period.
 * 1. validate (1 to 3650 days); 2. store it (new interactions, and people whose consent changes, use it;
 * what is stored keeps its expiry); 3. audit the change (old and new value only).
 */
export async function setRetentionPeriod(
  ports: { settings: PrivacySettingsStore; audit: AuditLog; clock: Clock },
  ctx: { tenantId: string; actor: string },
  retentionDays: unknown,
): Promise<PrivacySettings> {
  const days = validRetentionDays(retentionDays);
  const before = await ports.settings.get(ctx.tenantId);
  const at = ports.clock.now().toISOString();
  const after = await ports.settings.setRetentionDays(ctx.tenantId, days, at);
  await recordAudit(ports.audit, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: AUDIT_ACTIONS.roleProtectedChange,
    targetId: ctx.tenantId,
    targetType: 'tenant',
    at,
    details: { setting: 'privacy.retentionDays', from: before.retentionDays, to: days },
  });
  return after;
}

// ---- the decision when an interaction is recorded ----

/**
 * For one delivery: the retention of each new interaction, from its customer's consent (read once per
 * customer) and the tenant's period (read once). Used by every use case that records interactions.
 */
export function retentionOfNewInteractions(
  ports: { customers: Pick<CustomerRepository, 'get'>; interactions: Pick<InteractionRepository, 'retentionDays'> },
  tenantId: string,
): (interaction: Interaction) => Promise<InteractionRetention | undefined> {
  const customers = new Map<string, Promise<Customer | undefined>>();
  let days: Promise<number> | undefined;
  return async (interaction) => {
    let customer = customers.get(interaction.customerId);
    if (!customer) {
      customer = ports.customers.get(tenantId, interaction.customerId);
      customers.set(interaction.customerId, customer);
    }
    if (socialProfilingAllowed(await customer)) return undefined;
    days ??= ports.interactions.retentionDays ? ports.interactions.retentionDays(tenantId) : Promise.resolve(DEFAULT_RETENTION_DAYS);
    return { expiresAt: serviceOnlyExpiry(interaction, await days) };
  };
}
