/**
 * Customer knowledge, its ports and use cases: one record per customer kept current by events (update, merge,
 * forget), written with its segment membership in one optimistic commit.
 */
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';
import { type Stage } from '../../events/catalog.js';
import type { ConsentSummary, Customer, CustomerActivity } from '../shared/model.js';
import type { Clock, CustomerRepository } from '../shared/ports.js';
import { evaluateRule, segmentSubject, type SegmentDefinition } from '../segments/index.js';
import { mergeInputs, withProfile } from './apply.js';
import { applyActivity, combineActivity, emptyActivity, type ActivitySignal } from '../customers/index.js';
import { type CustomerKnowledge, computeKnowledge } from './figures.js';
import { type KnowledgeInputs, type KnowledgeRecord, type KnowledgeSettings, type StoredKnowledge, type TenantKnowledgeStats, emptyInputs } from './inputs.js';

// ---------------------------------------------------------------------------------------------------------
// Ports and use cases

export interface MembershipChange {
  segmentId: string;
  customerId: string;
  change: 'add' | 'remove';
}

export interface KnowledgeCommit {
  tenantId: string;
  /** The event applied: its processed-marker is written in the same transaction. */
  eventId?: string;
  /** expectedRev null: the record must not exist yet. */
  puts: { record: KnowledgeRecord; expectedRev: number | null }[];
  deletes: { customerId: string; expectedRev: number }[];
  membership: MembershipChange[];
}

export type CommitOutcome = 'written' | 'duplicate' | 'conflict';

export interface KnowledgeStore {
  get(tenantId: string, customerId: string): Promise<StoredKnowledge | undefined>;
  /** Several customers' records by id (missing ones left out), in one round trip per 100. */
  getMany(tenantId: string, customerIds: string[]): Promise<Map<string, StoredKnowledge>>;
  /** One transaction: the processed-marker, the records (revision-checked) and the membership changes. */
  commit(commit: KnowledgeCommit): Promise<CommitOutcome>;
  /** Whether the event was applied before (checked first, so a redelivery does no work). */
  processed(tenantId: string, eventId: string): Promise<boolean>;
  /**
   * Drops one settled entry of the record's pendingAffinity (revision-checked, first against `known`, then
   * read again on a race); answers the record as written.
   */
  clearPendingAffinity(tenantId: string, customerId: string, eventId: string, known?: StoredKnowledge): Promise<StoredKnowledge | undefined>;
  /** Removes the customer from these segments if a member (for records already gone, e.g. after erasure). */
  forgetMemberships(tenantId: string, customerId: string, segmentIds: string[]): Promise<void>;
  settings(tenantId: string): Promise<KnowledgeSettings>;
  stats(tenantId: string): Promise<TenantKnowledgeStats | undefined>;
}

export interface SegmentCatalog {
  /** The tenant's segments to evaluate; `fresh` skips any cache. */
  forEvaluation(tenantId: string, fresh?: boolean): Promise<SegmentDefinition[]>;
}

export interface ProfileStages {
  /** Sets the profile's stage (and so its place in the stage index) when it differs. */
  setStage(tenantId: string, customerId: string, stage: Stage): Promise<void>;
}

export interface KnowledgePorts {
  knowledge: KnowledgeStore;
  customers: Pick<CustomerRepository, 'get'>;
  segments: SegmentCatalog;
  stages: ProfileStages;
  clock: Clock;
}

export type UpdateOutcome = 'updated' | 'unchanged' | 'duplicate' | 'missing';

export interface UpdateResult {
  outcome: UpdateOutcome;
  /** What was written ('updated'), with its new revision. */
  written?: StoredKnowledge;
}

const MAX_ATTEMPTS = 8;

