/**
 * Lifecycle stage and churn risk, from the customer's counted orders, consent and social signals.
 *
 * Stage (prospect → lead → customer → repeat → loyal → advocate), first match:
 *  - advocate: loyal (below) AND social profiling consent AND at least ADVOCATE_MIN_SIGNALS advocacy
 *    signals (reviews, shares, content, referrals that were not negative) AND a recency-weighted
 *    sentiment ≥ 0 (or no scored text at all). Without the consent nobody is an advocate: the signals
 *    are social, so withdrawal drops the stage back to loyal at once;
 *  - loyal: at least LOYAL_MIN_ORDERS counted orders;
 *  - repeat: 2 or more counted orders;
 *  - customer: 1 counted order;
 *  - lead: no counted order, and the person can be reached or asked to be: a marketing consent granted on
 *    any channel, an e-mail or phone identity, a registration, or the stage was already lead (a lead
 *    does not fall back to prospect);
 *  - prospect: anyone else (known only from social signals).
 * A refunded or cancelled only order makes a customer a lead again: stages follow the counted orders.
 *
 * Churn risk (buyers only; null otherwise), from whole days since the last order (d):
 *  - 2+ orders: ratio = d ÷ average days between orders ((last − first) ÷ (orders − 1), at least 1);
 *    high when ratio ≥ 3 or d ≥ 365, medium when ratio ≥ 1.5, else low;
 *  - 1 order: high when d ≥ 180, medium when d ≥ 90, else low.
 */
import type { Stage } from '../shared/vocabulary.js';

export const LOYAL_MIN_ORDERS = 4;
export const ADVOCATE_MIN_SIGNALS = 2;

export type ChurnRisk = 'low' | 'medium' | 'high';

export interface StageInputs {
  orders: number;
  previousStage: Stage;
  marketingConsent: boolean;
  contactIdentity: boolean;
  registered: boolean;
  socialProfiling: boolean;
  advocacySignals: number;
  /** Recency-weighted mean sentiment, or null when no scored text. */
  weightedSentiment: number | null;
}

export function lifecycleStage(i: StageInputs): Stage {
  if (i.orders >= LOYAL_MIN_ORDERS) {
    const advocate =
      i.socialProfiling && i.advocacySignals >= ADVOCATE_MIN_SIGNALS && (i.weightedSentiment === null || i.weightedSentiment >= 0);
    return advocate ? 'advocate' : 'loyal';
  }
  if (i.orders >= 2) return 'repeat';
  if (i.orders === 1) return 'customer';
  if (i.marketingConsent || i.contactIdentity || i.registered || i.previousStage === 'lead') return 'lead';
  return 'prospect';
}

export interface ChurnInputs {
  orders: number;
  daysSinceLastOrder: number;
  /** Whole days between the first and the last order. */
  daysBetweenFirstAndLast: number;
}

export function churnRisk(i: ChurnInputs): { risk: ChurnRisk | null; averageDaysBetweenOrders: number | null; ratio: number | null } {
  if (i.orders <= 0) return { risk: null, averageDaysBetweenOrders: null, ratio: null };
  if (i.orders === 1) {
    const risk: ChurnRisk = i.daysSinceLastOrder >= 180 ? 'high' : i.daysSinceLastOrder >= 90 ? 'medium' : 'low';
    return { risk, averageDaysBetweenOrders: null, ratio: null };
  }
  const average = Math.max(1, i.daysBetweenFirstAndLast / (i.orders - 1));
  const ratio = i.daysSinceLastOrder / average;
  const risk: ChurnRisk = ratio >= 3 || i.daysSinceLastOrder >= 365 ? 'high' : ratio >= 1.5 ? 'medium' : 'low';
  return { risk, averageDaysBetweenOrders: Math.round(average * 100) / 100, ratio: Math.round(ratio * 100) / 100 };
}

export const LIFECYCLE_RULES =
  `first match: advocate = loyal + social_profiling consent + ≥${ADVOCATE_MIN_SIGNALS} advocacy signals (non-negative reviews, shares, content, referrals) + recency-weighted sentiment ≥ 0 (or none); loyal = ≥${LOYAL_MIN_ORDERS} counted orders; repeat = ≥2; customer = 1; lead = no order but marketing consent, e-mail/phone identity, registration, or already lead; prospect otherwise. ` +
  'Churn risk (buyers): 2+ orders: ratio = daysSinceLastOrder ÷ average days between orders, high ≥ 3 (or ≥ 365 days), medium ≥ 1.5, else low; 1 order: high ≥ 180 days, medium ≥ 90, else low';
