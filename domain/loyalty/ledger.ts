/**
 * The points ledger as pure functions over a member's account: every credit is a lot; every debit
 * (redemption, expiry, reversal, negative adjustment) draws from lots oldest-expiry first and names the lots
 * it drew from. The balance is always the sum of the lots; no lot goes below zero.
 */

export type CreditKind = 'action' | 'purchase' | 'welcome' | 'referral' | 'adjustment' | 'restored';
export type DebitKind = 'redemption' | 'expiry' | 'reversal' | 'adjustment';

export interface Lot {
  lotId: string;
  kind: CreditKind;
  /** The event (or request) that created it, the rule and the program version that decided it. */
  sourceId: string;
  ruleId: string;
  programVersion: number;
  /** The order it came from (purchases), so a refund reverses exactly these lots. */
  orderKey?: string;
  /** The order's paid total (exact decimal string), so a partial refund reverses its share. */
  orderTotal?: string;
  points: number;
  remaining: number;
  earnedAt: string;
  /** Purchases stay pending during the return window. */
  availableAt: string;
  /** Absent: never expires. */
  expiresAt?: string;
}

/** Points a debit took from one lot, with what is needed to give them back as they were. */
export interface Draw {
  lotId: string;
  points: number;
  availableAt: string;
  expiresAt?: string;
  earnedAt: string;
}

export interface LedgerEntry {
  entryId: string;
  at: string;
  /** Positive for credits, negative for debits. */
  points: number;
  kind: CreditKind | DebitKind;
  sourceId: string;
  reason: string;
  ruleId?: string;
  programVersion?: number;
  /** The lot a credit created, or the lots a debit drew from. */
  lots: Draw[];
}

export class InsufficientPoints extends Error {
  override readonly name = 'InsufficientPoints';
  constructor(readonly available: number, readonly requested: number) {
    super(`insufficient points: ${available} available, ${requested} requested`);
  }
}

const isAvailable = (lot: Lot, now: string) => lot.availableAt <= now && (lot.expiresAt === undefined || lot.expiresAt > now);
const isPending = (lot: Lot, now: string) => lot.availableAt > now && (lot.expiresAt === undefined || lot.expiresAt > now);

export function availablePoints(lots: readonly Lot[], now: string): number {
  return lots.reduce((sum, lot) => sum + (isAvailable(lot, now) ? lot.remaining : 0), 0);
}

export function pendingPoints(lots: readonly Lot[], now: string): number {
  return lots.reduce((sum, lot) => sum + (isPending(lot, now) ? lot.remaining : 0), 0);
}

/** Oldest expiry first (never-expiring last), then oldest earned: the order debits draw in. */
export function drawOrder(a: Lot, b: Lot): number {
  const ea = a.expiresAt ?? '\uffff';
  const eb = b.expiresAt ?? '\uffff';
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.earnedAt !== b.earnedAt) return a.earnedAt < b.earnedAt ? -1 : 1;
  return a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0;
}

function drawFrom(lots: Lot[], pick: (lot: Lot) => boolean, points: number): { lots: Lot[]; draws: Draw[]; taken: number } {
  const next = lots.map((l) => ({ ...l }));
  const draws: Draw[] = [];
  let left = points;
  for (const lot of [...next].filter(pick).sort(drawOrder)) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take <= 0) continue;
    lot.remaining -= take;
    left -= take;
    draws.push({ lotId: lot.lotId, points: take, availableAt: lot.availableAt, earnedAt: lot.earnedAt, ...(lot.expiresAt && { expiresAt: lot.expiresAt }) });
  }
  return { lots: next, draws, taken: points - left };
}

/** A credit: a new lot and its ledger entry. */
export function credit(lots: readonly Lot[], lot: Omit<Lot, 'remaining'>, entryId: string, reason: string): { lots: Lot[]; entry: LedgerEntry } {
  if (!Number.isInteger(lot.points) || lot.points <= 0) throw new RangeError('a credit is a positive whole number of points');
  const created: Lot = { ...lot, remaining: lot.points };
  return {
    lots: [...lots, created],
    entry: {
      entryId,
      at: lot.earnedAt,
      points: lot.points,
      kind: lot.kind,
      sourceId: lot.sourceId,
      reason,
      ruleId: lot.ruleId,
      programVersion: lot.programVersion,
      lots: [{ lotId: created.lotId, points: lot.points, availableAt: created.availableAt, earnedAt: created.earnedAt, ...(created.expiresAt && { expiresAt: created.expiresAt }) }],
    },
  };
}