export interface KnowledgeUpdate {
  tenantId: string;
  customerId: string;
  /** The event being applied (exactly once); absent for a refresh. */
  eventId?: string;
  change?: (inputs: KnowledgeInputs) => KnowledgeInputs;
  /** Note the products this change adds for the co-occurrence counts (OrderPlaced). */
  trackAffinity?: boolean;
  /** The profile, when the caller already read it (a page of the stage index). */
  customer?: Customer;
  freshSegments?: boolean;
  /** An interaction (InteractionRecorded): one more on its channel and "last seen" in the activity figures. */
  activity?: ActivitySignal;
}

/** The record's activity figures, or the profile's for a record that has none yet (kept there before). */
const activityOf = (stored: StoredKnowledge | undefined, customer: Customer) => stored?.record.activity ?? customer.activity ?? emptyActivity();

async function liveCustomer(ports: KnowledgePorts, tenantId: string, customerId: string): Promise<Customer | undefined> {
  const customer = await ports.customers.get(tenantId, customerId);
  if (customer?.mergedInto) return ports.customers.get(tenantId, customer.mergedInto);
  return customer;
}

/**
 * Apply one change to a customer's knowledge, re-evaluate their segments, and keep the stage current.
 * 1. read the profile (a merged-away id leads to its survivor) and the knowledge record;
 * 2. apply the change to the inputs; take consent and reach from the profile;
 * 3. compute the figures and evaluate every segment of the tenant (three-valued: only `true` is a member);
 * 4. write the record, the membership changes and the event's processed-marker in one transaction
 *    (revision-checked: a concurrent writer makes this start again at 1);
 * 5. set the profile's stage when the figures moved it.
 */
export async function updateCustomerKnowledge(ports: KnowledgePorts, update: KnowledgeUpdate): Promise<UpdateResult> {
  const { tenantId } = update;
  return untilUnchanged(`knowledge of customer ${update.customerId}`, async (attempt) => {
    const customer = attempt === 1 && update.customer ? update.customer : await liveCustomer(ports, tenantId, update.customerId);
    if (!customer || customer.mergedInto) return { outcome: 'missing' };
    const customerId = customer.id;
    const stored = await ports.knowledge.get(tenantId, customerId);
    const now = ports.clock.now();
    const before = stored?.record.inputs ?? emptyInputs();
    const changed = update.change ? update.change(before) : before;
    const inputs = withProfile(changed, customer, now.toISOString());
    const pending = [...(stored?.record.pendingAffinity ?? [])];
    if (update.trackAffinity && update.eventId) {
      const newProducts = Object.keys(inputs.products).filter((p) => !before.products[p]);
      if (newProducts.length > 0) {
        pending.push({ eventId: update.eventId, newProducts: newProducts.sort(), previousProducts: recentProducts(before, 50) });
      }
    }
    const { knowledge, segments } = await evaluate(ports, customer, inputs, now, update.freshSegments === true || attempt > 1);
    const activity = update.activity ? applyActivity(activityOf(stored, customer), update.activity) : stored?.record.activity;
    const record: KnowledgeRecord = {
      tenantId,
      customerId,
      inputs,
      segments,
      ...(pending.length > 0 && { pendingAffinity: pending }),
      ...(activity && { activity }),
      updatedAt: now.toISOString(),
    };
    const current = stored?.record.segments ?? [];
    const membership: MembershipChange[] = [
      ...segments.filter((id) => !current.includes(id)).map((segmentId) => ({ segmentId, customerId, change: 'add' as const })),
      ...current.filter((id) => !segments.includes(id)).map((segmentId) => ({ segmentId, customerId, change: 'remove' as const })),
    ];
    const stage = knowledge.lifecycle.value?.stage ?? customer.stage;
    // a refresh writes only what changed (and creates no record for a customer with nothing to keep)
    const same = stored
      ? membership.length === 0 && JSON.stringify(stored.record.inputs) === JSON.stringify(inputs) && pending.length === (stored.record.pendingAffinity ?? []).length
      : membership.length === 0;
    if (same && !update.eventId) {
      if (stage !== customer.stage) await ports.stages.setStage(tenantId, customerId, stage);
      return { outcome: 'unchanged' };
    }
    const outcome = await ports.knowledge.commit({
      tenantId,
      ...(update.eventId && { eventId: update.eventId }),
      puts: [{ record, expectedRev: stored ? stored.rev : null }],
      deletes: [],
      membership,
    });
    if (outcome === 'conflict') return CHANGED;
    if (outcome === 'duplicate') return { outcome: 'duplicate' };
    if (stage !== customer.stage) await ports.stages.setStage(tenantId, customerId, stage);
    return { outcome: 'updated', written: { record, rev: (stored?.rev ?? 0) + 1 } };
  }, { attempts: MAX_ATTEMPTS });
}

