/**
 * The ledger's invariants, for any sequence of awards, redemptions, refunds and expiries: the balance is the sum
 * of the lots, no lot goes below zero, no source is awarded twice, and a debit never takes more than is available.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAction, applyExpiry, applyPurchase, applyRefund, enrol, newAccount, tierFor, type LoyaltyAccount } from '../../../domain/loyalty/account.js';
import { availablePoints, debit, InsufficientPoints, pendingPoints, restore, type Lot } from '../../../domain/loyalty/ledger.js';
import { DEFAULT_PROGRAM, ProgramInput, type Program } from '../../../domain/loyalty/program.js';

const program: Program = { ...DEFAULT_PROGRAM, version: 3, expiry: { kind: 'days', days: 30 } };
const DAY = 86_400_000;
const at = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * DAY).toISOString();
const member = () => enrol(newAccount('c-1', program), program, at(0));
const sum = (lots: readonly Lot[]) => lots.reduce((s, l) => s + l.remaining, 0);

type Op =
  | { op: 'comment'; day: number; id: number }
  | { op: 'order'; day: number; id: number; units: number }
  | { op: 'refund'; day: number; id: number; share: number }
  | { op: 'redeem'; day: number; points: number }
  | { op: 'expire'; day: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('comment' as const), day: fc.integer({ min: 0, max: 90 }), id: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ op: fc.constant('order' as const), day: fc.integer({ min: 0, max: 90 }), id: fc.integer({ min: 0, max: 10 }), units: fc.integer({ min: 1, max: 500 }) }),
    fc.record({ op: fc.constant('refund' as const), day: fc.integer({ min: 0, max: 90 }), id: fc.integer({ min: 0, max: 10 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ op: fc.constant('redeem' as const), day: fc.integer({ min: 0, max: 90 }), points: fc.integer({ min: 1, max: 300 }) }),
    fc.record({ op: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 120 }) }),
  ),
  { maxLength: 60 },
);

function run(list: Op[]): { account: LoyaltyAccount; credited: Map<string, number> } {
  let account = member();
  const credited = new Map<string, number>();
  let n = 0;
  for (const o of [...list].sort((a, b) => a.day - b.day)) {
    const entryId = `e${n++}`;
    const now = at(o.day);
    switch (o.op) {
      case 'comment': {
        const source = `comment-${o.id}`;
        if (credited.has(source)) break; // the engine's marker: a source is applied once
        const r = applyAction(account, program, { action: 'comment', channel: 'facebook', sourceId: source, at: now }, entryId);
        credited.set(source, r.awarded);
        account = r.account;
        break;
      }
      case 'order': {
        const source = `purchase:${o.id}`;
        if (credited.has(source)) break;
        const r = applyPurchase(account, program, { sourceId: source, orderKey: `shop:${o.id}`, orderTotal: `${o.units}.00`, points: o.units, at: now }, entryId);
        credited.set(source, r.awarded);
        account = r.account;
        break;
      }
      case 'refund': {
        account = applyRefund(account, program, { sourceId: `refund-${n}`, orderKey: `shop:${o.id}`, refundedTotal: '0', full: false, at: now }, entryId).account;
        const total = account.lots.find((l) => l.orderKey === `shop:${o.id}`)?.orderTotal;
        if (total) account = applyRefund(account, program, { sourceId: `refund-${n}b`, orderKey: `shop:${o.id}`, refundedTotal: String(Number(total) * o.share), full: false, at: now }, `${entryId}b`).account;
        break;
      }
      case 'redeem': {
        const before = availablePoints(account.lots, now);
        try {
          account = { ...account, lots: debit(account.lots, o.points, now, { entryId, kind: 'redemption', sourceId: entryId, reason: 'r' }).lots };
          expect(availablePoints(account.lots, now)).toBe(before - o.points);
        } catch (error) {
          expect(error).toBeInstanceOf(InsufficientPoints);
          expect(before).toBeLessThan(o.points);
        }
        break;
      }
      case 'expire':
        account = applyExpiry(account, program, now, entryId, `expiry-${n}`).account;
        break;
    }
    for (const lot of account.lots) {
      expect(lot.remaining).toBeGreaterThanOrEqual(0);
      expect(lot.remaining).toBeLessThanOrEqual(lot.points);
    }
    expect(availablePoints(account.lots, now) + pendingPoints(account.lots, now)).toBeLessThanOrEqual(sum(account.lots));
  }
  return { account, credited };
}

describe('the ledger of lots', () => {
  it('keeps the balance the sum of the lots and never lets a lot go below zero, for any sequence', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const { account } = run(list);
        const lots = account.lots;
        expect(lots.every((l) => l.remaining >= 0 && l.remaining <= l.points)).toBe(true);
        expect(new Set(lots.map((l) => l.lotId)).size).toBe(lots.length);
        // each source made at most one lot
        const sources = lots.map((l) => l.sourceId);
        expect(new Set(sources).size).toBe(sources.length);
      }),
      { numRuns: 300 },
    );
  });

  it('draws debits from the lot expiring first and records which lots it drew', () => {
    let a = member();
    a = applyAction(a, program, { action: 'comment', channel: 'x', sourceId: 's1', at: at(0) }, 'l1').account;
    a = applyAction(a, program, { action: 'comment', channel: 'x', sourceId: 's2', at: at(5) }, 'l2').account;
    const { lots, entry } = debit(a.lots, 7, at(6), { entryId: 'd', kind: 'redemption', sourceId: 'r', reason: 'r' });
    expect(entry.lots.map((d) => [d.lotId, d.points])).toEqual([
      ['l1', 5],
      ['l2', 2],
    ]);
    expect(lots.find((l) => l.lotId === 'l2')!.remaining).toBe(3);
    // cancelling gives back the same lots with their original expiry
    const back = restore(lots.filter((l) => l.remaining > 0), entry.lots, at(7), { entryId: 'c', sourceId: 'cancel', reason: 'cancel' });
    expect(back.lots.find((l) => l.lotId === 'l1')).toMatchObject({ remaining: 5, expiresAt: at(30) });
    expect(back.lots.find((l) => l.lotId === 'l2')!.remaining).toBe(5);
  });

  it('keeps purchases pending for the return window and reverses a refund from that order only, pending first', () => {
    let a = member();
    a = applyAction(a, program, { action: 'review', channel: 'web', sourceId: 'rv', at: at(0) }, 'l0').account;
    a = applyPurchase(a, program, { sourceId: 'purchase:1', orderKey: 'shop:1', orderTotal: '200.00', points: 200, at: at(1) }, 'p1').account;
    expect(pendingPoints(a.lots, at(2))).toBe(200);
    expect(availablePoints(a.lots, at(2))).toBe(50);
    const refunded = applyRefund(a, program, { sourceId: 'refund:1', orderKey: 'shop:1', refundedTotal: '50.00', full: false, at: at(3) }, 'r1');
    expect(refunded.entries[0]).toMatchObject({ kind: 'reversal', points: -50, lots: [expect.objectContaining({ lotId: 'p1', points: 50 })] });
    expect(availablePoints(refunded.account.lots, at(3))).toBe(50); // the review's points untouched
    // the whole order refunded later: only the rest of that order's points go
    const full = applyRefund(refunded.account, program, { sourceId: 'refund:2', orderKey: 'shop:1', refundedTotal: '200.00', full: true, at: at(4) }, 'r2');
    expect(full.entries[0]!.points).toBe(-150);
    expect(pendingPoints(full.account.lots, at(4))).toBe(0);
  });

  it('holds daily and lifetime caps, and a follow earns once however often it is repeated', () => {
    let a = member();
    let earned = 0;
    for (let i = 0; i < 8; i++) {
      const r = applyAction(a, program, { action: 'comment', channel: 'facebook', sourceId: `c${i}`, at: at(0) }, `e${i}`);
      earned += r.awarded;
      a = r.account;
    }
    expect(earned).toBe(5 * program.rules.comment!.points); // perDayCap 5
    expect(applyAction(a, program, { action: 'comment', channel: 'facebook', sourceId: 'next-day', at: at(1) }, 'n').awarded).toBe(5);
    const f1 = applyAction(a, program, { action: 'follow', channel: 'x', sourceId: 'f1', at: at(1), brandAccount: 'brand' }, 'f1');
    const f2 = applyAction(f1.account, program, { action: 'follow', channel: 'x', sourceId: 'f2', at: at(2), brandAccount: 'brand' }, 'f2');
    expect([f1.awarded, f2.awarded]).toEqual([20, 0]);
  });

  it('earns tiers from qualifying points in the window, and downgrades only after the grace period', () => {
    const p: Program = { ...program, tierWindowDays: 30, tierGraceDays: 10, tiers: [{ name: 'Bronze', threshold: 0 }, { name: 'Silver', threshold: 100 }] };
    let a = enrol(newAccount('c', p), p, at(0));
    const up = applyPurchase(a, p, { sourceId: 'o', orderKey: 'o', points: 120, at: at(0) }, 'o');
    expect(up.tierChange).toEqual({ from: 'Bronze', to: 'Silver' });
    a = up.account;
    expect(tierFor(a, p, at(35))).toEqual({ tier: 'Silver', belowTierSince: at(35) }); // window passed: grace starts
    expect(tierFor({ ...a, belowTierSince: at(35) }, p, at(46)).tier).toBe('Bronze');
  });

  it('refuses programs that cannot work, naming the field', () => {
    const bad = [
      { rules: { comment: { points: -5 } } },
      { rules: { unknown_action: { points: 5 } } },
      { rules: { comment: { points: 5, perDayCap: 0 } } },
      { tiers: [{ name: 'Silver', threshold: 10 }] },
    ];
    for (const input of bad) {
      const result = ProgramInput.safeParse(input);
      expect(result.success).toBe(false);
    }
    expect(ProgramInput.safeParse({ rules: { comment: { points: -5 } } }).error!.issues[0]!.path).toEqual(['rules', 'comment', 'points']);
  });
});
