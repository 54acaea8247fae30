/**
 * Merging two customer records that turned out to be one person. The survivor keeps its id; the other
 * becomes a tombstone `{ mergedInto: survivorId }`.
 *
 * A merge is a sequence of steps that are each safe to repeat, so a merge that fails (or runs out of time)
 * half way is finished by asking again with the same two ids:
 *  1. mark the merged record as a tombstone pointing at the survivor (it leaves the stage index at once);
 *  2. move its timeline to the survivor, a page per transaction (copy with the same sort key, delete the
 *     original, repoint the interaction's dedupe reference);
 *  3. add its identities, activity figures and profile to the survivor (once: `mergedFrom` remembers it);
 *  4. repoint its identities, so lookups and new deliveries find the survivor;
 *  5. move the timeline again (what arrived for the old record while steps 2-4 ran);
 *  6. record the merge on both timelines (type `merge`);
 *  7. publish CustomersMerged (a fixed event id, so a re-publish is recognisable);
 *  8. complete the tombstone: the personal data left on it goes (it lives on the survivor now).
 * Identities move late on purpose: until step 4 a delivery for the person still reports both customers as
 * conflicting, so an automatic merge that failed earlier is started again by the next delivery.
 */
import { buildEvent, CustomersMerged, Stage } from '../../events/catalog.js';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { Conflict, InvalidInput, NotFound } from '../shared/errors.js';
import type { ConsentState, ConsentSummary, Customer, CustomerActivity, Identity } from '../shared/model.js';
import type { Clock, EventPublisher } from '../shared/ports.js';

export interface MergeRequest {
  survivorId: string;
  mergedId: string;
  /** Why: `manual` by default, `shared-identity` when identity resolution found two customers for one person. */
  reason: string;
}

export interface MergeOutcome {
  survivorId: string;
  mergedId: string;
  reason: string;
  mergedAt: string;
  /** `in_progress`: the time budget ran out; the same request again carries on where this one stopped. */
  status: 'completed' | 'in_progress';
}

/** A timeline entry the merge writes: one per customer, with the same key parts on both. */
export interface MergeRecord {
  type: 'merge';
  occurredAt: string;
  itemId: string;
  data: { survivorId: string; mergedId: string; reason: string };
}

export interface MergeStore {
  /** The profile as stored (tombstones included), read consistently. */
  get(tenantId: string, customerId: string): Promise<Customer | undefined>;
  /**
   * Step 1: the merged record becomes a tombstone pointing at the survivor, off the stage index, its data
   * otherwise kept until step 8. Answers the record as stored; Conflict when another merge claimed it.
   */
  markMerged(tenantId: string, mergedId: string, survivorId: string, merge: { at: string; reason: string }): Promise<Customer>;
  /**
   * Moves one page of `fromId`'s timeline to `toId` in one transaction (at most 100 items a transaction),
   * leaving the record of this very merge where it is. `after`: where the previous page stopped. Answers
   * where to carry on, or undefined when the timeline has been read to its end.
   */
  moveTimelinePage(tenantId: string, fromId: string, toId: string, after?: string): Promise<{ moved: number; next?: string }>;
  /** Optimistic read-modify-write of a profile; undefined when it does not exist. */
  updateProfile(tenantId: string, customerId: string, change: (customer: Customer) => Customer): Promise<Customer | undefined>;
  /** Points an identity at `toId` if it points at `fromId` (or nowhere). Answers false when a third customer holds it. */
  repointIdentity(tenantId: string, identity: Pick<Identity, 'channel' | 'externalId'>, fromId: string, toId: string): Promise<boolean>;
  putTimelineRecord(tenantId: string, customerId: string, record: MergeRecord): Promise<void>;
  /** Step 8: strips what is personal from the tombstone and marks the merge complete. */
  completeMerge(tenantId: string, mergedId: string, completedAt: string): Promise<void>;
}

export interface MergePorts {
  merges: MergeStore;
  publisher: EventPublisher;
  clock: Clock;
  /** The audit trail (domain/audit/audit.ts), when the deployment has one. */
  audit?: Parameters<typeof recordAudit>[0];
}

export interface MergeContext {
  tenantId: string;
  correlationId: string;
  /** Who asked: a user's token subject, or `system:identity-resolution`. */
  actor: string;
  /** Epoch ms after which no new page or step is started (the function's own timeout minus a margin). */
  deadline?: number;
}

export const MERGE_REASONS = { manual: 'manual', sharedIdentity: 'shared-identity' } as const;

// ---------------------------------------------------------------------------------------------------------
// Rules (pure)

/** Counts per channel add up; "last seen" is the later of the two. */
export function combineActivity(a: CustomerActivity, b: CustomerActivity): CustomerActivity {
  const counts: Record<string, number> = { ...a.interactionsByChannel };
  for (const [channel, n] of Object.entries(b.interactionsByChannel)) counts[channel] = (counts[channel] ?? 0) + n;
  const last = [a.lastInteractionAt, b.lastInteractionAt].filter((t): t is string => t !== undefined).sort().at(-1);
  return { ...(last !== undefined && { lastInteractionAt: last }), interactionsByChannel: counts };
}