/** The figures and the segments the customer belongs in. */
export async function evaluate(
  ports: Pick<KnowledgePorts, 'knowledge' | 'segments'>,
  customer: Customer,
  inputs: KnowledgeInputs,
  now: Date,
  freshSegments = false,
): Promise<{ knowledge: CustomerKnowledge; segments: string[] }> {
  const [settings, stats, definitions] = await Promise.all([
    ports.knowledge.settings(customer.tenantId),
    ports.knowledge.stats(customer.tenantId),
    ports.segments.forEvaluation(customer.tenantId, freshSegments),
  ]);
  const knowledge = computeKnowledge(inputs, customer, { settings, ...(stats && { stats }), now });
  const subject = segmentSubject(knowledge, customer, inputs.consent);
  const segments = definitions.filter((d) => evaluateRule(d.rule, subject) === true).map((d) => d.id).sort();
  return { knowledge, segments };
}

/** The products the customer bought most recently, newest first. */
export function recentProducts(inputs: KnowledgeInputs, limit: number): string[] {
  return Object.entries(inputs.products)
    .sort((a, b) => (b[1].lastAt > a[1].lastAt ? 1 : b[1].lastAt < a[1].lastAt ? -1 : a[0].localeCompare(b[0])))
    .slice(0, limit)
    .map(([id]) => id);
}

/**
 * CustomersMerged: the merged customer's knowledge joins the survivor's.
 * 1. read both records; 2. add the inputs up; 3. in one transaction: the survivor's record and segment
 * changes, the merged record's deletion and its memberships' removal, the processed-marker.
 */
export async function mergeCustomerKnowledge(
  ports: KnowledgePorts,
  event: { tenantId: string; eventId: string; survivorId: string; mergedId: string },
): Promise<UpdateResult> {
  const { tenantId, survivorId, mergedId } = event;
  return untilUnchanged(`knowledge of customers ${survivorId}/${mergedId}`, async (attempt) => {
    const merged = await ports.knowledge.get(tenantId, mergedId);
    if (!merged) return updateCustomerKnowledge(ports, { tenantId, customerId: survivorId, eventId: event.eventId });
    const survivor = await ports.customers.get(tenantId, survivorId);
    if (!survivor) return { outcome: 'missing' };
    const stored = await ports.knowledge.get(tenantId, survivorId);
    const now = ports.clock.now();
    const inputs = withProfile(mergeInputs(stored?.record.inputs ?? emptyInputs(), merged.record.inputs), survivor, now.toISOString());
    const { knowledge, segments } = await evaluate(ports, survivor, inputs, now, attempt > 1);
    const current = stored?.record.segments ?? [];
    const pending = [...(stored?.record.pendingAffinity ?? []), ...(merged.record.pendingAffinity ?? [])];
    // the merged record's interactions count on the survivor (a legacy profile's figures were combined by the merge)
    const activity = merged.record.activity ? combineActivity(activityOf(stored, survivor), merged.record.activity) : stored?.record.activity;
    const outcome = await ports.knowledge.commit({
      tenantId,
      eventId: event.eventId,
      puts: [
        {
          record: {
            tenantId,
            customerId: survivorId,
            inputs,
            segments,
            ...(pending.length > 0 && { pendingAffinity: pending }),
            ...(activity && { activity }),
            updatedAt: now.toISOString(),
          },
          expectedRev: stored ? stored.rev : null,
        },
      ],
      deletes: [{ customerId: mergedId, expectedRev: merged.rev }],
      membership: [
        ...segments.filter((id) => !current.includes(id)).map((segmentId) => ({ segmentId, customerId: survivorId, change: 'add' as const })),
        ...current.filter((id) => !segments.includes(id)).map((segmentId) => ({ segmentId, customerId: survivorId, change: 'remove' as const })),
        ...merged.record.segments.map((segmentId) => ({ segmentId, customerId: mergedId, change: 'remove' as const })),
      ],
    });
    if (outcome === 'conflict') return CHANGED;
    if (outcome === 'duplicate') return { outcome: 'duplicate' };
    const stage = knowledge.lifecycle.value?.stage;
    if (stage && stage !== survivor.stage) await ports.stages.setStage(tenantId, survivorId, stage);
    return { outcome: 'updated' };
  }, { attempts: MAX_ATTEMPTS });
}

