/**
 * The four shares of a customer. Voice, Mind and Heart come from social interactions and are computed
 * only with the person's social profiling consent (the caller passes null inputs otherwise); Wallet comes
 * from orders and needs the tenant's category spend estimate.
 *
 * - Share of Voice = customerVoice ÷ tenantVoice, where customerVoice = voiceInteractions × reachWeight,
 *   voiceInteractions = comments, mentions, shares, reviews, DMs and content about/with the brand,
 *   reachWeight = 1 + log10(1 + followers across the person's identities), and tenantVoice = Σ customerVoice
 *   over the tenant's consenting customers at the last recompute (capped at 1 until the next one).
 * - Share of Wallet = annualSpend ÷ categorySpendEstimate (per customer and year, a tenant setting), capped
 *   at 1; annualSpend = netSpend × 365 ÷ max(365, daysSinceFirstOrder).
 * - Share of Mind = brandMentions ÷ (brandMentions + competitorMentions); a brand mention is an interaction
 *   of kind mention or whose text has a brand keyword, a competitor mention one whose text has a competitor
 *   keyword. Both are also shown weighted by influence (× reachWeight) so tenant-wide figures add up.
 * - Share of Heart = ½ × (weightedSentiment + 1) ÷ 2 + ½ × passion ÷ (passion + 2), where weightedSentiment
 *   is the mean sentiment of scored texts with each weighted 2^(−age/90 days), and passion is the same
 *   recency-weighted count of passion signals (reviews, shares, content, referrals that were not negative).
 */
import type { InteractionKind } from '../shared/vocabulary.js';
import { displayScale, ratio, round, scaleDecimal } from '../shared/decimal.js';
import type { Money } from '../shared/money.js';

export const VOICE_KINDS: readonly InteractionKind[] = ['comment', 'mention', 'share', 'review', 'dm', 'content'];
export const PASSION_KINDS: readonly InteractionKind[] = ['review', 'share', 'content', 'referral'];
export const HEART_HALF_LIFE_DAYS = 90;
const DAY_MS = 86_400_000;

/** Recency-weighted sums, all as of `at`; moving to a later time multiplies each by the same decay. */
export interface HeartState {
  at: string;
  /** Σ weight × sentiment of scored texts. */
  sentiment: number;
  /** Σ weight of scored texts. */
  weight: number;
  /** Σ weight of passion signals. */
  passion: number;
}