/** Both lists, each (channel, externalId) once: the survivor's entry wins, dated by the earlier sighting. */
export function joinIdentities(survivor: Identity[], merged: Identity[]): Identity[] {
  const keyOf = (i: Identity) => `${i.channel}|${i.externalId}`;
  const result = survivor.map((i) => ({ ...i }));
  const index = new Map(result.map((i, n) => [keyOf(i), n]));
  for (const identity of merged) {
    const at = index.get(keyOf(identity));
    if (at === undefined) {
      index.set(keyOf(identity), result.length);
      result.push({ ...identity });
      continue;
    }
    const kept = result[at]!;
    result[at] = {
      ...identity,
      ...kept,
      firstSeenAt: kept.firstSeenAt < identity.firstSeenAt ? kept.firstSeenAt : identity.firstSeenAt,
    };
  }
  return result;
}

/** The lifecycle stage further along (prospect < lead < customer < repeat < loyal < advocate). */
export function furtherStage(a: Stage, b: Stage): Stage {
  const order = Stage.options;
  return order.indexOf(b) > order.indexOf(a) ? b : a;
}

/**
 * Consent per purpose and channel: the person's latest decision counts, whichever record it was made on;
 * on the same instant a withdrawal wins (never contact someone on a tie).
 */
export function combineConsent(a: ConsentSummary | undefined, b: ConsentSummary | undefined): ConsentSummary | undefined {
  if (!a || !b) return a ?? b;
  const later = (x: ConsentState | undefined, y: ConsentState | undefined): ConsentState | undefined => {
    if (!x || !y) return x ?? y;
    if (x.at !== y.at) return x.at > y.at ? x : y;
    return x.status === 'withdrawn' ? x : y;
  };
  const channels = new Set([...Object.keys(a.marketing ?? {}), ...Object.keys(b.marketing ?? {})]) as Set<keyof NonNullable<ConsentSummary['marketing']>>;
  const marketing = Object.fromEntries([...channels].map((c) => [c, later(a.marketing?.[c], b.marketing?.[c])]));
  const profiling = later(a.social_profiling, b.social_profiling);
  return { ...(profiling && { social_profiling: profiling }), ...(channels.size > 0 && { marketing }) };
}

/** Fields of the merged record that never carry over: its own identity and merge bookkeeping. */
const NOT_CARRIED = new Set<keyof Customer>(['id', 'tenantId', 'mergedInto', 'merge', 'mergedFrom', 'updatedAt']);

/**
 * The survivor after absorbing the merged record. The survivor's own values win; a field only the merged
 * record has is taken over; identities, activity, stage, consent, tags and creation date combine. Applying
 * it twice changes nothing (`mergedFrom`).
 */
export function absorb(survivor: Customer, merged: Customer): Customer {
  if (survivor.mergedFrom?.includes(merged.id)) return survivor;
  const carried = Object.fromEntries(Object.entries(merged).filter(([k]) => !NOT_CARRIED.has(k as keyof Customer)));
  const consent = combineConsent(survivor.consentSummary, merged.consentSummary);
  const tags = [...new Set([...(survivor.tags ?? []), ...(merged.tags ?? [])])];
  return {
    ...(carried as Partial<Customer>),
    ...survivor,
    stage: furtherStage(survivor.stage, merged.stage),
    identities: joinIdentities(survivor.identities, merged.identities),
    activity: combineActivity(survivor.activity, merged.activity),
    ...(consent && { consentSummary: consent }),
    ...(tags.length > 0 && { tags }),
    createdAt: survivor.createdAt < merged.createdAt ? survivor.createdAt : merged.createdAt,
    mergedFrom: [...(survivor.mergedFrom ?? []), merged.id],
  };
}

export function mergeRecord(survivorId: string, mergedId: string, reason: string, at: string): MergeRecord {
  // keyed by the merged id: one customer is merged once, so repeating a step rewrites the same item
  return { type: 'merge', occurredAt: at, itemId: mergedId, data: { survivorId, mergedId, reason } };
}