/** CustomerErased: the knowledge record and every segment membership of the person go. */
export async function forgetCustomerKnowledge(ports: KnowledgePorts, event: { tenantId: string; eventId: string; customerId: string }): Promise<UpdateResult> {
  const { tenantId, customerId } = event;
  return untilUnchanged(`knowledge of customer ${customerId}`, async () => {
    const stored = await ports.knowledge.get(tenantId, customerId);
    if (!stored) {
      // the record went first (erasure empties the customer's partition): look in every segment
      const definitions = await ports.segments.forEvaluation(tenantId, true);
      await ports.knowledge.forgetMemberships(tenantId, customerId, definitions.map((d) => d.id));
      const outcome = await ports.knowledge.commit({ tenantId, eventId: event.eventId, puts: [], deletes: [], membership: [] });
      return { outcome: outcome === 'duplicate' ? 'duplicate' : 'updated' };
    }
    const outcome = await ports.knowledge.commit({
      tenantId,
      eventId: event.eventId,
      puts: [],
      deletes: [{ customerId, expectedRev: stored.rev }],
      membership: stored.record.segments.map((segmentId) => ({ segmentId, customerId, change: 'remove' as const })),
    });
    if (outcome === 'conflict') return CHANGED;
    return { outcome: outcome === 'duplicate' ? 'duplicate' : 'updated' };
  }, { attempts: MAX_ATTEMPTS });
}

/** The figures of one customer for the API (no writes). */
export async function describeCustomerKnowledge(
  ports: Pick<KnowledgePorts, 'knowledge' | 'clock'>,
  customer: Customer,
): Promise<{ knowledge: CustomerKnowledge; consent: ConsentSummary; activity: CustomerActivity }> {
  const [stored, settings, stats] = await Promise.all([
    ports.knowledge.get(customer.tenantId, customer.id),
    ports.knowledge.settings(customer.tenantId),
    ports.knowledge.stats(customer.tenantId),
  ]);
  const now = ports.clock.now();
  const inputs = withProfile(stored?.record.inputs ?? emptyInputs(), customer, now.toISOString());
  return {
    knowledge: computeKnowledge(inputs, customer, { settings, ...(stats && { stats }), now }),
    consent: inputs.consent,
    activity: activityOf(stored, customer),
  };
}

/** The activity figures of customers listed together (a lookup or a name search): one batch read. */
export async function activityOfCustomers(ports: Pick<KnowledgePorts, 'knowledge'>, customers: Customer[]): Promise<Customer[]> {
  if (customers.length === 0) return customers;
  const records = await ports.knowledge.getMany(customers[0]!.tenantId, customers.map((c) => c.id));
  return customers.map((c) => ({ ...c, activity: activityOf(records.get(c.id), c) }));
}
