/**
 * The loyalty engine's use cases. Each change to an account is applied from one *source* (an event id, a
 * redemption's idempotency key, an adjustment id) exactly once: the account is written with a revision check
 * together with the source's marker, and the marker carries what must follow (events to publish, messages to
 * send) until that is done: an outbox per source, so a crash after the write loses nothing and a redelivery
 * sends nothing twice.
 */
import { CHANGED, jitter, untilUnchanged } from '../shared/optimistic.js';
import { createHash } from 'node:crypto';
import type { OutgoingEvent } from '../../events/catalog.js';
import { BadgeEarned, buildEvent, PointsAwarded, PointsExpired, PointsRedeemed, ReferralCompleted, TierChanged } from '../../events/catalog.js';
import { Conflict, InvalidInput, NotFound } from '../shared/errors.js';
import type { Customer } from '../shared/model.js';
import { survivorOf } from '../shared/customer.js';
import type { Clock, EventPublisher } from '../shared/ports.js';
import type { MessageSender, OutgoingMessage } from '../shared/messaging.js';
import { sendWithRetry } from '../shared/messaging.js';
import {
  addCredit,
  applyAction,
  applyExpiry,
  applyPurchase,
  applyRefund,
  applyRetraction,
  balances,
  enrol,
  newAccount,
  settle,
  type LoyaltyAccount,
  type Outcome,
} from './account.js';
import { debit, expiringWithin, InsufficientPoints, restore, type Draw, type LedgerEntry } from './ledger.js';
import { actionOfInteraction, DEFAULT_PROGRAM, ProgramInput, type LoyaltyAction, type Program } from './program.js';
import {
  countReferralRewarded,
  nextDue,
  normaliseReferralCode,
  orderPaid,
  orderRefunded,
  referralCodeFor,
  referralDue,
  referralSettled,
  referred,
  referrerCapAllows,
} from './referrals.js';

export interface Reward {
  rewardId: string;
  name: string;
  cost: number;
  /** Units left; absent: unlimited. */
  stock?: number;
  validFrom?: string;
  validUntil?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Redemption {
  redemptionId: string;
  customerId: string;
  rewardId: string;
  points: number;
  status: 'completed' | 'cancelled';
  draws: Draw[];
  at: string;
  cancelledAt?: string;
}

/** What follows a committed change, kept on the source's marker until it is done. */
export interface Outbox {
  events: OutgoingEvent[];
  messages: OutgoingMessage[];
}

export interface AccountChange {
  tenantId: string;
  customerId: string;
  sourceId: string;
  /** The revision read; the write fails if the account moved on (0: not created yet). */
  rev: number;
  account: LoyaltyAccount;
  entries: LedgerEntry[];
  outbox: Outbox;
  /** A redemption written with the change (and the reward's stock taken in the same transaction). */
  redemption?: Redemption;
  stock?: { rewardId: string; delta: -1 | 1 };
  /** When the account next needs the scheduled job (a lot's expiry, a referral's window), for its index. */
  nextExpiry?: string;
  /** A member's new referral code, registered with the change (the write fails if another member holds it). */
  referralCode?: string;
}

export type CommitResult = 'committed' | 'duplicate' | 'changed' | 'out_of_stock' | 'code_taken';

export interface LoyaltyStore {
  program(tenantId: string): Promise<Program | undefined>;
  /** Writes a new version if the stored one is still `expectedVersion` (0: none yet). */
  putProgram(tenantId: string, program: Program, expectedVersion: number): Promise<boolean>;
  account(tenantId: string, customerId: string): Promise<{ account: LoyaltyAccount; rev: number } | undefined>;
  commit(change: AccountChange): Promise<CommitResult>;
  /** A source's marker: whether it was applied, and its outbox while undelivered. */
  source(tenantId: string, customerId: string, sourceId: string): Promise<{ outbox?: Outbox; delivered: boolean; result?: unknown } | undefined>;
  markDelivered(tenantId: string, customerId: string, sourceId: string): Promise<void>;
  /**
   * Takes the right to deliver a source's outbox for `leaseMs`: false while another delivery holds it (or it is
   * done), so parallel redeliveries send a message once.
   */
  claimDelivery(tenantId: string, customerId: string, sourceId: string, leaseMs: number): Promise<boolean>;
  ledger(tenantId: string, customerId: string, limit: number, cursor?: string): Promise<{ items: LedgerEntry[]; nextCursor: string | null }>;
  reward(tenantId: string, rewardId: string): Promise<Reward | undefined>;
  putReward(tenantId: string, reward: Reward): Promise<void>;
  rewards(tenantId: string): Promise<Reward[]>;
  redemption(tenantId: string, customerId: string, redemptionId: string): Promise<Redemption | undefined>;
  /** Accounts with a lot expiring before `until`, through the expiry index (never a scan). */
  accountsExpiringBefore(tenantId: string, until: string): Promise<string[]>;
  /** Tenants with loyalty accounts (the expiry job's list). */
  tenants(): Promise<string[]>;
  /** The member a referral code belongs to (one GetItem). */
  referrer(tenantId: string, code: string): Promise<string | undefined>;
}

export interface LoyaltyPorts {
  store: LoyaltyStore;
  customers: { get(tenantId: string, customerId: string): Promise<Customer | undefined> };
  publisher: EventPublisher;
  messages: MessageSender;
  clock: Clock;
  /** Records the program's terms in the consent ledger (purpose `loyalty`) when a member joins; a repeat records nothing. */
  recordTerms?: (ctx: LoyaltyContext, customerId: string, terms: { version: string; acceptedAt: string }) => Promise<void>;
}

export interface LoyaltyContext {
  tenantId: string;
  correlationId: string;
}

const MAX_ATTEMPTS = 25;
const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);
const entryIdOf = (sourceId: string, n = 0) => `${hash(sourceId)}-${n}`;

