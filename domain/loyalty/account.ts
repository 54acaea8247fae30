/**
 * A member's loyalty account: the lots (balance), caps already used, tier and badges, as one item with a
 * revision. Everything here is pure: the engine (engine.ts) reads the account, applies one of these, and writes
 * it back conditionally with the source's marker.
 */
import type { Program, LoyaltyAction } from './program.js';
import type { Referral } from './referrals.js';
import { expiryOf } from './program.js';
import { availablePoints, credit, expireDue, nextExpiry, pendingPoints, prune, reverse, type LedgerEntry, type Lot } from './ledger.js';

export const BADGES = ['welcome', 'first_review', 'ten_comments', 'three_purchases_90_days', 'seven_day_streak'] as const;
export type Badge = (typeof BADGES)[number];

export interface LoyaltyAccount {
  customerId: string;
  enrolled: boolean;
  enrolledAt?: string;
  termsVersion?: string;
  lots: Lot[];
  lifetimeEarned: number;
  /** Awards per rule: today's count (UTC day) and the lifetime count. */
  counters: Record<string, { day: string; today: number; lifetime: number }>;
  /** Brand accounts whose follow already earned (a follow/unfollow/follow cycle earns once). */
  followed: string[];
  /** Qualifying points by day, pruned to the tier window. */
  qualifying: { day: string; points: number }[];
  tier: string;
  /** Since when qualifying points have been below the current tier (the grace period runs from here). */
  belowTierSince?: string;
  badges: { badge: Badge; at: string }[];
  /** Counters behind the badges. */
  stats: { comments: number; reviews: number; purchaseDays: string[]; activeDays: string[] };
  /** The member's own code (assigned when they join). */
  referralCode?: string;
  /** The friend's side: who referred them and how far the referral got (referrals.ts). */
  referral?: Referral;
  referralsRewarded: { month: string; count: number };
}

export function newAccount(customerId: string, program: Program): LoyaltyAccount {
  return {
    customerId,
    enrolled: false,
    lots: [],
    lifetimeEarned: 0,
    counters: {},
    followed: [],
    qualifying: [],
    tier: program.tiers[0]!.name,
    badges: [],
    stats: { comments: 0, reviews: 0, purchaseDays: [], activeDays: [] },
    referralsRewarded: { month: '', count: 0 },
  };
}

/** What applying one source did: the account after, its ledger entries, and the facts to publish. */
export interface Outcome {
  account: LoyaltyAccount;
  entries: LedgerEntry[];
  awarded: number;
  tierChange?: { from: string; to: string };
  badges: Badge[];
  /** Why nothing was awarded, for the log (never an error: redelivered and capped events are normal). */
  skipped?: string;
}

const day = (iso: string) => iso.slice(0, 10);

function capAllows(account: LoyaltyAccount, ruleId: string, rule: { perDayCap?: number; lifetimeCap?: number }, at: string): boolean {
  const c = account.counters[ruleId];
  const today = c && c.day === day(at) ? c.today : 0;
  if (rule.perDayCap !== undefined && today >= rule.perDayCap) return false;
  if (rule.lifetimeCap !== undefined && (c?.lifetime ?? 0) >= rule.lifetimeCap) return false;
  return true;
}

function countAward(account: LoyaltyAccount, ruleId: string, at: string): LoyaltyAccount {
  const c = account.counters[ruleId];
  const today = c && c.day === day(at) ? c.today : 0;
  return { ...account, counters: { ...account.counters, [ruleId]: { day: day(at), today: today + 1, lifetime: (c?.lifetime ?? 0) + 1 } } };
}

export interface CreditInput {
  sourceId: string;
  ruleId: string;
  kind: Lot['kind'];
  points: number;
  at: string;
  availableAt?: string;
  orderKey?: string;
  orderTotal?: string;
  reason: string;
  /** Counts toward tiers (actions and purchases do; adjustments don't). */
  qualifying: boolean;
}

/** Adds a lot (with the program's expiry) and its entry; updates lifetime and qualifying points. */
export function addCredit(account: LoyaltyAccount, program: Program, input: CreditInput, entryId: string): { account: LoyaltyAccount; entry: LedgerEntry } {
  const expiresAt = expiryOf(program.expiry, new Date(input.availableAt ?? input.at));
  const { lots, entry } = credit(
    account.lots,
    {
      lotId: entryId,
      kind: input.kind,
      sourceId: input.sourceId,
      ruleId: input.ruleId,
      programVersion: program.version,
      ...(input.orderKey && { orderKey: input.orderKey }),
      ...(input.orderTotal && { orderTotal: input.orderTotal }),
      points: input.points,
      earnedAt: input.at,
      availableAt: input.availableAt ?? input.at,
      ...(expiresAt && { expiresAt }),
    },
    entryId,
    input.reason,
  );
  const qualifying = input.qualifying ? addQualifying(account.qualifying, input.at, input.points) : account.qualifying;
  return { account: { ...account, lots, lifetimeEarned: account.lifetimeEarned + input.points, qualifying }, entry };
}

