/**
 * The campaigns context's queues (spread into wiring/queues.ts QUEUES) and rules (spread into events/rules.ts RULES).
 */
import type { QueueDeclaration } from '../queues.js';

export const CAMPAIGN_QUEUES = {
  'campaign-attribution': {
    name: 'campaign-attribution',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'campaignAttribution', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
  'email-events': {
    name: 'email-events',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'emailEvents', batchSize: 10, maxBatchingWindowSeconds: 5 },
  },
} as const satisfies Record<string, QueueDeclaration>;
