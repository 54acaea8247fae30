/**
 * Event rules: which events go where. The CDK stack turns each into an EventBridge rule with an SQS
 * target (and a DLQ on the target); the local runtime's bus applies the same patterns to the same queues.
 */
import {
  BUS_NAME,
  ConsentChanged,
  CustomerErased,
  CustomerRegistered,
  CustomersMerged,
  CustomerUpdated,
  ErasureRequested,
  InteractionRecorded,
  InteractionRemoved,
  KnowledgeRefreshRequested,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
  ReferralCompleted,
  TierChanged,
  type EventDefinition,
} from './catalog.js';
import type { QueueName } from '../wiring/queues.js';
import { SERVICE_RULES } from './service/rules.js';
import { CAMPAIGN_RULES } from './campaigns/rules.js';

export interface RuleDeclaration {
  /** Logical name; the CDK construct id and the local bus both use it. */
  name: string;
  description: string;
  /** EventBridge pattern, exactly as deployed. */
  pattern: Record<string, unknown>;
  target: { queue: QueueName };
}

/** The pattern that selects exactly these events: their sources and detail-types (plus any content filter). */
function eventsOf(definitions: readonly EventDefinition[], detail?: Record<string, unknown>): Record<string, unknown> {
  return {
    source: [...new Set(definitions.map((d) => d.source))],
    'detail-type': definitions.map((d) => d.detailType),
    ...(detail && { detail }),
  };
}

export const RULES: readonly RuleDeclaration[] = [
  {
    name: 'InteractionToCustomerActivity',
    description: 'Every recorded interaction updates the customer activity figures (last seen, counts per channel).',
    pattern: eventsOf([InteractionRecorded]),
    target: { queue: 'customer-activity' },
  },
  {
    name: 'CustomerKnowledgeInputs',
    description: "Orders, interactions, consent, tier, profile changes, merges and erasures change a customer's knowledge (RFM, CLV, stage, shares) and segment membership.",
    pattern: eventsOf([
      OrderPlaced,
      OrderRefunded,
      OrderStatusChanged,
      InteractionRecorded,
      ConsentChanged,
      TierChanged,
      CustomersMerged,
      CustomerErased,
      CustomerRegistered,
      CustomerUpdated,
    ]),
    target: { queue: 'customer-knowledge' },
  },
  {
    name: 'CustomerKnowledgeJobs',
    description: 'Steps of knowledge recomputes and segment back-fills, each handing on to the next.',
    pattern: eventsOf([KnowledgeRefreshRequested]),
    target: { queue: 'customer-knowledge' },
  },
  {
    name: 'SocialProfilingRetention',
    description:
      "A social_profiling consent change re-applies the retention of the person's interactions: kept while granted, expiring after the tenant's retention period otherwise.",
    pattern: eventsOf([ConsentChanged], { data: { purpose: ['social_profiling'] } }),
    target: { queue: 'consent-retention' },
  },
  {
    name: 'MergeRetention',
    description: "A merge moves interactions onto the survivor: their retention follows the survivor's social_profiling consent.",
    pattern: eventsOf([CustomersMerged]),
    target: { queue: 'consent-retention' },
  },
  {
    name: 'LoyaltyEarning',
    description:
      'Verified actions (interactions from signed webhooks and signed events), their removal, orders, refunds, sign-ups and completed referrals move members\' points: awards, reversals, the welcome pack, the referrer\'s reward.',
    pattern: eventsOf([InteractionRecorded, InteractionRemoved, OrderPlaced, OrderStatusChanged, OrderRefunded, CustomerRegistered, ReferralCompleted]),
    target: { queue: 'loyalty' },
  },
  {
    name: 'ErasureSteps',
    description: 'Steps of an erasure job: each works until its time runs short and hands on to the next.',
    pattern: eventsOf([ErasureRequested]),
    target: { queue: 'erasure' },
  },
  ...SERVICE_RULES,
  ...CAMPAIGN_RULES,
];

export { BUS_NAME };