function addQualifying(list: LoyaltyAccount['qualifying'], at: string, points: number) {
  const d = day(at);
  const found = list.find((q) => q.day === d);
  return found ? list.map((q) => (q.day === d ? { day: d, points: q.points + points } : q)) : [...list, { day: d, points }];
}

/** An action (comment, follow, review...) through a verified path: the rule's points within its caps. */
export function applyAction(
  account: LoyaltyAccount,
  program: Program,
  input: { action: LoyaltyAction; channel: string; sourceId: string; at: string; brandAccount?: string },
  entryId: string,
): Outcome {
  const rule = program.rules[input.action];
  const none = (skipped: string): Outcome => ({ account, entries: [], awarded: 0, badges: [], skipped });
  if (!rule) return none(`no rule for ${input.action}`);
  if (rule.channels && !rule.channels.includes(input.channel as never)) return none(`${input.channel} does not count for ${input.action}`);
  const followKey = `${input.channel}:${input.brandAccount ?? ''}`;
  if (input.action === 'follow' && account.followed.includes(followKey)) return none('this follow already earned once');
  if (!capAllows(account, input.action, rule, input.at)) return none(`cap reached for ${input.action}`);
  let next = countAward(account, input.action, input.at);
  if (input.action === 'follow') next = { ...next, followed: [...next.followed, followKey] };
  const { account: credited, entry } = addCredit(
    next,
    program,
    { sourceId: input.sourceId, ruleId: input.action, kind: 'action', points: rule.points, at: input.at, reason: input.action, qualifying: true },
    entryId,
  );
  return finish(credited, program, input.at, [entry], rule.points, { action: input.action });
}

/** A purchase: points per unit of the paid line items (multipliers per SKU/category), pending for the return window. */
export function purchasePoints(program: Program, lineItems: readonly { productId: string; quantity: number; price: { amount: string }; category?: string }[]): number {
  const rule = program.purchase;
  if (!rule) return 0;
  let points = 0;
  for (const item of lineItems) {
    const multiplier = rule.skuMultipliers[item.productId] ?? (item.category ? rule.categoryMultipliers[item.category] : undefined) ?? 1;
    // whole currency units of the line (exact: integer part of a decimal string times quantity)
    const units = Math.floor(Number(item.price.amount)) * Math.max(0, item.quantity);
    points += Math.floor(units * rule.pointsPerUnit * multiplier);
  }
  return points;
}

export function applyPurchase(
  account: LoyaltyAccount,
  program: Program,
  input: { sourceId: string; orderKey: string; orderTotal?: string; points: number; at: string },
  entryId: string,
): Outcome {
  if (input.points <= 0) return { account, entries: [], awarded: 0, badges: [], skipped: 'order earns no points' };
  if (account.lots.some((l) => l.orderKey === input.orderKey)) return { account, entries: [], awarded: 0, badges: [], skipped: 'order already awarded' };
  const availableAt = new Date(Date.parse(input.at) + program.returnWindowDays * 86_400_000).toISOString();
  const { account: credited, entry } = addCredit(
    account,
    program,
    { sourceId: input.sourceId, ruleId: 'purchase', kind: 'purchase', points: input.points, at: input.at, availableAt, orderKey: input.orderKey, ...(input.orderTotal && { orderTotal: input.orderTotal }), reason: 'purchase', qualifying: true },
    entryId,
  );
  return finish(credited, program, input.at, [entry], input.points, { purchase: true });
}

/**
 * A refund reverses exactly that order's lots, pending first, in proportion to the refunded share of the order's
 * total (`refundedTotal`: everything refunded on the order so far; `full`: the store says it is all refunded).
 */
export function applyRefund(
  account: LoyaltyAccount,
  program: Program,
  input: { sourceId: string; orderKey: string; refundedTotal: string; full: boolean; at: string },
  entryId: string,
): Outcome {
  const orderLots = account.lots.filter((l) => l.orderKey === input.orderKey);
  const original = orderLots.reduce((s, l) => s + l.points, 0);
  const alreadyReversed = orderLots.reduce((s, l) => s + (l.points - l.remaining), 0);
  const total = Number(orderLots[0]?.orderTotal ?? '0');
  const refundedShare = input.full || !(total > 0) ? 1 : Math.min(1, Math.max(0, Number(input.refundedTotal) / total));
  const target = Math.min(original, Math.round(original * refundedShare));
  // what the refunds so far should have reversed in total, less what the order's lots no longer hold
  const points = Math.max(0, target - alreadyReversed);
  if (points === 0) return { account, entries: [], awarded: 0, badges: [], skipped: 'nothing left to reverse' };
  const r = reverse(account.lots, (l) => l.orderKey === input.orderKey, points, input.at, { entryId, sourceId: input.sourceId, reason: 'order refunded' });
  const qualifying = addQualifying(account.qualifying, input.at, -r.reversed);
  return finish({ ...account, lots: r.lots, qualifying }, program, input.at, r.entry ? [r.entry] : [], 0, {});
}

