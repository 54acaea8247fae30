/**
 * Event rules: which events go where. The CDK stack turns each into an EventBridge rule with an SQS
 * target (and a DLQ on the target); the local runtime's bus applies the same patterns to the same queues.
 * Each context declares its rules in events/<context>/rules.ts.
 */
import { BUS_NAME } from './catalog.js';
import type { QueueName } from '../wiring/queues.js';
import { CAMPAIGN_RULES } from './campaigns/rules.js';
import { CUSTOMERS_RULES } from './customers/rules.js';
import { KNOWLEDGE_RULES } from './knowledge/rules.js';
import { LOYALTY_RULES } from './loyalty/rules.js';
import { PRIVACY_RULES } from './privacy/rules.js';
import { SERVICE_RULES } from './service/rules.js';

export interface RuleDeclaration {
  /** Logical name; the CDK construct id and the local bus both use it. */
  name: string;
  description: string;
  /** EventBridge pattern, exactly as deployed. */
  pattern: Record<string, unknown>;
  target: { queue: QueueName };
  /** `default`: a rule on the account's default bus, where AWS services (SES) publish; else the system's bus. */
  bus?: 'default';
}

export const RULES: readonly RuleDeclaration[] = [
  ...CUSTOMERS_RULES,
  ...KNOWLEDGE_RULES,
  ...PRIVACY_RULES,
  ...LOYALTY_RULES,
  ...SERVICE_RULES,
  ...CAMPAIGN_RULES,
];

export { BUS_NAME };
