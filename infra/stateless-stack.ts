/**
 * What runs: the functions (grouped by bounded context), the HTTP API, the event rules and the console (its built
 * files, the CloudFront distribution in front of it and the API, its hosted sign-in client). It holds no data,
 * so it can be redeployed or replaced at will; the table, bus, queues and user pool come from the stateful
 * stack as props.
 */
import { Annotations, CfnOutput, Duration, Lazy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRule, EventBus, Rule, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { RULES } from '../events/rules.js';
import { FUNCTIONS, type FunctionKey } from '../wiring/functions.js';
import type { QueueName } from '../wiring/queues.js';
import { ROUTES } from '../wiring/routes.js';
import { SCHEDULES } from '../wiring/schedules.js';
import { CONSENT_TOKEN_SECRET_NAME, CONTEXT_KEYS, SUPPRESSION_PEPPER_SECRET_NAME, DEFAULT_EMAIL_FROM, DEFAULT_SECRETS_PREFIX, OUTPUTS } from './config.js';
import { BOUNDED_CONTEXTS, BoundedContext, type BoundedContextName } from './contexts/bounded-context.js';
import { senderAddress, type EmailSettings, type HouseFunction } from './house-function.js';
import { SocialCrmApi } from './http-api.js';
import { CampaignStateMachine } from './contexts/campaigns.js';
import { ConsoleHosting } from './contexts/console.js';
import type { DurableQueue } from './stateful-stack.js';
import { campaignFilesBucketName } from './config.js';
import * as ses from 'aws-cdk-lib/aws-ses';

/** The configuration set the stack creates when the deployment names none (`sesConfigurationSet`). */
const DEFAULT_SES_CONFIGURATION_SET = 'social-crm-email';

export interface StatelessStackProps extends StackProps {
  table: ITable;
  bus: IEventBus;
  queues: Readonly<Record<QueueName, DurableQueue>>;
  userPool: UserPool;
  userPoolClient: IUserPoolClient;
  operatorPool: UserPool;
  operatorPoolClient: IUserPoolClient;
  /** The consent link signing key (stateful stack). */
  consentTokenSecret: ISecret;
  /** The suppression pepper (stateful stack). */
  suppressionPepperSecret: ISecret;
  /** Campaign attachments' bucket name (stateful stack; default campaignFilesBucketName of this account and region). */
  campaignFiles?: string;
  /** Secrets Manager prefix of the tenant webhook secrets (default DEFAULT_SECRETS_PREFIX). */
  secretsPrefix?: string;
  apiThrottle?: { rateLimit: number; burstLimit: number };
  /** EMAIL_FROM of the functions that send e-mail; else context `emailFrom`; else DEFAULT_EMAIL_FROM (with a warning). */
  emailFrom?: string;
  /** SES_CONFIGURATION_SET of the functions that send e-mail; else context `sesConfigurationSet`; else none. */
  sesConfigurationSet?: string;
  /**
   * PUBLIC_API_URL of the HTTP functions (where e-mailed links point), for a custom domain mapped to the API;
   * else context `publicApiUrl`; else the API's own execute-api endpoint.
   */
  publicApiUrl?: string;
}

/** How hard EventBridge tries to deliver to a queue before the event goes to the target's DLQ. */
const RULE_TARGET_RETRY = { maximumRetryAttempts: 24, maximumEventAge: Duration.hours(4) };

export class StatelessStack extends Stack {
  readonly contexts: Readonly<Record<BoundedContextName, BoundedContext>>;
  readonly api: SocialCrmApi;
  readonly rules: readonly CfnRule[];
  /** One scheduled rule per SCHEDULES entry (wiring/schedules.ts), invoking its function. */
  readonly schedules: readonly Rule[];
  readonly campaignRun: StateMachine;
  /** The console on CloudFront, its API at /v1/*, and its hosted sign-in. */
  readonly consoleHosting: ConsoleHosting;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const secretsPrefix = props.secretsPrefix ?? DEFAULT_SECRETS_PREFIX;
    assertEveryFunctionHasOneContext();
    if (CONSENT_TOKEN_SECRET_NAME.startsWith(secretsPrefix)) {
      throw new Error(`The tenant secrets prefix "${secretsPrefix}" covers the consent key secret ${CONSENT_TOKEN_SECRET_NAME}: every webhook could read it`);
    }
    if (SUPPRESSION_PEPPER_SECRET_NAME.startsWith(secretsPrefix)) {
      throw new Error(`The tenant secrets prefix "${secretsPrefix}" covers the suppression pepper secret ${SUPPRESSION_PEPPER_SECRET_NAME}: every webhook could read it`);
    }
    const email = this.emailSettings(props);
    const publicApiUrl = this.publicApiUrlSetting(props);

    const contexts = {} as Record<BoundedContextName, BoundedContext>;
    for (const name of Object.keys(BOUNDED_CONTEXTS) as BoundedContextName[]) {
      contexts[name] = new BoundedContext(this, name, {
        functions: BOUNDED_CONTEXTS[name],
        table: props.table,
        bus: props.bus,
        queues: props.queues,
        secretsPrefix,
        consentTokenSecret: props.consentTokenSecret,
        suppressionPepperSecret: props.suppressionPepperSecret,
        email,
        campaignFiles: props.campaignFiles ?? campaignFilesBucketName(this.account, this.region),
      });
    }
    this.contexts = contexts;

    const houseFunctionFor = (key: FunctionKey): HouseFunction => {
      for (const context of Object.values(contexts)) {
        const fn = context.functions.get(key);
        if (fn) return fn;
      }
      throw new Error(`No bounded context builds function ${key}`);
    };
    const functionFor = (key: FunctionKey): IFunction => houseFunctionFor(key).function;

    this.api = new SocialCrmApi(this, 'Api', {
      functionFor,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      operatorPool: props.operatorPool,
      operatorPoolClient: props.operatorPoolClient,
      // the console's client comes after the API (its callback is the distribution in front of the API): read at synthesis
      otherClientIds: [Lazy.string({ produce: () => this.consoleHosting.client.userPoolClientId })],
      ...(props.apiThrottle && { throttle: props.apiThrottle }),
    });
    this.consoleHosting = new ConsoleHosting(this, 'Console', { httpApi: this.api.httpApi, userPool: props.userPool });

    // Links the HTTP functions build (consent confirmation, unsubscribe) point here. Referencing the API's
    // endpoint from the functions behind it makes no cycle: the Api resource refers to no function (routes and
    // integrations do), so CloudFormation creates the Api, then the functions, then the integrations.
    const publicUrl = publicApiUrl ?? this.api.httpApi.apiEndpoint;
    for (const key of new Set(ROUTES.map((r) => r.function))) houseFunctionFor(key).function.addEnvironment('PUBLIC_API_URL', publicUrl);
    // the functions behind operator routes check the issuer themselves too (domain/finance/operator.ts)
    for (const key of new Set(ROUTES.filter((r) => r.auth !== 'public' && (r.auth.roles as readonly string[]).includes('operator')).map((r) => r.function))) {
      houseFunctionFor(key).function.addEnvironment('OPERATOR_ISSUER', props.operatorPool.userPoolProviderUrl);
    }
    this.campaignRun = new CampaignStateMachine(this, 'CampaignRun', { api: houseFunctionFor('campaignsApi'), step: houseFunctionFor('campaignStep') }).stateMachine;

    // One rule per RULES entry, its pattern exactly as declared (CfnRule takes the JSON as is). The queue
    // policies that let these rules send are in the stateful stack (see ruleArn there).
    this.rules = RULES.map((rule) => {
      const { queue, dlq } = props.queues[rule.target.queue];
      return new CfnRule(this, `Rule-${rule.name}`, {
        name: rule.name,
        description: rule.description,
        eventBusName: rule.bus === 'default' ? 'default' : props.bus.eventBusName,
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

    // Periodic jobs: the default bus's scheduled rules invoke the function with the "Scheduled Event" payload the
    // local scheduler sends too. A failed run is retried twice; the jobs are idempotent and the next run finishes
    // whatever a failed one left.
    const scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(scheduleDeadLetters.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is the dead-letter queue of the scheduled rules\' targets: schedule invocations that failed every retry land here.',
    });
    Validations.of(scheduleDeadLetters.node.defaultChild!).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'A dead-letter queue itself: what lands here is inspected and re-run by hand, not redriven again.',
    });
    this.schedules = SCHEDULES.map((schedule) => {
      const fn = houseFunctionFor(schedule.function).function;
      Validations.of(fn.node.defaultChild!).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `Invoked by the ${schedule.name} schedule only: its jobs are idempotent and the next run (every ${schedule.everyMinutes} min) picks up what a failed run left.`,
      });
      return new Rule(this, `Schedule-${schedule.name}`, {
        description: schedule.description,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: scheduleDeadLetters })],
      });
    });

    new CfnOutput(this, OUTPUTS.apiUrl, { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, OUTPUTS.userPoolId, { value: props.userPool.userPoolId });
    new CfnOutput(this, OUTPUTS.userPoolClientId, { value: props.userPoolClient.userPoolClientId });
    new CfnOutput(this, OUTPUTS.operatorPoolId, { value: props.operatorPool.userPoolId });
    new CfnOutput(this, OUTPUTS.operatorPoolClientId, { value: props.operatorPoolClient.userPoolClientId });
    new CfnOutput(this, OUTPUTS.tableName, { value: props.table.tableName });
    new CfnOutput(this, OUTPUTS.eventBusName, { value: props.bus.eventBusName });
    new CfnOutput(this, OUTPUTS.secretsPrefix, { value: secretsPrefix, description: 'Tenant webhook secrets: <prefix><tenantId>' });
    new CfnOutput(this, OUTPUTS.consentTokenSecret, {
      value: props.consentTokenSecret.secretArn,
      description: 'Consent link signing key(s); rotate by putting {"keys":["<new>","<old>"]} (infra/README.md)',
    });
    new CfnOutput(this, OUTPUTS.publicApiUrl, { value: publicUrl, description: 'Base URL of the links in e-mails (PUBLIC_API_URL)' });
    new CfnOutput(this, OUTPUTS.consoleUrl, { value: this.consoleHosting.url, description: 'The console (Cognito hosted sign-in), its API at /v1' });
    new CfnOutput(this, OUTPUTS.consoleClientId, { value: this.consoleHosting.client.userPoolClientId, description: "The console's app client (code + PKCE)" });
  }

  /** `emailFrom` / `sesConfigurationSet`: props, else context, else the placeholder sender (warned about). */
  private emailSettings(props: StatelessStackProps): EmailSettings {
    let from = props.emailFrom ?? this.contextString(CONTEXT_KEYS.emailFrom);
    if (from === undefined) {
      from = DEFAULT_EMAIL_FROM;
      Annotations.of(this).addWarningV2(
        'social-crm:default-email-from',
        `E-mail is sent from the placeholder ${DEFAULT_EMAIL_FROM}: deploy with -c ${CONTEXT_KEYS.emailFrom}=<a verified SES identity> (infra/README.md)`,
      );
    }
    senderAddress(from); // refuses a malformed sender at synth rather than at the first e-mail
    const given = props.sesConfigurationSet ?? this.contextString(CONTEXT_KEYS.sesConfigurationSet);
    // without one of the deployment's own, a configuration set that publishes delivery events to the default bus
    // (the EmailDeliveryEvents rule takes them to the email-events queue); a given set must publish them itself
    const configurationSet = given ?? this.createEmailEvents();
    return { from, configurationSet };
  }

  private createEmailEvents(): string {
    const set = new ses.ConfigurationSet(this, 'EmailEvents', { configurationSetName: DEFAULT_SES_CONFIGURATION_SET });
    new ses.ConfigurationSetEventDestination(this, 'EmailEventsToEventBridge', {
      configurationSet: set,
      destination: ses.EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.OPEN, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.REJECT, ses.EmailSendingEvent.RENDERING_FAILURE],
    });
    return DEFAULT_SES_CONFIGURATION_SET;
  }

  /** `publicApiUrl`: an https URL (a custom domain mapped to the API), without its trailing slash; or none. */
  private publicApiUrlSetting(props: StatelessStackProps): string | undefined {
    const value = props.publicApiUrl ?? this.contextString(CONTEXT_KEYS.publicApiUrl);
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`publicApiUrl "${value}" is not a URL`);
    }
    if (url.protocol !== 'https:' || url.search || url.hash) throw new Error(`publicApiUrl "${value}" must be an https URL without query or fragment`);
    return value.replace(/\/+$/, '');
  }

  private contextString(key: string): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`context ${key} must be a non-empty string`);
    return value.trim();
  }
}

function assertEveryFunctionHasOneContext(): void {
  const owners = Object.values(BOUNDED_CONTEXTS).flat() as FunctionKey[];
  for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
    const count = owners.filter((k) => k === key).length;
    if (count !== 1) throw new Error(`Function ${key} belongs to ${count} bounded contexts (infra/contexts); it must belong to exactly one`);
  }
}