/** A deleted comment or an unfollow takes back the points its original action earned. */
export function applyRetraction(account: LoyaltyAccount, program: Program, input: { sourceId: string; originalSourceId: string; at: string; reason: string }, entryId: string): Outcome {
  const r = reverse(account.lots, (l) => l.sourceId === input.originalSourceId, Number.MAX_SAFE_INTEGER, input.at, {
    entryId,
    sourceId: input.sourceId,
    reason: input.reason,
  });
  if (!r.entry) return { account, entries: [], awarded: 0, badges: [], skipped: 'nothing to reverse' };
  return finish({ ...account, lots: r.lots, qualifying: addQualifying(account.qualifying, input.at, -r.reversed) }, program, input.at, [r.entry], 0, {});
}

export function applyExpiry(account: LoyaltyAccount, program: Program, at: string, entryId: string, sourceId: string): Outcome {
  const e = expireDue(account.lots, at, { entryId, sourceId });
  if (!e.entry) return { account, entries: [], awarded: 0, badges: [], skipped: 'nothing due' };
  return finish({ ...account, lots: e.lots }, program, at, [e.entry], 0, {});
}

/** Tier from qualifying points in the rolling window; upgrades at once, downgrades after the grace period. */
export function tierFor(account: LoyaltyAccount, program: Program, at: string): { tier: string; belowTierSince?: string } {
  const from = day(new Date(Date.parse(at) - program.tierWindowDays * 86_400_000).toISOString());
  const points = account.qualifying.filter((q) => q.day > from).reduce((s, q) => s + q.points, 0);
  const earned = [...program.tiers].reverse().find((t) => points >= t.threshold)!.name;
  const rank = (name: string) => program.tiers.findIndex((t) => t.name === name);
  const current = rank(account.tier) < 0 ? program.tiers[0]!.name : account.tier;
  if (rank(earned) >= rank(current)) return { tier: earned };
  const since = account.belowTierSince ?? at;
  if (Date.parse(at) - Date.parse(since) >= program.tierGraceDays * 86_400_000) return { tier: earned };
  return { tier: current, belowTierSince: since };
}

function finish(
  account: LoyaltyAccount,
  program: Program,
  at: string,
  entries: LedgerEntry[],
  awarded: number,
  what: { action?: LoyaltyAction; purchase?: boolean },
): Outcome {
  const from = day(new Date(Date.parse(at) - program.tierWindowDays * 86_400_000).toISOString());
  let next: LoyaltyAccount = { ...account, lots: prune(account.lots), qualifying: account.qualifying.filter((q) => q.day > from) };
  // badges count what members do, so they move only with earning actions and purchases
  const stats = { ...next.stats };
  if (what.action || what.purchase) stats.activeDays = [...new Set([...stats.activeDays, day(at)])].sort().slice(-7);
  if (what.action === 'comment') stats.comments += 1;
  if (what.action === 'review') stats.reviews += 1;
  if (what.purchase) {
    const since = day(new Date(Date.parse(at) - 90 * 86_400_000).toISOString());
    stats.purchaseDays = [...stats.purchaseDays, day(at)].filter((d) => d > since).slice(-10);
  }
  next = { ...next, stats };
  const badges = earnedBadges(next).filter((b) => !next.badges.some((x) => x.badge === b));
  next = { ...next, badges: [...next.badges, ...badges.map((badge) => ({ badge, at }))] };
  const tier = tierFor(next, program, at);
  const tierChange = tier.tier !== account.tier ? { from: account.tier, to: tier.tier } : undefined;
  next = { ...next, tier: tier.tier };
  if (tier.belowTierSince) next.belowTierSince = tier.belowTierSince;
  else delete next.belowTierSince;
  return { account: next, entries, awarded, badges, ...(tierChange && { tierChange }) };
}

function earnedBadges(account: LoyaltyAccount): Badge[] {
  const out: Badge[] = [];
  if (account.enrolled) out.push('welcome');
  if (account.stats.reviews >= 1) out.push('first_review');
  if (account.stats.comments >= 10) out.push('ten_comments');
  if (account.stats.purchaseDays.length >= 3) out.push('three_purchases_90_days');
  if (hasStreak(account.stats.activeDays, 7)) out.push('seven_day_streak');
  return out;
}

function hasStreak(days: readonly string[], length: number): boolean {
  if (days.length < length) return false;
  const last = days.slice(-length);
  return last.every((d, i) => i === 0 || Date.parse(d) - Date.parse(last[i - 1]!) === 86_400_000);
}

/** Joining the program: the terms version is recorded; the welcome badge follows. */
export function enrol(account: LoyaltyAccount, program: Program, at: string): LoyaltyAccount {
  if (account.enrolled) return account;
  return { ...account, enrolled: true, enrolledAt: at, termsVersion: program.termsVersion };
}

export function balances(account: LoyaltyAccount, now: string) {
  return {
    available: availablePoints(account.lots, now),
    pending: pendingPoints(account.lots, now),
    lifetimeEarned: account.lifetimeEarned,
    nextExpiry: nextExpiry(account.lots),
  };
}

export { finish as settle };
