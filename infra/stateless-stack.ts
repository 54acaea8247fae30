/**
 * What runs: the functions (grouped by bounded context), the HTTP API and the event rules. It holds no data,
 * so it can be redeployed or replaced at will; the table, bus, queues and user pool come from the stateful
 * stack as props.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRule, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { RULES } from '../events/rules.js';
import { FUNCTIONS, type FunctionKey } from '../wiring/functions.js';
import type { QueueName } from '../wiring/queues.js';
import { DEFAULT_SECRETS_PREFIX, OUTPUTS } from './config.js';
import { BOUNDED_CONTEXTS, BoundedContext, type BoundedContextName } from './contexts/bounded-context.js';
import { SocialCrmApi } from './http-api.js';
import type { DurableQueue } from './stateful-stack.js';

export interface StatelessStackProps extends StackProps {
  table: ITable;
  bus: IEventBus;
  queues: Readonly<Record<QueueName, DurableQueue>>;
  userPool: UserPool;
  userPoolClient: IUserPoolClient;
  /** Secrets Manager prefix of the tenant webhook secrets (default DEFAULT_SECRETS_PREFIX). */
  secretsPrefix?: string;
  apiThrottle?: { rateLimit: number; burstLimit: number };
}

/** How hard EventBridge tries to deliver to a queue before the event goes to the target's DLQ. */
const RULE_TARGET_RETRY = { maximumRetryAttempts: 24, maximumEventAge: Duration.hours(4) };

export class StatelessStack extends Stack {
  readonly contexts: Readonly<Record<BoundedContextName, BoundedContext>>;
  readonly api: SocialCrmApi;
  readonly rules: readonly CfnRule[];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const secretsPrefix = props.secretsPrefix ?? DEFAULT_SECRETS_PREFIX;
    assertEveryFunctionHasOneContext();

    const contexts = {} as Record<BoundedContextName, BoundedContext>;
    for (const name of Object.keys(BOUNDED_CONTEXTS) as BoundedContextName[]) {
      contexts[name] = new BoundedContext(this, name, {
        functions: BOUNDED_CONTEXTS[name],
        table: props.table,
        bus: props.bus,
        queues: props.queues,
        secretsPrefix,
      });
    }
    this.contexts = contexts;

    const functionFor = (key: FunctionKey): IFunction => {
      for (const context of Object.values(contexts)) {
        const fn = context.functions.get(key);
        if (fn) return fn.function;
      }
      throw new Error(`No bounded context builds function ${key}`);
    };

    this.api = new SocialCrmApi(this, 'Api', {
      functionFor,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      ...(props.apiThrottle && { throttle: props.apiThrottle }),
    });

    // One rule per RULES entry, its pattern exactly as declared (CfnRule takes the JSON as is). The queue
    // policies that let these rules send are in the stateful stack (see ruleArn there).
    this.rules = RULES.map((rule) => {
      const { queue, dlq } = props.queues[rule.target.queue];
      return new CfnRule(this, `Rule-${rule.name}`, {
        name: rule.name,
        description: rule.description,
        eventBusName: props.bus.eventBusName,
        eventPattern: rule.pattern,
        state: 'ENABLED',
        targets: [
          {
            id: rule.target.queue,
            arn: queue.queueArn,
            deadLetterConfig: { arn: dlq.queueArn },
            retryPolicy: {
              maximumRetryAttempts: RULE_TARGET_RETRY.maximumRetryAttempts,
              maximumEventAgeInSeconds: RULE_TARGET_RETRY.maximumEventAge.toSeconds(),
            },
          },
        ],
      });
    });

    new CfnOutput(this, OUTPUTS.apiUrl, { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, OUTPUTS.userPoolId, { value: props.userPool.userPoolId });
    new CfnOutput(this, OUTPUTS.userPoolClientId, { value: props.userPoolClient.userPoolClientId });
    new CfnOutput(this, OUTPUTS.tableName, { value: props.table.tableName });
    new CfnOutput(this, OUTPUTS.eventBusName, { value: props.bus.eventBusName });
    new CfnOutput(this, OUTPUTS.secretsPrefix, { value: secretsPrefix, description: 'Tenant webhook secrets: <prefix><tenantId>' });
  }
}

function assertEveryFunctionHasOneContext(): void {
  const owners = Object.values(BOUNDED_CONTEXTS).flat() as FunctionKey[];
  for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
    const count = owners.filter((k) => k === key).length;
    if (count !== 1) throw new Error(`Function ${key} belongs to ${count} bounded contexts (infra/contexts); it must belong to exactly one`);
  }
}
