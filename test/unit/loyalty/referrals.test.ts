/** The referral rules, pure: codes, the friend's states, the referrer's monthly cap, and when the job is due. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enrol, newAccount } from '../../../domain/loyalty/account.js';
import { DEFAULT_PROGRAM, type Program } from '../../../domain/loyalty/program.js';
import {
  countReferralRewarded,
  nextDue,
  normaliseReferralCode,
  orderPaid,
  orderRefunded,
  referralCodeFor,
  referralDue,
  referred,
  referrerCapAllows,
} from '../../../domain/loyalty/referrals.js';

const program: Program = { ...DEFAULT_PROGRAM, returnWindowDays: 30, referralMonthlyCap: 2 };
const friend = () => enrol(newAccount('friend', program), program, '2026-03-01T00:00:00.000Z');

describe('referral codes', () => {
  it('are 10 unambiguous characters, the same for the same member, different per salt, and survive being typed back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(5), (id, salt) => {
        const code = referralCodeFor(id, salt);
        expect(code).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);
        expect(referralCodeFor(id, salt)).toBe(code);
        expect(referralCodeFor(id, salt + 1)).not.toBe(code);
        expect(normaliseReferralCode(`${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`)).toBe(code);
      }),
    );
  });
});

describe("the friend's referral", () => {
  it('goes referred → pending on the first paid order → back to referred when that order is refunded within the window', () => {
    const a = referred(friend(), { code: 'CODE', referrerId: 'referrer', at: '2026-03-01T00:00:00.000Z' });
    expect(a.referral?.status).toBe('referred');
    const b = orderPaid(a, program, { orderKey: 'web:1', at: '2026-03-02T00:00:00.000Z' });
    expect(b.referral).toMatchObject({ status: 'pending', orderKey: 'web:1', qualifiesAt: '2026-04-01T00:00:00.000Z' });
    // a second paid order does not move the wait
    expect(orderPaid(b, program, { orderKey: 'web:2', at: '2026-03-03T00:00:00.000Z' })).toBe(b);
    // another order's refund changes nothing; this order's refund after the window neither
    expect(orderRefunded(b, { orderKey: 'web:2', at: '2026-03-05T00:00:00.000Z' })).toBe(b);
    expect(orderRefunded(b, { orderKey: 'web:1', at: '2026-04-02T00:00:00.000Z' })).toBe(b);
    const c = orderRefunded(b, { orderKey: 'web:1', at: '2026-03-05T00:00:00.000Z' });
    expect(c.referral).toEqual({ code: 'CODE', referrerId: 'referrer', status: 'referred', referredAt: '2026-03-01T00:00:00.000Z' });
    expect(referralDue(b, '2026-03-31T23:59:59.999Z')).toBe(false);
    expect(referralDue(b, '2026-04-01T00:00:00.000Z')).toBe(true);
  });

  it('is kept once (a second code does not replace the first) and refused for oneself', () => {
    const a = referred(friend(), { code: 'ONE', referrerId: 'r1', at: '2026-03-01T00:00:00.000Z' });
    expect(referred(a, { code: 'TWO', referrerId: 'r2', at: '2026-03-02T00:00:00.000Z' }).referral?.code).toBe('ONE');
    expect(referred(friend(), { code: 'SELF', referrerId: 'friend', at: '2026-03-01T00:00:00.000Z' }).referral?.status).toBe('refused');
  });

  it('makes the account due at the earlier of its next expiry and the end of the window', () => {
    const pending = orderPaid(referred(friend(), { code: 'C', referrerId: 'r', at: '2026-03-01T00:00:00.000Z' }), program, { orderKey: 'o', at: '2026-03-02T00:00:00.000Z' });
    expect(nextDue(pending, undefined)).toBe('2026-04-01T00:00:00.000Z');
    expect(nextDue(pending, '2026-03-15T00:00:00.000Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(nextDue(pending, '2026-05-01T00:00:00.000Z')).toBe('2026-04-01T00:00:00.000Z');
    expect(nextDue(friend(), '2026-05-01T00:00:00.000Z')).toBe('2026-05-01T00:00:00.000Z');
  });
});

describe("the referrer's monthly cap", () => {
  it('allows the cap per calendar month, and starts again the next month', () => {
    let referrer = enrol(newAccount('referrer', program), program, '2026-03-01T00:00:00.000Z');
    for (const at of ['2026-03-02T00:00:00.000Z', '2026-03-20T00:00:00.000Z']) {
      expect(referrerCapAllows(referrer, program, at)).toBe(true);
      referrer = countReferralRewarded(referrer, at);
    }
    expect(referrerCapAllows(referrer, program, '2026-03-31T23:00:00.000Z')).toBe(false);
    expect(referrerCapAllows(referrer, program, '2026-04-01T00:00:00.000Z')).toBe(true);
    expect(countReferralRewarded(referrer, '2026-04-01T00:00:00.000Z').referralsRewarded).toEqual({ month: '2026-04', count: 1 });
  });
});