export function customersMergedEvent(ctx: Pick<MergeContext, 'tenantId' | 'correlationId'>, request: MergeRequest, at: string) {
  return buildEvent(
    CustomersMerged,
    { tenantId: ctx.tenantId, eventId: `customers-merged-${request.mergedId}`, occurredAt: at, correlationId: ctx.correlationId },
    { survivorId: request.survivorId, mergedId: request.mergedId, reason: request.reason },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The use case

/** Merges `mergedId` into `survivorId` (see the steps above). Repeating a completed merge answers it again. */
export async function mergeCustomers(ports: MergePorts, ctx: MergeContext, request: MergeRequest): Promise<MergeOutcome> {
  const { tenantId } = ctx;
  const { survivorId, mergedId } = request;
  if (survivorId === mergedId) throw new InvalidInput('A customer cannot be merged with itself');
  const [survivor, merged] = await Promise.all([ports.merges.get(tenantId, survivorId), ports.merges.get(tenantId, mergedId)]);
  if (!survivor) throw new NotFound('Customer not found');
  if (!merged) throw new NotFound('The customer to merge with was not found');
  if (survivor.mergedInto) {
    throw new Conflict(`Customer ${survivorId} was itself merged into ${survivor.mergedInto}: merge into that one`);
  }
  if (merged.mergedInto && merged.mergedInto !== survivorId) {
    throw new Conflict(`Customer ${mergedId} was already merged into ${merged.mergedInto}`);
  }
  if (merged.merge?.completedAt) return outcome(survivorId, merged, 'completed');

  // 1. the tombstone (a repeat finds it and carries on with the first request's time and reason)
  const marked = merged.mergedInto
    ? merged
    : await ports.merges.markMerged(tenantId, mergedId, survivorId, { at: ports.clock.now().toISOString(), reason: request.reason });
  const at = marked.merge?.at ?? ports.clock.now().toISOString();
  const reason = marked.merge?.reason ?? request.reason;
  const overdue = () => ctx.deadline !== undefined && ports.clock.now().getTime() > ctx.deadline;

  // 2. the timeline
  if (!(await moveTimeline(ports, ctx, mergedId, survivorId, overdue))) return outcome(survivorId, marked, 'in_progress');
  // 3. the survivor absorbs the profile
  const updated = await ports.merges.updateProfile(tenantId, survivorId, (s) => absorb(s, marked));
  if (!updated) throw new NotFound('Customer not found');
  // 4. the identities
  for (const identity of marked.identities) {
    if (overdue()) return outcome(survivorId, marked, 'in_progress');
    await ports.merges.repointIdentity(tenantId, identity, mergedId, survivorId);
  }
  // 5. what arrived meanwhile
  if (!(await moveTimeline(ports, ctx, mergedId, survivorId, overdue))) return outcome(survivorId, marked, 'in_progress');
  // 6. the record on both timelines
  const record = mergeRecord(survivorId, mergedId, reason, at);
  await Promise.all([ports.merges.putTimelineRecord(tenantId, survivorId, record), ports.merges.putTimelineRecord(tenantId, mergedId, record)]);
  // 7. the event
  await ports.publisher.publish([customersMergedEvent(ctx, { survivorId, mergedId, reason }, at)]);
  // the audit entry before completing: a retry may write it twice, but it is never missing
  if (ports.audit) {
    await recordAudit(ports.audit, {
      tenantId,
      actor: ctx.actor,
      action: AUDIT_ACTIONS.customerMerged,
      targetId: survivorId,
      targetType: 'customer',
      at,
      details: { mergedId, reason, identities: marked.identities.length },
    });
  }
  // 8. the tombstone keeps nothing personal
  await ports.merges.completeMerge(tenantId, mergedId, ports.clock.now().toISOString());
  return { survivorId, mergedId, reason, mergedAt: at, status: 'completed' };
}

async function moveTimeline(ports: MergePorts, ctx: MergeContext, fromId: string, toId: string, overdue: () => boolean): Promise<boolean> {
  let after: string | undefined;
  do {
    if (overdue()) return false;
    ({ next: after } = await ports.merges.moveTimelinePage(ctx.tenantId, fromId, toId, after));
  } while (after !== undefined);
  return true;
}

function outcome(survivorId: string, merged: Customer, status: MergeOutcome['status']): MergeOutcome {
  return { survivorId, mergedId: merged.id, reason: merged.merge?.reason ?? MERGE_REASONS.manual, mergedAt: merged.merge?.at ?? '', status };
}

/**
 * The hook identity resolution calls (domain/social/interactions.ts `onConflict`): the customers that also hold one
 * of the person's identities are merged into the one the delivery is recorded on. A merge that cannot be
 * made automatically (one side already merged elsewhere) is left for a person to decide; any other failure
 * fails the delivery, so the platform's retry starts the merge again (the conflict is still visible until
 * the identities moved, step 4).
 */
export function mergeOnSharedIdentity(ports: MergePorts) {
  return async (conflict: { tenantId: string; correlationId: string; customerId: string; conflicts: string[] }): Promise<void> => {
    for (const otherId of conflict.conflicts) {
      try {
        await mergeCustomers(
          ports,
          { tenantId: conflict.tenantId, correlationId: conflict.correlationId, actor: 'system:identity-resolution' },
          { survivorId: conflict.customerId, mergedId: otherId, reason: MERGE_REASONS.sharedIdentity },
        );
      } catch (error) {
        if (error instanceof Conflict || error instanceof NotFound) continue;
        throw error;
      }
    }
  };
}
