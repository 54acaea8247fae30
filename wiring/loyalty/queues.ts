/** The loyalty context's queue (spread into QUEUES). */
import type { QueueDeclaration } from '../queues.js';

export const LOYALTY_QUEUES = {
  loyalty: {
    name: 'loyalty',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'loyaltyAwarder', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
} as const satisfies Record<string, QueueDeclaration>;
