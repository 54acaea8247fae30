/**
 * Referrals, pure. A member's code names them (one GetItem finds the member by it); a friend who signs up with a
 * code is *referred*; the friend's first paid order makes the referral *pending* until the return window is
 * over; an order refunded within the window puts it back to *referred* (the next paid order can qualify); past
 * the window it *completes* (both earn once) unless the two turn out to be one person (then *refused*).
 */
import { createHash } from 'node:crypto';
import type { LoyaltyAccount } from './account.js';
import type { Program } from './program.js';

export type ReferralStatus = 'referred' | 'pending' | 'completed' | 'refused';

/** The friend's side of a referral, on the friend's account. */
export interface Referral {
  code: string;
  referrerId: string;
  status: ReferralStatus;
  referredAt: string;
  /** The paid order the referral waits on, and when its return window ends. */
  orderKey?: string;
  qualifiesAt?: string;
  completedAt?: string;
  /** Why a referral was refused. */
  reason?: string;
}

/** Letters and digits a person reads back without confusion (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

/**
 * A member's code: derived from their id, so every delivery computes the same one. `salt` moves to the next
 * candidate when another member of the tenant holds this one (about 1 in 10^14 per pair).
 */
export function referralCodeFor(customerId: string, salt = 0): string {
  const digest = createHash('sha256').update(`${customerId}#${salt}`).digest();
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[digest[i]! % ALPHABET.length];
  return code;
}

/** Codes are read back by people: case and separators do not matter. */
export function normaliseReferralCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A sign-up with a member's code: referred, once, and never by oneself. */
export function referred(account: LoyaltyAccount, input: { code: string; referrerId: string; at: string }): LoyaltyAccount {
  if (account.referral) return account;
  if (input.referrerId === account.customerId) {
    return { ...account, referral: { code: input.code, referrerId: input.referrerId, status: 'refused', referredAt: input.at, reason: 'a member cannot refer themselves' } };
  }
  return { ...account, referral: { code: input.code, referrerId: input.referrerId, status: 'referred', referredAt: input.at } };
}

/** The friend's first paid order: the referral waits for the end of its return window. */
export function orderPaid(account: LoyaltyAccount, program: Program, input: { orderKey: string; at: string }): LoyaltyAccount {
  const r = account.referral;
  if (r?.status !== 'referred') return account;
  const qualifiesAt = new Date(Date.parse(input.at) + program.returnWindowDays * 86_400_000).toISOString();
  return { ...account, referral: { ...r, status: 'pending', orderKey: input.orderKey, qualifiesAt } };
}

/** A refund of the order the referral waits on, within its window: the next paid order can qualify. */
export function orderRefunded(account: LoyaltyAccount, input: { orderKey: string; at: string }): LoyaltyAccount {
  const r = account.referral;
  if (r?.status !== 'pending' || r.orderKey !== input.orderKey || (r.qualifiesAt && input.at >= r.qualifiesAt)) return account;
  const { orderKey: _o, qualifiesAt: _q, ...rest } = r;
  return { ...account, referral: { ...rest, status: 'referred' } };
}

/** Whether the referral's window is over at `now`. */
export function referralDue(account: LoyaltyAccount, now: string): boolean {
  const r = account.referral;
  return r?.status === 'pending' && r.qualifiesAt !== undefined && r.qualifiesAt <= now;
}

export function referralSettled(account: LoyaltyAccount, outcome: { status: 'completed' | 'refused'; at: string; reason?: string }): LoyaltyAccount {
  const r = account.referral!;
  return { ...account, referral: { ...r, status: outcome.status, ...(outcome.status === 'completed' ? { completedAt: outcome.at } : { reason: outcome.reason ?? 'refused' }) } };
}

/** The referrer's side: rewarded referrals are capped per calendar month (UTC). */
export function referrerCapAllows(account: LoyaltyAccount, program: Program, at: string): boolean {
  const month = at.slice(0, 7);
  return account.referralsRewarded.month !== month || account.referralsRewarded.count < program.referralMonthlyCap;
}

export function countReferralRewarded(account: LoyaltyAccount, at: string): LoyaltyAccount {
  const month = at.slice(0, 7);
  const count = account.referralsRewarded.month === month ? account.referralsRewarded.count + 1 : 1;
  return { ...account, referralsRewarded: { month, count } };
}

/** When the account next needs the scheduled job: a lot's expiry, or the end of a pending referral's window. */
export function nextDue(account: LoyaltyAccount, nextExpiry: string | undefined): string | undefined {
  const r = account.referral;
  const referral = r?.status === 'pending' ? r.qualifiesAt : undefined;
  if (!referral) return nextExpiry;
  if (!nextExpiry) return referral;
  return referral < nextExpiry ? referral : nextExpiry;
}
