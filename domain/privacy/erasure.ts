/**
 * Erasure (the right to be forgotten) as a resumable job.
 *
 * An admin asks to erase a customer: every item of the person goes, across every entity type and index,
 * merged-away records included (store/keys.ts ENTITIES says how each entity is reached; the adapter
 * adapters/privacy/dynamo-erasure.ts implements one strategy per kind). What stays:
 * - a suppression tombstone per identity (e-mail, phone, channel + external id), as a keyed hash
 *   (`identityFingerprint`: HMAC-SHA-256 under the tenant's salt and the configured pepper), so the person is
 *   never targeted again: a later webhook or sign-up of theirs makes a customer flagged `suppressed`, kept to
 *   serve them (a complaint still reaches service) but never profiled, contacted or given a consent
 *   (domain/consent/consent.ts gates). We create-and-flag rather than refuse, because refusing would drop a
 *   person's complaint or order on the floor and make the platforms retry;
 * - the entities kept on purpose (`RETAINED`), each with its reason.
 *
 * The job runs in steps (phases below) on the `erasure` queue; each step works until its deadline, saves
 * where it is on the request, and hands on (ErasureRequested) — so any size of history finishes, and a crash
 * repeats at most one page. Every step is idempotent, so repeating the whole erasure is safe.
 */
import { createHmac, createHash } from 'node:crypto';
import { buildEvent, CustomerErased, ErasureRequested } from '../../events/catalog.js';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { normaliseEmail, normalisePhone } from '../customers/index.js';
import { Conflict, NotFound } from '../shared/errors.js';
import type { Customer } from '../shared/model.js';
import type { AuditLog, Clock, EventPublisher } from '../shared/ports.js';
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';

/**
 * Entities erasure keeps on purpose ('retained-pseudonymous' in the registry), and why. Each holds ids and
 * codes only, never a name, e-mail, phone or text; after erasure nothing links those ids to a person.
 */
export const RETAINED: Readonly<Record<string, string>> = {
  AuditEntry:
    'the legal record of who did what (consent changes, merges, exports, the erasure itself): actor ids, action codes and the customer id as target, with details redacted of anything personal-looking when written (domain/audit/audit.ts)',
  SuppressionTombstone:
    'keyed hashes of the erased identities, so the person is never targeted again; the hash cannot be reversed without the tenant salt and the pepper',
  ErasureRequest: 'the proof the erasure was done: the request, its status and counts per entity type, with the customer id only',
  CampaignAudiencePage: 'the audience a campaign was launched to, as customer ids only: the run and its measurement (holdout, uplift) need the fixed list, and the send ledger and profile it pointed at are erased',
  CampaignAttribution: 'orders attributed to a campaign, as customer and order ids with amounts only: the campaign results and finance need them after the person is gone',
};

export const AUDIT_ERASURE_REQUESTED = 'customer.erasure_requested';

// ---- suppression fingerprints ----

/** An identity as erasure and suppression see it. */
export interface IdentityRef {
  channel: string;
  externalId: string;
}

/** The identity in the one form every writer uses: lower-case e-mail, E.164 phone, other ids as sent. */
export function normaliseIdentity(identity: IdentityRef): IdentityRef {
  const externalId = identity.externalId.trim();
  if (identity.channel === 'email') return { channel: 'email', externalId: normaliseEmail(externalId) };
  if (identity.channel === 'phone') {
    try {
      return { channel: 'phone', externalId: normalisePhone(externalId) };
    } catch {
      return { channel: 'phone', externalId };
    }
  }
  return { channel: identity.channel, externalId };
}

/** The key fingerprints are made with: the configured pepper and the tenant's own salt. */
export function fingerprintKey(pepper: string, tenantSalt: string): Buffer {
  return createHash('sha256').update(pepper, 'utf8').update('\u0000').update(tenantSalt, 'utf8').digest();
}

/** HMAC-SHA-256 of the normalised identity: what a suppression tombstone is keyed by. */
export function identityFingerprint(key: Buffer, identity: IdentityRef): string {
  const { channel, externalId } = normaliseIdentity(identity);
  return createHmac('sha256', key).update(`${channel}\u0000${externalId}`, 'utf8').digest('hex');
}

