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
  KnowledgeRefreshRequested,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
  TierChanged,
} from './catalog.js';
import type { QueueName } from '../wiring/queues.js';

export interface RuleDeclaration {
  /** Logical name; the CDK construct id and the local bus both use it. */
  name: string;
  description: string;
  /** EventBridge pattern, exactly as deployed. */
  pattern: Record<string, unknown>;
  target: { queue: QueueName };
}

export const RULES: readonly RuleDeclaration[] = [
  {
    name: 'InteractionToCustomerActivity',
    description: 'Every recorded interaction updates the customer activity figures (last seen, counts per channel).',
    pattern: {
      source: [InteractionRecorded.source],
      'detail-type': [InteractionRecorded.detailType],
    },
    target: { queue: 'customer-activity' },
  },
  {
    name: 'CustomerKnowledgeInputs',
    description: "Orders, interactions, consent, tier, profile changes, merges and erasures change a customer's knowledge (RFM, CLV, stage, shares) and segment membership.",
    pattern: {
      'detail-type': [
        OrderPlaced.detailType,
        OrderRefunded.detailType,
        OrderStatusChanged.detailType,
        InteractionRecorded.detailType,
        ConsentChanged.detailType,
        TierChanged.detailType,
        CustomersMerged.detailType,
        CustomerErased.detailType,
        CustomerRegistered.detailType,
        CustomerUpdated.detailType,
      ],
      source: [...new Set([OrderPlaced.source, InteractionRecorded.source, ConsentChanged.source, TierChanged.source, CustomersMerged.source])],
    },
    target: { queue: 'customer-knowledge' },
  },
  {
    name: 'CustomerKnowledgeJobs',
    description: 'Steps of knowledge recomputes and segment back-fills, each handing on to the next.',
    pattern: {
      source: [KnowledgeRefreshRequested.source],
      'detail-type': [KnowledgeRefreshRequested.detailType],
    },
    target: { queue: 'customer-knowledge' },
  },
  {
    name: 'SocialProfilingRetention',
    description:
      "A social_profiling consent change re-applies the retention of the person's interactions: kept while granted, expiring after the tenant's retention period otherwise.",
    pattern: {
      source: [ConsentChanged.source],
      'detail-type': [ConsentChanged.detailType],
      detail: { data: { purpose: ['social_profiling'] } },
    },
    target: { queue: 'consent-retention' },
  },
  {
    name: 'MergeRetention',
    description: "A merge moves interactions onto the survivor: their retention follows the survivor's social_profiling consent.",
    pattern: {
      source: [CustomersMerged.source],
      'detail-type': [CustomersMerged.detailType],
    },
    target: { queue: 'consent-retention' },
  },
  {
    name: 'ErasureSteps',
    description: 'Steps of an erasure job: each works until its time runs short and hands on to the next.',
    pattern: {
      source: [ErasureRequested.source],
      'detail-type': [ErasureRequested.detailType],
    },
    target: { queue: 'erasure' },
  },
];

export { BUS_NAME };