/** A debit of available points (redemption, negative adjustment): all or nothing, never below zero. */
export function debit(
  lots: readonly Lot[],
  points: number,
  now: string,
  meta: { entryId: string; kind: DebitKind; sourceId: string; reason: string },
): { lots: Lot[]; entry: LedgerEntry } {
  if (!Number.isInteger(points) || points <= 0) throw new RangeError('a debit is a positive whole number of points');
  const available = availablePoints(lots, now);
  if (available < points) throw new InsufficientPoints(available, points);
  const drawn = drawFrom([...lots], (l) => isAvailable(l, now), points);
  return { lots: drawn.lots, entry: { ...meta, at: now, points: -points, lots: drawn.draws } };
}

/**
 * Reverses up to `points` of the lots `pick` selects (a refunded order's lots, a deleted comment's lot):
 * pending points first, then available ones; what those lots no longer hold (already spent) is not taken from
 * other lots, so a reversal never pushes a balance below zero.
 */
export function reverse(
  lots: readonly Lot[],
  pick: (lot: Lot) => boolean,
  points: number,
  now: string,
  meta: { entryId: string; sourceId: string; reason: string },
): { lots: Lot[]; entry?: LedgerEntry; reversed: number } {
  const pending = drawFrom([...lots], (l) => pick(l) && isPending(l, now), points);
  const rest = drawFrom(pending.lots, (l) => pick(l) && isAvailable(l, now), points - pending.taken);
  const reversed = pending.taken + rest.taken;
  if (reversed === 0) return { lots: rest.lots, reversed };
  return { lots: rest.lots, reversed, entry: { ...meta, kind: 'reversal', at: now, points: -reversed, lots: [...pending.draws, ...rest.draws] } };
}

/** Expires what is due: every lot whose expiry has passed loses what it still holds. */
export function expireDue(lots: readonly Lot[], now: string, meta: { entryId: string; sourceId: string }): { lots: Lot[]; entry?: LedgerEntry } {
  const due = (l: Lot) => l.expiresAt !== undefined && l.expiresAt <= now && l.remaining > 0;
  const total = lots.filter(due).reduce((s, l) => s + l.remaining, 0);
  if (total === 0) return { lots: [...lots] };
  const drawn = drawFrom([...lots], due, total);
  return { lots: drawn.lots, entry: { ...meta, kind: 'expiry', at: now, reason: 'points expired', points: -total, lots: drawn.draws } };
}

/**
 * Gives back what a debit drew (a cancelled redemption): the same lots, with their original availability and
 * expiry. A lot pruned meanwhile is recreated from the draw.
 */
export function restore(lots: readonly Lot[], draws: readonly Draw[], now: string, meta: { entryId: string; sourceId: string; reason: string }): { lots: Lot[]; entry: LedgerEntry } {
  const next = lots.map((l) => ({ ...l }));
  for (const draw of draws) {
    const lot = next.find((l) => l.lotId === draw.lotId);
    if (lot) lot.remaining += draw.points;
    else
      next.push({
        lotId: draw.lotId,
        kind: 'restored',
        sourceId: meta.sourceId,
        ruleId: 'restore',
        programVersion: 0,
        points: draw.points,
        remaining: draw.points,
        earnedAt: draw.earnedAt,
        availableAt: draw.availableAt,
        ...(draw.expiresAt && { expiresAt: draw.expiresAt }),
      });
  }
  const points = draws.reduce((s, d) => s + d.points, 0);
  return { lots: next, entry: { ...meta, kind: 'restored', at: now, points, lots: [...draws] } };
}

/** Lots that hold nothing are history (the ledger entries keep it): dropping them keeps the account item small. */
export function prune(lots: readonly Lot[]): Lot[] {
  return lots.filter((l) => l.remaining > 0);
}

/** The next moment a lot expires, for the expiry index. */
export function nextExpiry(lots: readonly Lot[]): string | undefined {
  return lots.filter((l) => l.remaining > 0 && l.expiresAt).map((l) => l.expiresAt!).sort()[0];
}

/** Points of lots still holding something that expire within `days` after `now`. */
export function expiringWithin(lots: readonly Lot[], now: string, days: number): number {
  const until = new Date(Date.parse(now) + days * 86_400_000).toISOString();
  return lots.filter((l) => l.remaining > 0 && l.expiresAt && l.expiresAt > now && l.expiresAt <= until).reduce((s, l) => s + l.remaining, 0);
}
