/**
 * Event rules: which events go where. The CDK stack turns each into an EventBridge rule with an SQS
 * target (and a DLQ on the target); the local runtime's bus applies the same patterns to the same queues.
 */
import { BUS_NAME, InteractionRecorded } from './catalog.js';
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
];

export { BUS_NAME };