export function decay(fromIso: string, toIso: string): number {
  const days = (Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS;
  return 2 ** (-days / HEART_HALF_LIFE_DAYS);
}

/** Adds one interaction, in any arrival order: an older one is decayed to the state's time, never the reverse. */
export function addToHeart(state: HeartState | undefined, at: string, sentiment: number | null, passion: boolean): HeartState {
  const base = state ?? { at, sentiment: 0, weight: 0, passion: 0 };
  const s = sentiment ?? 0;
  const w = sentiment === null ? 0 : 1;
  const p = passion ? 1 : 0;
  if (at >= base.at) {
    const f = decay(base.at, at);
    return { at, sentiment: base.sentiment * f + s, weight: base.weight * f + w, passion: base.passion * f + p };
  }
  const f = decay(at, base.at);
  return { at: base.at, sentiment: base.sentiment + s * f, weight: base.weight + w * f, passion: base.passion + p * f };
}

export function mergeHeart(a: HeartState | undefined, b: HeartState | undefined): HeartState | undefined {
  if (!a || !b) return a ?? b;
  const [later, earlier] = a.at >= b.at ? [a, b] : [b, a];
  const f = decay(earlier.at, later.at);
  return {
    at: later.at,
    sentiment: later.sentiment + earlier.sentiment * f,
    weight: later.weight + earlier.weight * f,
    passion: later.passion + earlier.passion * f,
  };
}

export function heartAt(state: HeartState, nowIso: string): { weightedSentiment: number | null; passion: number } {
  const f = nowIso > state.at ? decay(state.at, nowIso) : 1;
  return {
    // both sums decay alike, so the mean does not depend on when it is read
    weightedSentiment: state.weight > 1e-12 ? state.sentiment / state.weight : null,
    passion: state.passion * f,
  };
}

export function isPassionSignal(kind: string, sentiment: number | null): boolean {
  return (PASSION_KINDS as readonly string[]).includes(kind) && (sentiment === null || sentiment >= 0);
}

export function reachWeight(followers: number): number {
  return 1 + Math.log10(1 + Math.max(0, followers));
}

/** Lower case, accents removed: "Café" and "cafe" match. */
function normalise(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whole-word (or whole-phrase) matches of keywords in a text; each keyword counts once. */
export function keywordsIn(text: string, keywords: readonly string[]): string[] {
  const haystack = normalise(text);
  return keywords.filter((keyword) => {
    const needle = normalise(keyword.trim());
    if (!needle) return false;
    let from = 0;
    for (;;) {
      const at = haystack.indexOf(needle, from);
      if (at < 0) return false;
      const before = haystack[at - 1];
      const after = haystack[at + needle.length];
      const boundary = (c: string | undefined) => c === undefined || !/[\p{L}\p{N}_]/u.test(c);
      if (boundary(before) && boundary(after)) return true;
      from = at + 1;
    }
  });
}

export interface Figure<V> {
  value: V | null;
  inputs: Record<string, unknown>;
  formula: string;
  /** Why the value is null, when it is. */
  note?: string;
}

export const NO_SOCIAL_CONSENT = 'no social_profiling consent: interactions do not count';

export function shareOfVoice(input: { voiceInteractions: number; followers: number; tenantVoice: number | null; tenantVoiceAt: string | null } | null): Figure<number> {
  const formula = 'voiceInteractions × (1 + log10(1 + followers)) ÷ tenantVoice (Σ over consenting customers at the last recompute), capped at 1';
  if (!input) return { value: null, inputs: {}, formula, note: NO_SOCIAL_CONSENT };
  const weight = reachWeight(input.followers);
  const customerVoice = input.voiceInteractions * weight;
  const inputs = {
    voiceInteractions: input.voiceInteractions,
    followers: input.followers,
    reachWeight: round(weight, 4),
    customerVoice: round(customerVoice, 4),
    tenantVoice: input.tenantVoice === null ? null : round(input.tenantVoice, 4),
    tenantVoiceComputedAt: input.tenantVoiceAt,
  };
  if (input.tenantVoice === null) return { value: null, inputs, formula, note: 'tenant totals not computed yet (POST /v1/knowledge/recompute)' };
  if (customerVoice === 0) return { value: 0, inputs, formula };
  return { value: round(Math.min(1, customerVoice / Math.max(input.tenantVoice, customerVoice)), 6), inputs, formula };
}

export function shareOfWallet(input: { netSpend: Money; daysSinceFirstOrder: number; estimate: Money | undefined } | null): Figure<number> {
  const formula = 'annualSpend ÷ categorySpendEstimate, capped at 1; annualSpend = netSpend × 365 ÷ max(365, daysSinceFirstOrder)';
  if (!input) return { value: null, inputs: {}, formula, note: 'no orders' };
  const observedDays = Math.max(365, input.daysSinceFirstOrder);
  const annualSpend = { amount: scaleDecimal(input.netSpend.amount, '365', String(observedDays), displayScale(input.netSpend.amount)), currency: input.netSpend.currency };
  const inputs = { netSpend: input.netSpend, daysSinceFirstOrder: input.daysSinceFirstOrder, annualSpend, categorySpendEstimate: input.estimate ?? null };
  if (!input.estimate) return { value: null, inputs, formula, note: 'categorySpendEstimate not configured (PUT /v1/settings/knowledge)' };
  if (input.estimate.currency !== input.netSpend.currency) {
    return { value: null, inputs, formula, note: `the estimate is in ${input.estimate.currency}, the spend in ${input.netSpend.currency}` };
  }
  if (Number(input.estimate.amount) <= 0) return { value: null, inputs, formula, note: 'categorySpendEstimate must be positive' };
  const raw = ratio(annualSpend.amount, input.estimate.amount);
  return { value: round(Math.max(0, Math.min(1, raw)), 6), inputs: { ...inputs, uncapped: round(raw, 6) }, formula };
}

export function shareOfMind(
  input: { brandMentions: number; competitorMentions: number; byCompetitor: Record<string, number>; followers: number } | null,
): Figure<number> {
  const formula = 'brandMentions ÷ (brandMentions + competitorMentions); weighted figures × (1 + log10(1 + followers))';
  if (!input) return { value: null, inputs: {}, formula, note: NO_SOCIAL_CONSENT };
  const weight = reachWeight(input.followers);
  const inputs = {
    brandMentions: input.brandMentions,
    competitorMentions: input.competitorMentions,
    byCompetitorKeyword: input.byCompetitor,
    reachWeight: round(weight, 4),
    weightedBrandMentions: round(input.brandMentions * weight, 4),
    weightedCompetitorMentions: round(input.competitorMentions * weight, 4),
  };
  const total = input.brandMentions + input.competitorMentions;
  if (total === 0) return { value: null, inputs, formula, note: 'no brand or competitor mentions' };
  return { value: round(input.brandMentions / total, 6), inputs, formula };
}

export function shareOfHeart(input: { heart: HeartState | undefined; now: string } | null): Figure<number> {
  const formula = `½ × (weightedSentiment + 1) ÷ 2 + ½ × passion ÷ (passion + 2); weights 2^(−age ÷ ${HEART_HALF_LIFE_DAYS} days); weightedSentiment 0 when no scored text`;
  if (!input) return { value: null, inputs: {}, formula, note: NO_SOCIAL_CONSENT };
  if (!input.heart) return { value: null, inputs: { weightedSentiment: null, passion: 0 }, formula, note: 'no interactions' };
  const { weightedSentiment, passion } = heartAt(input.heart, input.now);
  const inputs = {
    weightedSentiment: weightedSentiment === null ? null : round(weightedSentiment, 4),
    scoredTextsWeight: round(input.heart.weight, 4),
    passion: round(passion, 4),
    halfLifeDays: HEART_HALF_LIFE_DAYS,
  };
  if (weightedSentiment === null && passion < 1e-9) return { value: null, inputs, formula, note: 'no scored text and no passion signals' };
  const value = 0.5 * (((weightedSentiment ?? 0) + 1) / 2) + 0.5 * (passion / (passion + 2));
  return { value: round(value, 6), inputs, formula };
}
