/**
 * Queues between the bus and the consumers, declared once: the CDK stateful stack creates each with its
 * DLQ and the event source mapping; the local runtime builds a LocalQueue with the same settings.
 */
import type { FunctionKey } from './functions.js';
import { SERVICE_QUEUES } from './service/queues.js';
import { CAMPAIGN_QUEUES } from './campaigns/queues.js';

export interface QueueDeclaration {
  name: string;
  visibilityTimeoutSeconds: number;
  /** Receives before a message goes to the queue's DLQ. */
  maxReceiveCount: number;
  /** How long the DLQ keeps what failed, for inspection and redrive. */
  dlqRetentionDays: number;
  consumer: { function: FunctionKey; batchSize: number; maxBatchingWindowSeconds: number };
}

import { LOYALTY_QUEUES } from './loyalty/queues.js';

export const QUEUES = {
  ...LOYALTY_QUEUES,
  ...SERVICE_QUEUES,
  ...CAMPAIGN_QUEUES,

  'customer-knowledge': {
    name: 'customer-knowledge',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'customerKnowledge', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
  'consent-retention': {
    name: 'consent-retention',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'consentRetention', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
  erasure: {
    name: 'erasure',
    // six times the consumer's timeout; one request per invocation, each step hands on to the next
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'erasure', batchSize: 1, maxBatchingWindowSeconds: 0 },
  },
} as const satisfies Record<string, QueueDeclaration>;

export type QueueName = keyof typeof QUEUES;
