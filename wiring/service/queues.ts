/** The service context's queues (spread into wiring/queues.ts). */
import type { QueueDeclaration } from '../queues.js';

export const SERVICE_QUEUES = {
  'service-tickets': {
    name: 'service-tickets',
    // six times the consumer's timeout
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
    consumer: { function: 'serviceTickets', batchSize: 10, maxBatchingWindowSeconds: 1 },
  },
} as const satisfies Record<string, QueueDeclaration>;
