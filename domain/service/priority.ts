/**
 * Ticket priority from what the CRM knows: how negative the customer is, what the customer is worth, and how
 * many people can see the conversation. Shown with its inputs, points and rule, like the knowledge figures.
 */
import type { Priority } from './sla.js';

export interface PriorityInputs {
  sentiment: number | null;
  intent: string | null;
  /** comment, mention, dm... */
  kind: string;
  /** Public conversations (comments, mentions, reviews, shares) are seen by others; DMs are not. */
  isPublic: boolean;
  /** Followers of the account that wrote (reach). */
  followers: number;
  /** Loyalty tier on the knowledge record, when the loyalty engine set one. */
  tier: string | null;
  rfmClass: string | null;
  /** Predictive CLV as an exact decimal string, and its currency. */
  clv: { amount: string; currency: string } | null;
}

export interface PriorityDecision {
  value: Priority;
  inputs: PriorityInputs;
  points: { sentiment: number; value: number; exposure: number; intent: number; total: number };
  rule: string;
}

export const PRIORITY_RULE =
  'points = sentiment (≤ -0.6: 3, ≤ -0.3: 2, < 0: 1) + customer value, the highest of (tier gold/platinum/vip: 2, silver: 1; ' +
  'RFM champions/loyal/cannot_lose: 2, at_risk/need_attention: 1; predictive CLV ≥ 1000: 2, ≥ 300: 1) + exposure (public and ' +
  '≥ 10,000 followers: 2, public and ≥ 1,000: 1, DM: 0) + complaint intent: 1; urgent ≥ 6, high ≥ 4, normal ≥ 2, else low';

const HIGH_TIERS = ['gold', 'platinum', 'vip', 'diamond'];
const HIGH_RFM = ['champions', 'loyal', 'cannot_lose'];
const MID_RFM = ['at_risk', 'need_attention'];

export function decidePriority(inputs: PriorityInputs): PriorityDecision {
  const s = inputs.sentiment;
  const sentiment = s === null ? 0 : s <= -0.6 ? 3 : s <= -0.3 ? 2 : s < 0 ? 1 : 0;
  const tier = inputs.tier?.toLowerCase() ?? null;
  const tierPoints = tier && HIGH_TIERS.includes(tier) ? 2 : tier === 'silver' ? 1 : 0;
  const rfmPoints = inputs.rfmClass && HIGH_RFM.includes(inputs.rfmClass) ? 2 : inputs.rfmClass && MID_RFM.includes(inputs.rfmClass) ? 1 : 0;
  const clv = inputs.clv ? Number(inputs.clv.amount) : 0; // a comparison against a threshold: float precision is irrelevant here
  const clvPoints = clv >= 1000 ? 2 : clv >= 300 ? 1 : 0;
  const value = Math.max(tierPoints, rfmPoints, clvPoints);
  const exposure = !inputs.isPublic ? 0 : inputs.followers >= 10_000 ? 2 : inputs.followers >= 1_000 ? 1 : 0;
  const intent = inputs.intent === 'complaint' ? 1 : 0;
  const total = sentiment + value + exposure + intent;
  const priority: Priority = total >= 6 ? 'urgent' : total >= 4 ? 'high' : total >= 2 ? 'normal' : 'low';
  return { value: priority, inputs, points: { sentiment, value, exposure, intent, total }, rule: PRIORITY_RULE };
}