// ---- the request ----

export const ERASURE_PHASES = ['suppress', 'profiles', 'partitions', 'indexed', 'memberships', 'verify', 'done'] as const;
export type ErasurePhase = (typeof ERASURE_PHASES)[number];
export type ErasureCounts = Record<string, number>;

export interface ErasureRequest {
  requestId: string;
  tenantId: string;
  customerId: string;
  status: 'pending' | 'running' | 'done';
  phase: ErasurePhase;
  /** The customer and every customer merged into it: the partitions and indexes to empty (ids only). */
  subjects: string[];
  /** Where the partition phase stopped: the subject's index and the last sort key deleted. */
  cursor?: { subject: number; after?: string };
  /** Items erased per entity type, over every run. */
  counts: ErasureCounts;
  /** How many times the erasure was requested. */
  runs: number;
  /** Passes over the partitions in this run (a verify that finds late writes starts another). */
  sweeps: number;
  requestedAt: string;
  requestedBy: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ErasureRequests {
  get(tenantId: string, requestId: string): Promise<{ request: ErasureRequest; rev: number } | undefined>;
  /** Writes the request if its revision is still `expectedRev` (null: it must not exist); false otherwise. */
  put(request: ErasureRequest, expectedRev: number | null): Promise<boolean>;
}

/** Where the person's data lives, per strategy of the registry (adapters/privacy/dynamo-erasure.ts). */
export interface PersonalDataEraser {
  /** The customer and every customer merged into it (mergedFrom, transitively), as stored. */
  person(tenantId: string, customerId: string): Promise<Customer[]>;
  /** Writes the tombstones of these identities (keeps an existing one); answers how many are new. */
  suppress(tenantId: string, identities: IdentityRef[], at: string): Promise<number>;
  /** 'identity-items': deletes the identity items that still point at one of the subjects. */
  eraseIdentities(tenantId: string, identities: IdentityRef[], subjects: string[]): Promise<ErasureCounts>;
  /** The profile items (so consumers stop writing for the person before the rest goes). */
  eraseProfiles(tenantId: string, subjects: string[]): Promise<ErasureCounts>;
  /** 'customer-partition' and 'by-reference': one page of a subject's partition and what its items point at. */
  erasePartitionPage(tenantId: string, subject: string, subjects: string[], after?: string): Promise<{ counts: ErasureCounts; next?: string }>;
  /** 'customer-index': what the subject's person index lists. */
  eraseIndexed(tenantId: string, subject: string, subjects: string[]): Promise<ErasureCounts>;
  /** 'segment-membership': the subject's member item in every segment. */
  eraseMemberships(tenantId: string, subject: string): Promise<ErasureCounts>;
  /** Items still in the subjects' partitions and person indexes (written while the job ran). */
  remaining(tenantId: string, subjects: string[]): Promise<number>;
}

/**
 * Stores outside the table that can hold a person's data (locally: the outbox of e-mails, messages and replies;
 * in AWS the providers keep their own logs, not ours): erased with the rest, in the first step, while the
 * person's identities are still known.
 */
export interface PersonalArtefacts {
  name: string;
  /** Removes what names one of the subjects or identities; answers how many artefacts went. */
  erase(tenantId: string, subjects: string[], identities: IdentityRef[]): Promise<number>;
}

export interface ErasurePorts {
  requests: ErasureRequests;
  eraser: PersonalDataEraser;
  artefacts?: readonly PersonalArtefacts[];
  publisher: EventPublisher;
  audit: AuditLog;
  clock: Clock;
}

/** One request per customer: repeating an erasure finds the same request. */
export function erasureRequestId(tenantId: string, customerId: string): string {
  return `er-${createHash('sha256').update(`${tenantId}\u0000${customerId}`, 'utf8').digest('hex').slice(0, 32)}`;
}

function erasureStep(tenantId: string, correlationId: string, eventId: string, request: Pick<ErasureRequest, 'customerId' | 'requestId'>) {
  return buildEvent(
    ErasureRequested,
    { tenantId, eventId, occurredAt: new Date().toISOString(), correlationId },
    { customerId: request.customerId, requestId: request.requestId },
  );
}

const MAX_ATTEMPTS = 5;

/**
 * An admin asks to erase a customer (POST /v1/customers/{id}/erasure).
 * 1. the customer must exist (404), unless it was erased before (a repeat); a merged-away record points at
 *    the person's current record (409 naming it: erase that one, which takes this one too);
 * 2. write the request (pending; a repeat of a finished one starts a new run, a running one just goes on);
 * 3. audit the request (ids only); 4. publish the first step (ErasureRequested).
 */
export async function requestErasure(
  ports: Pick<ErasurePorts, 'requests' | 'eraser' | 'publisher' | 'audit' | 'clock'>,
  ctx: { tenantId: string; correlationId: string; actor: string },
  customerId: string,
): Promise<ErasureRequest> {
  const { tenantId } = ctx;
  const requestId = erasureRequestId(tenantId, customerId);
  return untilUnchanged(`erasure request ${requestId}`, async () => {
    const existing = await ports.requests.get(tenantId, requestId);
    if (!existing) {
      const [customer] = await ports.eraser.person(tenantId, customerId);
      if (!customer) throw new NotFound('Customer not found');
      if (customer.mergedInto) {
        throw new Conflict(`Customer ${customerId} was merged into ${customer.mergedInto}: erase that customer`, { mergedInto: customer.mergedInto });
      }
    }
    const now = ports.clock.now().toISOString();
    const request: ErasureRequest =
      existing && existing.request.status !== 'done'
        ? existing.request
        : {
            requestId,
            tenantId,
            customerId,
            status: 'pending',
            phase: 'suppress',
            subjects: existing?.request.subjects ?? [customerId],
            counts: existing?.request.counts ?? {},
            runs: (existing?.request.runs ?? 0) + 1,
            sweeps: 0,
            requestedAt: now,
            requestedBy: ctx.actor,
          };
    if (request !== existing?.request && !(await ports.requests.put(request, existing ? existing.rev : null))) return CHANGED;
    await recordAudit(ports.audit, {
      tenantId,
      actor: ctx.actor,
      action: AUDIT_ERASURE_REQUESTED,
      targetId: customerId,
      targetType: 'customer',
      at: now,
      details: { requestId, run: request.runs },
    });
    await ports.publisher.publish([erasureStep(tenantId, ctx.correlationId, `erasure-step:${requestId}:${request.runs}:start:${now}`, request)]);
    return request;
  }, { attempts: MAX_ATTEMPTS });
}

const MAX_SWEEPS = 3;

function add(counts: ErasureCounts, more: ErasureCounts): ErasureCounts {
  const total = { ...counts };
  for (const [entity, n] of Object.entries(more)) if (n > 0) total[entity] = (total[entity] ?? 0) + n;
  return total;
}

function identitiesOf(profiles: Customer[]): IdentityRef[] {
  const seen = new Map<string, IdentityRef>();
  for (const p of profiles) for (const i of p.identities) seen.set(`${i.channel}\u0000${i.externalId}`, { channel: i.channel, externalId: i.externalId });
  return [...seen.values()];
}

/** One phase's worth of work (or one page of it): the request as it is after. */
async function advance(ports: ErasurePorts, request: ErasureRequest): Promise<ErasureRequest> {
  const { tenantId } = request;
  const now = ports.clock.now().toISOString();
  switch (request.phase) {
    case 'suppress': {
      // before anything is deleted: the tombstones first, so a webhook arriving meanwhile is flagged
      const profiles = await ports.eraser.person(tenantId, request.customerId);
      const subjects = [...new Set([...request.subjects, request.customerId, ...profiles.map((p) => p.id)])];
      const identities = identitiesOf(profiles);
      await ports.eraser.suppress(tenantId, identities, now);
      let erased = await ports.eraser.eraseIdentities(tenantId, identities, subjects);
      for (const store of ports.artefacts ?? []) erased = add(erased, { [store.name]: await store.erase(tenantId, subjects, identities) });
      return { ...request, subjects, phase: 'profiles', counts: add(request.counts, erased) };
    }
    case 'profiles': {
      const erased = await ports.eraser.eraseProfiles(tenantId, request.subjects);
      const { cursor: _cursor, ...rest } = request;
      return { ...rest, phase: 'partitions', counts: add(request.counts, erased) };
    }
    case 'partitions': {
      const cursor = request.cursor ?? { subject: 0 };
      const subject = request.subjects[cursor.subject];
      const { cursor: _cursor, ...rest } = request;
      if (subject === undefined) return { ...rest, phase: 'indexed' };
      const page = await ports.eraser.erasePartitionPage(tenantId, subject, request.subjects, cursor.after);
      const next = page.next !== undefined ? { subject: cursor.subject, after: page.next } : { subject: cursor.subject + 1 };
      return { ...rest, cursor: next, counts: add(request.counts, page.counts) };
    }
    case 'indexed': {
      let counts = request.counts;
      for (const subject of request.subjects) counts = add(counts, await ports.eraser.eraseIndexed(tenantId, subject, request.subjects));
      return { ...request, phase: 'memberships', counts };
    }
    case 'memberships': {
      let counts = request.counts;
      for (const subject of request.subjects) counts = add(counts, await ports.eraser.eraseMemberships(tenantId, subject));
      return { ...request, phase: 'verify', counts };
    }
    case 'verify': {
      // a consumer or webhook may have written for the person while the job ran: sweep again
      const remaining = await ports.eraser.remaining(tenantId, request.subjects);
      if (remaining > 0 && request.sweeps < MAX_SWEEPS) return { ...request, phase: 'profiles', sweeps: request.sweeps + 1 };
      return { ...request, phase: 'done' };
    }
    case 'done':
      return request;
  }
}

export type StepOutcome = 'done' | 'continue' | 'superseded' | 'missing';

/**
 * One step of the job (the erasure consumer, on ErasureRequested).
 * 1. load the request (missing → nothing; done → nothing);
 * 2. advance phase by phase — suppress (tombstones, then identity items), profiles, partitions (page by
 *    page, with what the timeline items reference), person indexes, segment memberships, verify (late
 *    writes → sweep again) — saving the request after each, until the deadline;
 * 3. done: publish CustomerErased for the customer and each merged-away record, audit `customer.erased`
 *    (counts only), mark the request done. Not done by the deadline → 'continue': the caller publishes the
 *    next step. Another worker saved first → 'superseded' (it goes on).
 */
export async function runErasureStep(
  ports: ErasurePorts,
  ctx: { tenantId: string; correlationId: string },
  requestId: string,
  deadline: number,
): Promise<StepOutcome> {
  const loaded = await ports.requests.get(ctx.tenantId, requestId);
  if (!loaded) return 'missing';
  if (loaded.request.status === 'done') return 'done';
  let rev = loaded.rev;
  let request: ErasureRequest = { ...loaded.request, status: 'running', startedAt: loaded.request.startedAt ?? ports.clock.now().toISOString() };

  while (request.phase !== 'done') {
    if (Date.now() >= deadline) {
      if (!(await ports.requests.put(request, rev))) return 'superseded';
      await ports.publisher.publish([
        erasureStep(ctx.tenantId, ctx.correlationId, `erasure-step:${requestId}:${request.runs}:${request.phase}:${request.sweeps}:${JSON.stringify(request.cursor ?? {})}`, request),
      ]);
      return 'continue';
    }
    request = await advance(ports, request);
    if (!(await ports.requests.put(request, rev))) return 'superseded';
    rev += 1;
  }

  const at = ports.clock.now().toISOString();
  await ports.publisher.publish(
    request.subjects.map((customerId) =>
      buildEvent(
        CustomerErased,
        { tenantId: ctx.tenantId, eventId: `customer-erased:${requestId}:${request.runs}:${customerId}`, occurredAt: at, correlationId: ctx.correlationId },
        { customerId, requestId },
      ),
    ),
  );
  await recordAudit(ports.audit, {
    tenantId: ctx.tenantId,
    actor: 'system:erasure',
    action: AUDIT_ACTIONS.customerErased,
    targetId: request.customerId,
    targetType: 'customer',
    at,
    details: { requestId, run: request.runs, mergedRecords: request.subjects.length - 1, ...request.counts },
  });
  const done: ErasureRequest = { ...request, status: 'done', finishedAt: at };
  return (await ports.requests.put(done, rev)) ? 'done' : 'superseded';
}
