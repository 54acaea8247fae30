/** The loyalty context's event rules (spread into events/rules.ts). */
import { CustomerRegistered, InteractionRecorded, InteractionRemoved, OrderPlaced, OrderRefunded, OrderStatusChanged, ReferralCompleted } from '../catalog.js';
import { eventsOf } from '../pattern.js';
import type { RuleDeclaration } from '../rules.js';

export const LOYALTY_RULES: readonly RuleDeclaration[] = [
  {
    name: 'LoyaltyEarning',
    description:
      'Verified actions (interactions from signed webhooks and signed events), their removal, orders, refunds, sign-ups and completed referrals move members\' points: awards, reversals, the welcome pack, the referrer\'s reward.',
    pattern: eventsOf([InteractionRecorded, InteractionRemoved, OrderPlaced, OrderStatusChanged, OrderRefunded, CustomerRegistered, ReferralCompleted]),
    target: { queue: 'loyalty' },
  },
];
