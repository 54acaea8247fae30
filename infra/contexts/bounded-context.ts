/**
 * One construct per bounded context. A context owns some of the functions declared in wiring/functions.ts:
 * it builds a house function for each and connects the queues whose consumer it owns. The API and the
 * event rules, which cut across contexts, live in the stateless stack and look functions up here.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionKey } from '../../wiring/functions.js';
import { QUEUES, type QueueName } from '../../wiring/queues.js';
import { ROUTES } from '../../wiring/routes.js';
import { HouseFunction, type HouseFunctionResources } from '../house-function.js';
import type { DurableQueue } from '../stateful-stack.js';

/** Which context owns which function. Every function belongs to exactly one (checked at synth). */
export const BOUNDED_CONTEXTS = {
  SocialIngest: ['metaWebhook', 'xWebhook', 'youtubeWebhook', 'connectionsApi', 'newsroomApi'],
  Commerce: ['shopifyWebhook', 'woocommerceWebhook', 'eventsWebhook'],
  Customers: ['customersApi', 'customerKnowledge', 'segmentsApi', 'knowledgeApi'],
  // consent first (nothing is done with a person's data without the consent it needs): the ledger and its links, the audit trail, and what a person may ask of their
  // data (export, erasure) with the retention that follows their social_profiling consent
  Consent: ['consentApi', 'consentPublic', 'auditApi', 'privacyApi', 'consentRetention', 'erasure'],
  // the loyalty engine: awards from verified actions, the program and redemptions API, the expiry schedule
  Loyalty: ['loyaltyAwarder', 'loyaltyApi', 'loyaltyExpiry'],
  Campaigns: ['campaignsApi', 'campaignStep', 'campaignAttribution', 'emailEvents'],
  Platform: ['openApi'],
  Service: ['serviceApi', 'serviceTickets', 'serviceSlaBreaches'],
  // what the cloud costs each tenant, feature and campaign: the cost API and the budget check
  Finance: ['financeApi', 'budgetCheck'],
} as const satisfies Record<string, readonly FunctionKey[]>;

export type BoundedContextName = keyof typeof BOUNDED_CONTEXTS;

export interface BoundedContextProps extends HouseFunctionResources {
  functions: readonly FunctionKey[];
  queues: Readonly<Record<QueueName, DurableQueue>>;
}

/** Invoked only synchronously: by an HTTP route or by an SQS event source mapping. */
function invokedSynchronouslyOnly(key: FunctionKey): boolean {
  return ROUTES.some((r) => r.function === key) || Object.values(QUEUES).some((q) => q.consumer.function === key);
}

export class BoundedContext extends Construct {
  readonly functions: ReadonlyMap<FunctionKey, HouseFunction>;

  constructor(scope: Construct, id: BoundedContextName, props: BoundedContextProps) {
    super(scope, id);
    const { queues, functions: keys, ...resources } = props;
    const functions = new Map<FunctionKey, HouseFunction>();

    for (const key of keys) {
      const declaration = FUNCTIONS[key];
      const fn = new HouseFunction(this, declaration.id, { declaration, ...resources });
      functions.set(key, fn);
      if (invokedSynchronouslyOnly(key)) {
        Validations.of(fn.function.node.defaultChild!).acknowledge({
          id: 'Serverless-LambdaDLQ',
          reason: 'Invoked synchronously only (HTTP API or SQS event source): failures return to the caller or to the queue and its redrive DLQ.',
        });
      }
    }

    for (const name of Object.keys(QUEUES) as QueueName[]) {
      const { declaration, queue } = queues[name];
      const consumer = functions.get(declaration.consumer.function);
      if (!consumer) continue;
      if (declaration.visibilityTimeoutSeconds < FUNCTIONS[declaration.consumer.function].timeoutSeconds) {
        throw new Error(`Queue ${name}: the visibility timeout must be at least the consumer's timeout`);
      }
      const existing = new Set(consumer.function.node.children);
      consumer.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: declaration.consumer.batchSize,
          maxBatchingWindow: Duration.seconds(declaration.consumer.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
        }),
      );
      for (const mapping of consumer.function.node.children.filter((c) => !existing.has(c))) {
        Validations.of(mapping).acknowledge({
          id: 'Serverless-LambdaEventSourceMappingDestination',
          reason: 'SQS event sources take no on-failure destination: a message that keeps failing moves to the queue redrive DLQ.',
        });
      }
    }
    this.functions = functions;
  }
}