export async function programOf(store: LoyaltyStore, tenantId: string): Promise<Program> {
  return (await store.program(tenantId)) ?? DEFAULT_PROGRAM;
}

/** PUT /v1/settings/loyalty: validated, and each change a new version. */
export async function updateProgram(store: LoyaltyStore, tenantId: string, input: unknown, now: Date): Promise<Program> {
  const parsed = ProgramInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`loyalty program: ${issue.path.join('.') || '(body)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  return untilUnchanged('the loyalty program', async () => {
    const current = await store.program(tenantId);
    const version = (current?.version ?? 0) + 1;
    const program: Program = { ...parsed.data, version, updatedAt: now.toISOString() };
    if (await store.putProgram(tenantId, program, current?.version ?? 0)) return program;
    return CHANGED;
  }, { attempts: 5 });
}

/**
 * Applies one source to a customer's account, exactly once.
 * 1. a source already applied only finishes its outbox;
 * 2. read the account (a new one for a first-timer), the program and the customer;
 * 3. decide the outcome (pure), and write account + marker + ledger entries conditionally;
 * 4. someone else wrote meanwhile: read again (with jitter); a duplicate: finish its outbox;
 * 5. publish the outcome's events and send its messages, then mark the source delivered.
 */
async function applySource(
  ports: LoyaltyPorts,
  ctx: LoyaltyContext,
  customerId: string,
  sourceId: string,
  decide: (state: { account: LoyaltyAccount; program: Program; customer: Customer; exists: boolean }) => Outcome | undefined,
  extra?: (
    outcome: Outcome,
    account: LoyaltyAccount,
    customer: Customer,
  ) => Partial<Pick<AccountChange, 'redemption' | 'stock'>> & { messages?: OutgoingMessage[]; events?: OutgoingEvent[] },
  /** What the caller already read, used by the first attempt instead of reading it again (a race reads afresh). */
  known?: { stored: Awaited<ReturnType<LoyaltyStore['account']>>; customer?: Customer },
): Promise<{ outcome?: Outcome; duplicate: boolean }> {
  let codeSalt = 0;
  const seen = await ports.store.source(ctx.tenantId, customerId, sourceId);
  if (seen) {
    if (!seen.delivered && seen.outbox) await deliver(ports, ctx.tenantId, customerId, sourceId, seen.outbox);
    return { duplicate: true };
  }
  return untilUnchanged('the loyalty account', async (attempt) => {
    const first = attempt === 1 ? known : undefined;
    const customer = first?.customer ?? (await ports.customers.get(ctx.tenantId, customerId));
    if (!customer || customer.mergedInto) return { duplicate: false };
    const program = await programOf(ports.store, ctx.tenantId);
    const stored = first ? first.stored : await ports.store.account(ctx.tenantId, customerId);
    const account = stored?.account ?? newAccount(customerId, program);
    const decided = decide({ account, program, customer, exists: stored !== undefined });
    if (!decided || (decided.entries.length === 0 && decided.account === account)) return { ...(decided && { outcome: decided }), duplicate: false };
    // a member gets their referral code with the first change after joining
    const referralCode = decided.account.enrolled && !decided.account.referralCode ? referralCodeFor(customerId, codeSalt) : undefined;
    const outcome = referralCode ? { ...decided, account: { ...decided.account, referralCode } } : decided;
    const more = extra?.(outcome, outcome.account, customer) ?? {};
    const outbox: Outbox = { events: [...eventsOf(ctx, customerId, sourceId, outcome, program), ...(more.events ?? [])], messages: more.messages ?? [] };
    const nextExpiry = nextDue(outcome.account, balances(outcome.account, ports.clock.now().toISOString()).nextExpiry);
    const result = await ports.store.commit({
      tenantId: ctx.tenantId,
      customerId,
      sourceId,
      rev: stored?.rev ?? 0,
      account: outcome.account,
      entries: outcome.entries,
      outbox,
      ...(more.redemption && { redemption: more.redemption }),
      ...(more.stock && { stock: more.stock }),
      ...(nextExpiry && { nextExpiry }),
      ...(referralCode && { referralCode }),
    });
    if (result === 'out_of_stock') throw new Conflict('the reward is out of stock');
    if (result === 'code_taken') {
      codeSalt += 1;
      return CHANGED;
    }
    if (result === 'duplicate') return applySource(ports, ctx, customerId, sourceId, decide, extra);
    if (result === 'committed') {
      await deliver(ports, ctx.tenantId, customerId, sourceId, outbox);
      return { outcome, duplicate: false };
    }
    // someone else wrote the account meanwhile: read again, after a jitter that spreads the racers out
    return CHANGED;
  }, { attempts: MAX_ATTEMPTS, backoffMs: jitter(5, 200) });
}

/**
 * Another delivery of the same source is sending its outbox: retry later (the queue redelivers; an API caller gets a
 * 409 to repeat), by then it is done.
 */
export class DeliveryInProgress extends Conflict {}

const DELIVERY_LEASE_MS = 60_000;

async function deliver(ports: LoyaltyPorts, tenantId: string, customerId: string, sourceId: string, outbox: Outbox): Promise<void> {
  if (outbox.events.length === 0 && outbox.messages.length === 0) return;
  if (!(await ports.store.claimDelivery(tenantId, customerId, sourceId, DELIVERY_LEASE_MS))) {
    const again = await ports.store.source(tenantId, customerId, sourceId);
    if (again?.delivered) return;
    throw new DeliveryInProgress(`the outbox of ${sourceId} is being delivered`);
  }
  if (outbox.events.length > 0) await ports.publisher.publish(outbox.events);
  for (const message of outbox.messages) await sendWithRetry(ports.messages, message);
  await ports.store.markDelivered(tenantId, customerId, sourceId);
}

function eventsOf(ctx: LoyaltyContext, customerId: string, sourceId: string, outcome: Outcome, program: Program): OutgoingEvent[] {
  const now = outcome.entries[0]?.at ?? new Date().toISOString();
  const meta = (kind: string) => ({ tenantId: ctx.tenantId, eventId: `loyalty-${kind}-${hash(sourceId)}`, occurredAt: now, correlationId: ctx.correlationId });
  const balance = balances(outcome.account, now).available;
  const out: OutgoingEvent[] = [];
  for (const entry of outcome.entries) {
    if (entry.points > 0 && entry.kind !== 'restored')
      out.push(buildEvent(PointsAwarded, meta(`awarded-${entry.entryId}`), { customerId, points: entry.points, reason: entry.reason, balance }));
    if (entry.kind === 'expiry') out.push(buildEvent(PointsExpired, meta(`expired-${entry.entryId}`), { customerId, points: -entry.points, balance }));
  }
  if (outcome.tierChange) out.push(buildEvent(TierChanged, meta('tier'), { customerId, ...outcome.tierChange }));
  for (const badge of outcome.badges) out.push(buildEvent(BadgeEarned, meta(`badge-${badge}`), { customerId, badge }));
  void program;
  return out;
}

/** Members earn; prospects, suppressed people and merged-away records do not. */
function canEarn(account: LoyaltyAccount, customer: Customer): boolean {
  return account.enrolled && !customer.suppressed;
}

/** A verified interaction (signed webhook or signed event) earns its rule's points. */
export async function awardForInteraction(
  ports: LoyaltyPorts,
  ctx: LoyaltyContext,
  input: { eventId: string; customerId: string; kind: string; channel: string; accountId?: string; occurredAt: string },
) {
  const action = actionOfInteraction(input.kind);
  if (!action) return { skipped: `kind ${input.kind} earns nothing` };
  // most people who comment are prospects: without an account nobody earns, unless a registration's welcome is
  // still on its way (autoEnrolled), so one read of the account and, only then, the profile settle it; what was
  // read is handed on, so a member's award reads nothing twice
  const stored = await ports.store.account(ctx.tenantId, input.customerId);
  let customer: Customer | undefined;
  if (!stored) {
    customer = await ports.customers.get(ctx.tenantId, input.customerId);
    if (!customer?.registeredAt || customer.suppressed || customer.mergedInto) return { skipped: 'not a member' };
  }
  const { outcome } = await applySource(
    ports,
    ctx,
    input.customerId,
    input.eventId,
    ({ account, program, customer }) => {
      const enrolled = autoEnrolled(account, program, customer);
      if (!canEarn(enrolled, customer)) return undefined;
      if (!program.retroactive && enrolled.enrolledAt && input.occurredAt < enrolled.enrolledAt) return undefined;
      return applyAction(enrolled, program, { action, channel: input.channel, sourceId: input.eventId, at: input.occurredAt, ...(input.accountId && { brandAccount: input.accountId }) }, entryIdOf(input.eventId));
    },
    undefined,
    { stored, ...(customer && { customer }) },
  );
  return { awarded: outcome?.awarded ?? 0 };
}

/** A customer who registered before their account existed joins on first sight, when enrolment is automatic. */
function autoEnrolled(account: LoyaltyAccount, program: Program, customer: Customer): LoyaltyAccount {
  if (account.enrolled || program.enrolment !== 'automatic' || !customer.registeredAt) return account;
  return enrol(account, program, customer.registeredAt);
}

/** Deleted comments and unfollows take back what their interaction earned. */
export async function reverseForRemoval(ports: LoyaltyPorts, ctx: LoyaltyContext, input: { eventId: string; customerId: string; interactionId: string; occurredAt: string }) {
  await applySource(ports, ctx, input.customerId, input.eventId, ({ account, program, exists }) =>
    exists
      ? applyRetraction(account, program, { sourceId: input.eventId, originalSourceId: `interaction-${input.interactionId}`, at: input.occurredAt, reason: 'interaction removed' }, entryIdOf(input.eventId))
      : undefined,
  );
}

/**
 * A paid order earns pending points (for the return window); an unpaid one waits for its payment, and a cancelled
 * one earns nothing. The order itself is the source (`purchase:<store>:<order id>`), so placing and paying the same
 * order earns once.
 */
export async function awardForOrder(
  ports: LoyaltyPorts,
  ctx: LoyaltyContext,
  input: { customerId: string; orderKey: string; orderTotal: string; status?: string; occurredAt: string },
  points: (program: Program) => number,
) {
  if (input.status && input.status !== 'paid') return;
  const sourceId = `purchase:${input.orderKey}`;
  await applySource(ports, ctx, input.customerId, sourceId, ({ account, program, customer }) => {
    // a referred friend's first paid order starts the referral's wait for the return window, member or not
    const enrolled = orderPaid(autoEnrolled(account, program, customer), program, { orderKey: input.orderKey, at: input.occurredAt });
    if (!canEarn(enrolled, customer)) return enrolled === account ? undefined : settle(enrolled, program, input.occurredAt, [], 0, {});
    return applyPurchase(enrolled, program, { sourceId, orderKey: input.orderKey, orderTotal: input.orderTotal, points: points(program), at: input.occurredAt }, entryIdOf(sourceId));
  });
}

export async function reverseForRefund(ports: LoyaltyPorts, ctx: LoyaltyContext, input: { eventId: string; customerId: string; orderKey: string; refundedTotal: string; full: boolean; occurredAt: string }) {
  await applySource(ports, ctx, input.customerId, input.eventId, ({ account, program, exists }) => {
    if (!exists) return undefined;
    // a refund within the window takes the order out of a pending referral too
    const unreferred = orderRefunded(account, { orderKey: input.orderKey, at: input.occurredAt });
    return applyRefund(unreferred, program, { sourceId: input.eventId, orderKey: input.orderKey, refundedTotal: input.refundedTotal, full: input.full, at: input.occurredAt }, entryIdOf(input.eventId));
  });
}

/**
 * The welcome pack on CustomerRegistered, once per person: joining (automatic enrolment), sign-up points, the
 * welcome badge, and a welcome e-mail when the person gave an address (a transactional message of the program).
 */
export async function welcome(ports: LoyaltyPorts, ctx: LoyaltyContext, input: { eventId: string; customerId: string; occurredAt: string; referralCode?: string }) {
  const sourceId = `welcome:${input.customerId}`;
  const referral = input.referralCode ? await referralOf(ports, ctx.tenantId, input.customerId, input.referralCode) : undefined;
  await applySource(
    ports,
    ctx,
    input.customerId,
    sourceId,
    ({ account, program, customer }) => {
      if (customer.suppressed) return undefined;
      // the referral is kept whether or not the program enrols at sign-up: it waits for the friend's first order
      const base = referral ? referred(account, { ...referral, at: input.occurredAt }) : account;
      if (program.enrolment !== 'automatic' || base.enrolled) return base === account ? undefined : settle(base, program, input.occurredAt, [], 0, {});
      return join(base, program, input.occurredAt, sourceId);
    },
    (outcome, account, customer) => (outcome.account.enrolled ? { messages: welcomeMessage(ctx.tenantId, customer, account, sourceId) } : {}),
  );
  await recordTermsOnce(ports, ctx, input.customerId);
}

/**
 * The member's acceptance of the program's terms, on the consent ledger. Run after every welcome or enrolment,
 * delivered or repeated: the consent context records each version once, so a crash between the account's write
 * and this leaves nothing unrecorded.
 */
async function recordTermsOnce(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string): Promise<void> {
  if (!ports.recordTerms) return;
  const stored = await ports.store.account(ctx.tenantId, customerId);
  const account = stored?.account;
  if (!account?.enrolled || !account.enrolledAt) return;
  await ports.recordTerms(ctx, customerId, { version: account.termsVersion ?? '1', acceptedAt: account.enrolledAt });
}

/** The member who holds a code, and whether they and the friend are one person (through merges). */
async function referralOf(ports: LoyaltyPorts, tenantId: string, friendId: string, rawCode: string): Promise<{ code: string; referrerId: string } | undefined> {
  const code = normaliseReferralCode(rawCode);
  if (!code) return undefined;
  const holder = await ports.store.referrer(tenantId, code);
  if (!holder) return undefined;
  const [referrer, friend] = await Promise.all([personOf(ports, tenantId, holder), personOf(ports, tenantId, friendId)]);
  // one person under two identities refers themselves: kept as refused (referred() refuses equal ids)
  return { code, referrerId: referrer && friend && referrer === friend ? friendId : (referrer ?? holder) };
}

/** The customer id a record stands for now: merges leave a tombstone pointing at the survivor. */
async function personOf(ports: Pick<LoyaltyPorts, 'customers'>, tenantId: string, customerId: string): Promise<string | undefined> {
  return (await survivorOf(ports.customers, tenantId, customerId))?.id;
}

/**
 * A pending referral whose return window is over (the scheduled job finds it through the account's due index):
 * 1. the referrer and the friend are looked up again through merges: one person refuses the referral;
 * 2. otherwise it completes: the friend earns the friend rule's points (when a member) and ReferralCompleted
 *    goes out with the change (its outbox);
 * 3. the referrer earns from ReferralCompleted (rewardReferrer), within the monthly cap.
 */
export async function settleReferral(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string, now: string): Promise<'completed' | 'refused' | undefined> {
  const stored = await ports.store.account(ctx.tenantId, customerId);
  if (!stored || !referralDue(stored.account, now)) return undefined;
  const { referrerId, code } = stored.account.referral!;
  const [referrer, friend] = await Promise.all([personOf(ports, ctx.tenantId, referrerId), personOf(ports, ctx.tenantId, customerId)]);
  const onePerson = referrer !== undefined && referrer === friend;
  const sourceId = `referral:${customerId}`;
  const { outcome } = await applySource(
    ports,
    ctx,
    customerId,
    sourceId,
    ({ account, program, customer }) => {
      if (!referralDue(account, now)) return undefined;
      if (onePerson || !referrer) {
        const reason = onePerson ? 'the referrer and the friend are one person' : 'the referrer is gone';
        return settle(referralSettled(account, { status: 'refused', at: now, reason }), program, now, [], 0, {});
      }
      const done = referralSettled(account, { status: 'completed', at: now });
      if (!canEarn(done, customer)) return settle(done, program, now, [], 0, {});
      const earned = applyAction(done, program, { action: 'referral_friend', channel: 'web', sourceId, at: now }, entryIdOf(sourceId));
      return earned.entries.length > 0 ? earned : settle(done, program, now, [], 0, {});
    },
    (outcome) =>
      outcome.account.referral?.status === 'completed'
        ? {
            events: [
              buildEvent(
                ReferralCompleted,
                { tenantId: ctx.tenantId, eventId: `loyalty-referral-${hash(`${ctx.tenantId}:${sourceId}`)}`, occurredAt: now, correlationId: ctx.correlationId },
                { referrerId: referrer!, refereeId: customerId, code },
              ),
            ],
          }
        : {},
  );
  const status = outcome?.account.referral?.status;
  return status === 'completed' || status === 'refused' ? status : undefined;
}

/** ReferralCompleted: the referrer earns once per friend, within the program's monthly cap of rewarded referrals. */
export async function rewardReferrer(ports: LoyaltyPorts, ctx: LoyaltyContext, input: { referrerId: string; refereeId: string; occurredAt: string }) {
  const referrerId = (await personOf(ports, ctx.tenantId, input.referrerId)) ?? input.referrerId;
  const sourceId = `referral-referrer:${input.refereeId}`;
  const { outcome } = await applySource(ports, ctx, referrerId, sourceId, ({ account, program, customer }) => {
    if (!canEarn(account, customer)) return undefined;
    if (!referrerCapAllows(account, program, input.occurredAt)) return undefined;
    const earned = applyAction(countReferralRewarded(account, input.occurredAt), program, { action: 'referral_referrer', channel: 'web', sourceId, at: input.occurredAt }, entryIdOf(sourceId));
    return earned.entries.length > 0 ? earned : undefined;
  });
  return { awarded: outcome?.awarded ?? 0 };
}

/** POST /v1/customers/{id}/loyalty/enrolment: joining by choice (explicit programs), the same welcome pack. */
export async function enrolMember(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string) {
  const customer = await ports.customers.get(ctx.tenantId, customerId);
  if (!customer || customer.mergedInto) throw new NotFound('Customer not found');
  if (customer.suppressed) throw new Conflict('this person cannot join the program');
  // its own source: a sign-up's welcome may already have written one (a referral kept before joining)
  const sourceId = `enrolment:${customerId}`;
  await applySource(
    ports,
    ctx,
    customerId,
    sourceId,
    ({ account, program }) => (account.enrolled ? undefined : join(account, program, ports.clock.now().toISOString(), sourceId)),
    (_o, account, c) => ({ messages: welcomeMessage(ctx.tenantId, c, account, sourceId) }),
  );
  await recordTermsOnce(ports, ctx, customerId);
  return view(ports, ctx.tenantId, customerId);
}

function join(account: LoyaltyAccount, program: Program, at: string, sourceId: string): Outcome {
  const joined = enrol(account, program, at);
  const signup = applyAction(joined, program, { action: 'signup', channel: 'web', sourceId, at }, entryIdOf(sourceId));
  // the welcome badge comes with joining even when the program gives no sign-up points
  return signup.entries.length > 0 ? signup : settle(joined, program, at, [], 0, {});
}

function welcomeMessage(tenantId: string, customer: Customer, account: LoyaltyAccount, sourceId: string): OutgoingMessage[] {
  const email = customer.identities.find((i) => i.channel === 'email')?.externalId;
  if (!email) return [];
  const points = account.lots.reduce((s, l) => s + l.remaining, 0);
  return [
    {
      tenantId,
      channel: 'email',
      to: email,
      subject: 'Welcome to our loyalty program',
      text: `Welcome! You are a ${account.tier} member with ${points} points to start with.`,
      purpose: 'transactional',
      tags: { kind: 'loyalty-welcome' },
      idempotencyKey: sourceId,
    },
  ];
}

/** POST /v1/customers/{id}/loyalty/adjustments (admin): a credit or debit with a reason, never an action. */
export async function adjust(ports: LoyaltyPorts, ctx: LoyaltyContext & { actorId: string }, customerId: string, input: { points: number; reason: string; adjustmentId: string }) {
  if (!Number.isInteger(input.points) || input.points === 0) throw new InvalidInput('points: a non-zero whole number', { field: 'points' });
  const sourceId = `adjustment:${input.adjustmentId}`;
  const now = ports.clock.now().toISOString();
  await mustExist(ports, ctx.tenantId, customerId);
  try {
    await applySource(ports, ctx, customerId, sourceId, ({ account, program }) => {
      if (input.points > 0) {
        // a hand credit is neither earned nor qualifying: lifetime figures and tiers stay as they were
        const credited = addCredit(account, program, { sourceId, ruleId: 'adjustment', kind: 'adjustment', points: input.points, at: now, reason: input.reason, qualifying: false }, entryIdOf(sourceId));
        return settle({ ...credited.account, lifetimeEarned: account.lifetimeEarned }, program, now, [credited.entry], 0, {});
      }
      const d = debit(account.lots, -input.points, now, { entryId: entryIdOf(sourceId), kind: 'adjustment', sourceId, reason: input.reason });
      return settle({ ...account, lots: d.lots }, program, now, [d.entry], 0, {});
    });
  } catch (error) {
    if (error instanceof InsufficientPoints) throw new Conflict(`insufficient points: ${error.available} available`, { available: error.available });
    throw error;
  }
  return view(ports, ctx.tenantId, customerId);
}


async function mustExist(ports: LoyaltyPorts, tenantId: string, customerId: string): Promise<Customer> {
  const customer = await ports.customers.get(tenantId, customerId);
  if (!customer || customer.mergedInto) throw new NotFound('Customer not found');
  return customer;
}

/**
 * POST /v1/customers/{id}/loyalty/redemptions with an Idempotency-Key.
 * 1. the key names the redemption: a repeat answers the first result;
 * 2. the reward must be active, valid now, and in stock;
 * 3. the points are drawn from available lots (oldest expiry first) and the stock taken, in one transaction that
 *    fails if the account or the stock moved: the balance and the stock never go below zero;
 * 4. PointsRedeemed.
 */
export async function redeem(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string, input: { rewardId: string; idempotencyKey: string }): Promise<Redemption> {
  const redemptionId = hash(`${customerId}:${input.idempotencyKey}`);
  const existing = await ports.store.redemption(ctx.tenantId, customerId, redemptionId);
  if (existing) return existing;
  await mustExist(ports, ctx.tenantId, customerId);
  const reward = await ports.store.reward(ctx.tenantId, input.rewardId);
  const now = ports.clock.now().toISOString();
  if (!reward || !reward.active) throw new NotFound('Reward not found');
  if ((reward.validFrom && now < reward.validFrom) || (reward.validUntil && now > reward.validUntil)) throw new Conflict('the reward is not valid now');
  if (reward.stock !== undefined && reward.stock <= 0) throw new Conflict('the reward is out of stock');
  const sourceId = `redemption:${redemptionId}`;
  let redemption: Redemption | undefined;
  try {
    await applySource(
      ports,
      ctx,
      customerId,
      sourceId,
      ({ account, program, customer }) => {
        if (!account.enrolled || customer.suppressed) throw new Conflict('only members can redeem');
        const d = debit(account.lots, reward.cost, now, { entryId: entryIdOf(sourceId), kind: 'redemption', sourceId, reason: `reward ${reward.name}` });
        return settle({ ...account, lots: d.lots }, program, now, [d.entry], 0, {});
      },
      (outcome) => {
        redemption = { redemptionId, customerId, rewardId: reward.rewardId, points: reward.cost, status: 'completed', draws: outcome.entries[0]!.lots, at: now };
        return { redemption, ...(reward.stock !== undefined && { stock: { rewardId: reward.rewardId, delta: -1 as const } }) };
      },
    );
  } catch (error) {
    if (error instanceof InsufficientPoints) throw new Conflict(`insufficient points: ${error.available} available, ${error.requested} needed`, { available: error.available, required: error.requested });
    throw error;
  }
  const stored = await ports.store.redemption(ctx.tenantId, customerId, redemptionId);
  if (!stored && !redemption) throw new Conflict('the redemption did not complete; try again');
  const done = stored ?? redemption!;
  await ports.publisher.publish([
    buildEvent(
      PointsRedeemed,
      { tenantId: ctx.tenantId, eventId: `loyalty-redeemed-${redemptionId}`, occurredAt: done.at, correlationId: ctx.correlationId },
      { customerId, points: done.points, reward: done.rewardId, balance: (await view(ports, ctx.tenantId, customerId)).available },
    ),
  ]);
  return done;
}

/** Cancelling a redemption gives back the same lots with their original expiry, and the unit of stock. */
export async function cancelRedemption(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string, redemptionId: string): Promise<Redemption> {
  const found = await ports.store.redemption(ctx.tenantId, customerId, redemptionId);
  if (!found) throw new NotFound('Redemption not found');
  if (found.status === 'cancelled') return found;
  const now = ports.clock.now().toISOString();
  const reward = await ports.store.reward(ctx.tenantId, found.rewardId);
  const sourceId = `redemption-cancel:${redemptionId}`;
  await applySource(
    ports,
    ctx,
    customerId,
    sourceId,
    ({ account, program }) => {
      const r = restore(account.lots, found.draws, now, { entryId: entryIdOf(sourceId), sourceId, reason: 'redemption cancelled' });
      return settle({ ...account, lots: r.lots }, program, now, [r.entry], 0, {});
    },
    () => ({ redemption: { ...found, status: 'cancelled', cancelledAt: now }, ...(reward?.stock !== undefined && { stock: { rewardId: found.rewardId, delta: 1 as const } }) }),
  );
  return (await ports.store.redemption(ctx.tenantId, customerId, redemptionId)) ?? { ...found, status: 'cancelled', cancelledAt: now };
}

/**
 * The expiry job (a schedule): for each tenant, the accounts the due index lists before now + 30 days:
 * 1. lots due before now expire (PointsExpired);
 * 2. a referral whose return window is over completes or is refused (settleReferral);
 * 3. members with points expiring within 30 days get one notice per lot expiry date.
 */
export async function expirePoints(ports: LoyaltyPorts, correlationId: string): Promise<{ accounts: number; notices: number; referrals: number }> {
  const now = ports.clock.now();
  const nowIso = now.toISOString();
  const soon = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  let accounts = 0;
  let notices = 0;
  let referrals = 0;
  for (const tenantId of await ports.store.tenants()) {
    const ctx = { tenantId, correlationId };
    for (const customerId of await ports.store.accountsExpiringBefore(tenantId, soon)) {
      const sourceId = `expiry:${nowIso.slice(0, 13)}`; // one expiry run per account and hour
      const { outcome } = await applySource(ports, ctx, customerId, `${sourceId}:${customerId}`, ({ account, program, exists }) =>
        exists ? applyExpiry(account, program, nowIso, entryIdOf(`${sourceId}:${customerId}`), `${sourceId}:${customerId}`) : undefined,
      );
      if (outcome?.entries.length) accounts += 1;
      if (await settleReferral(ports, ctx, customerId, nowIso)) referrals += 1;
      notices += await noticeExpiring(ports, ctx, customerId, nowIso);
    }
  }
  return { accounts, notices, referrals };
}

async function noticeExpiring(ports: LoyaltyPorts, ctx: LoyaltyContext, customerId: string, now: string): Promise<number> {
  const stored = await ports.store.account(ctx.tenantId, customerId);
  if (!stored) return 0;
  const points = expiringWithin(stored.account.lots, now, 30);
  const first = stored.account.lots.filter((l) => l.remaining > 0 && l.expiresAt && l.expiresAt > now).map((l) => l.expiresAt!).sort()[0];
  if (points === 0 || !first) return 0;
  const customer = await ports.customers.get(ctx.tenantId, customerId);
  const email = customer?.identities.find((i) => i.channel === 'email')?.externalId;
  if (!customer || customer.suppressed || !email) return 0;
  // one notice per customer and expiry date, whatever the number of runs
  const sourceId = `expiry-notice:${first.slice(0, 10)}`;
  const seen = await ports.store.source(ctx.tenantId, customerId, sourceId);
  if (seen?.delivered) return 0;
  const message: OutgoingMessage = {
    tenantId: ctx.tenantId,
    channel: 'email',
    to: email,
    subject: 'Your points are about to expire',
    text: `${points} of your points expire by ${first.slice(0, 10)}. Use them before then.`,
    purpose: 'transactional',
    tags: { kind: 'loyalty-expiry-notice' },
    idempotencyKey: `${customerId}:${sourceId}`,
  };
  const result = await ports.store.commit({
    tenantId: ctx.tenantId,
    customerId,
    sourceId,
    rev: stored.rev,
    account: stored.account,
    entries: [],
    outbox: { events: [], messages: [message] },
  });
  if (result === 'committed') {
    await deliver(ports, ctx.tenantId, customerId, sourceId, { events: [], messages: [message] });
    return 1;
  }
  return 0;
}

/** GET /v1/customers/{id}/loyalty: balances, lots, tier with progress, badges, referral code. */
export async function view(ports: Pick<LoyaltyPorts, 'store' | 'clock'>, tenantId: string, customerId: string) {
  const program = await programOf(ports.store, tenantId);
  const stored = await ports.store.account(tenantId, customerId);
  const account = stored?.account ?? newAccount(customerId, program);
  const now = ports.clock.now().toISOString();
  const b = balances(account, now);
  const from = new Date(Date.parse(now) - program.tierWindowDays * 86_400_000).toISOString().slice(0, 10);
  const qualifying = account.qualifying.filter((q) => q.day > from).reduce((s, q) => s + q.points, 0);
  const index = program.tiers.findIndex((t) => t.name === account.tier);
  const next = program.tiers[index + 1];
  return {
    customerId,
    enrolled: account.enrolled,
    ...(account.enrolledAt && { enrolledAt: account.enrolledAt }),
    ...(account.termsVersion && { termsVersion: account.termsVersion }),
    available: b.available,
    pending: b.pending,
    lifetimeEarned: b.lifetimeEarned,
    lots: account.lots
      .filter((l) => l.remaining > 0)
      .map((l) => ({ lotId: l.lotId, kind: l.kind, points: l.points, remaining: l.remaining, earnedAt: l.earnedAt, availableAt: l.availableAt, expiresAt: l.expiresAt ?? null, status: l.availableAt > now ? 'pending' : 'available' })),
    tier: {
      name: account.tier,
      qualifyingPoints: qualifying,
      windowDays: program.tierWindowDays,
      next: next ? { name: next.name, threshold: next.threshold, pointsToGo: Math.max(0, next.threshold - qualifying) } : null,
      ...(account.belowTierSince && { belowSince: account.belowTierSince, graceDays: program.tierGraceDays }),
    },
    badges: account.badges,
    referralCode: account.referralCode ?? null,
    referral: account.referral ?? null,
    programVersion: program.version,
  };
}

export type { LoyaltyAction };
