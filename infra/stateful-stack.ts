/**
 * What holds data: the table, the bus and its archive, the queues with their DLQs, the user pool, the consent
 * link signing key and the suppression pepper. Kept apart
 * from the functions and the API so code can be redeployed (or the stateless stack torn down) without
 * touching any of it. Everything is derived from the declarations in store/, events/, wiring/ and domain/.
 */
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROLES } from '../domain/shared/auth.js';
import { BUS_NAME, RULES } from '../events/rules.js';
import { DEFAULT_TABLE_NAME, TABLE } from '../store/table.js';
import { QUEUES, type QueueDeclaration, type QueueName } from '../wiring/queues.js';
import { CONSENT_TOKEN_SECRET_NAME, SUPPRESSION_PEPPER_SECRET_NAME, queueNames } from './config.js';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { campaignFilesBucketName } from './config.js';

export interface StatefulStackProps extends StackProps {
  /** Physical table name (default DEFAULT_TABLE_NAME from store/table.ts). */
  tableName?: string;
  /** How long the bus archive keeps every event for replay (default 365 days). */
  archiveRetentionDays?: number;
}

/** A queue, the DLQ behind it, and the alarm that fires as soon as anything lands in the DLQ. */
export interface DurableQueue {
  declaration: QueueDeclaration;
  queue: Queue;
  dlq: Queue;
  dlqAlarm: Alarm;
}

/**
 * ARN of a rule on the bus. The stateless stack names its rules after RULES, so queue policies here can
 * admit exactly those rules without a reference from this stack to that one (which would be a cycle).
 */
export function ruleArn(scope: Construct, ruleName: string, bus?: 'default'): string {
  // rules on the default bus have no bus segment in their ARN
  return Stack.of(scope).formatArn({ service: 'events', resource: 'rule', resourceName: bus === 'default' ? ruleName : `${BUS_NAME}/${ruleName}` });
}

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly bus: EventBus;
  readonly queues: Readonly<Record<QueueName, DurableQueue>>;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /**
   * The deployment's own admin pool: the platform operator (chargeback across tenants) signs in here, never in the
   * tenants' pool, so no tenant token can carry its issuer (domain/finance/operator.ts).
   */
  readonly operatorPool: UserPool;
  readonly operatorPoolClient: UserPoolClient;
  /** Campaign attachments: uploaded by clients with presigned PUTs, private, encrypted, TLS only. */
  readonly campaignFiles: Bucket;
  /** The consent link signing key(s): a generated key at first, `{"keys":[new, old]}` during a rotation. */
  readonly consentTokenSecret: Secret;
  /** The pepper of the suppression tombstones' keyed hashes: generated once, never rotated. */
  readonly suppressionPepperSecret: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    this.table = this.createTable(props.tableName ?? DEFAULT_TABLE_NAME);

    this.bus = new EventBus(this, 'Bus', { eventBusName: BUS_NAME });
    this.bus.archive('Archive', {
      description: `Every event on ${BUS_NAME}, for replay`,
      eventPattern: { account: [this.account] },
      retention: Duration.days(props.archiveRetentionDays ?? 365),
    });

    const queues = {} as Record<QueueName, DurableQueue>;
    for (const name of Object.keys(QUEUES) as QueueName[]) queues[name] = this.createQueue(name, QUEUES[name]);
    this.queues = queues;

    ({ userPool: this.userPool, client: this.userPoolClient } = this.createUserPool());
    ({ userPool: this.operatorPool, client: this.operatorPoolClient } = this.createOperatorPool());
    this.campaignFiles = this.createCampaignFiles();
    this.consentTokenSecret = this.createConsentTokenSecret();
    this.suppressionPepperSecret = this.createSuppressionPepperSecret();
  }

  /**
   * The deployment-wide pepper that, with each tenant's salt (in the table), keys the suppression tombstones
   * (HMAC of an erased person's identifiers): kept out of the table so a copy of the table alone cannot test
   * guesses against them. Generated once, 48 letters and digits, retained. Do not change the generation
   * settings below: CloudFormation would generate a new value, and every tombstone written so far would
   * stop matching (they are one-way hashes: nothing can re-key them).
   */
  private createSuppressionPepperSecret(): Secret {
    const secret = new Secret(this, 'SuppressionPepper', {
      secretName: SUPPRESSION_PEPPER_SECRET_NAME,
      description: 'Social CRM suppression pepper: keys the erased identities\' tombstones with each tenant salt. Never rotate or replace it (infra/README.md).',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Never rotated: the tombstones are one-way keyed hashes of erased identifiers, so a new pepper would orphan every existing tombstone and erased people would no longer be recognised. Replacing it is a documented, deliberate operation (infra/README.md), not a rotation.',
    });
    return secret;
  }

  /**
   * The key that signs consent links (double opt-in, one-click unsubscribe): generated once, 48 letters and
   * digits (adapters/consent/consent-config.ts wants at least 32). Retained, because the unsubscribe links already in
   * people's mailboxes stay valid for 400 days and only this key verifies them. Do not change the generation
   * settings below: CloudFormation would generate a new value and every link sent so far would stop working.
   */
  private createConsentTokenSecret(): Secret {
    const secret = new Secret(this, 'ConsentTokenKey', {
      secretName: CONSENT_TOKEN_SECRET_NAME,
      description: 'Social CRM consent link signing key(s): a key, or {"keys":[...]} during a rotation (the first signs, all verify)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by hand, without a rotation Lambda: put {"keys":["<new>","<old>"]} (the first key signs, every key verifies), then drop the old key once the links it signed have expired (infra/README.md). Replacing the key outright would break every link already sent.',
    });
    return secret;
  }

  private createTable(tableName: string): Table {
    const table = new Table(this, 'Table', {
      tableName,
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }

  private createQueue(name: QueueName, declaration: QueueDeclaration): DurableQueue {
    const scope = new Construct(this, `Queue-${name}`);
    const names = queueNames(name);
    const dlq = new Queue(scope, 'Dlq', {
      queueName: names.dlq,
      retentionPeriod: Duration.days(declaration.dlqRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new Queue(scope, 'Queue', {
      queueName: names.queue,
      visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: declaration.maxReceiveCount },
    });

    // The rules that target this queue (declared in events/rules.ts) may send to it, and to its DLQ, which
    // is also their target DLQ: what EventBridge could not deliver waits next to what the consumer gave up on.
    const senders = RULES.filter((r) => r.target.queue === name).map((r) => ruleArn(this, r.name, r.bus));
    if (senders.length > 0) {
      for (const q of [queue, dlq]) {
        q.addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal('events.amazonaws.com')],
            actions: ['sqs:SendMessage'],
            resources: [q.queueArn],
            conditions: { ArnEquals: { 'aws:SourceArn': senders } },
          }),
        );
      }
    }

    const dlqAlarm = new Alarm(scope, 'DlqAlarm', {
      alarmDescription: `Messages in ${names.dlq}: ${name} events were not processed. Inspect, fix, then redrive.`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    Validations.of(dlq.node.defaultChild!).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This is the dead-letter queue itself: the end of the line, redriven to its source queue by hand once the cause is fixed.',
    });
    return { declaration, queue, dlq, dlqAlarm };
  }

  private createUserPool(): { userPool: UserPool; client: UserPoolClient } {
    const userPool = new UserPool(this, 'UserPool', {
      // tenants' users are created by their admins (scripts/create-tenant.ts for the first one), never by sign-up
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // the tenant a user belongs to is set once, at creation; the API takes it from the token only
      customAttributes: { tenantId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      userPool.addGroup(`Group-${role}`, { groupName: role, description: `Social CRM role "${role}" (cognito:groups claim)` });
    }

    const client = userPool.addClient('AppClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // ID tokens must carry custom:tenantId (domain/shared/auth.ts CLAIMS); nobody may write it through the client
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('tenantId'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    Validations.of(userPool.node.defaultChild!).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA (TOTP) is offered to every user and left optional: machine users of the API cannot answer a TOTP challenge. Require it per deployment if policy demands.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus tier (threat protection) is billed per monthly active user; the Essentials tier is the cost-aware default of this open-source stack.',
      },
    );
    return { userPool, client };
  }

  /** The operator pool: a few people of the deployment's owner, created by hand, TOTP required, no tenant attribute. */
  private createOperatorPool(): { userPool: UserPool; client: UserPoolClient } {
    const userPool = new UserPool(this, 'OperatorPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    userPool.addGroup('Group-operator', { groupName: 'operator', description: 'Platform operator: costs across tenants (cognito:groups claim)' });
    const client = userPool.addClient('OperatorClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    Validations.of(userPool.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'A handful of operators with TOTP required; the Plus tier (threat protection) is billed per monthly active user and adds little here.',
    });
    return { userPool, client };
  }

  private createCampaignFiles(): Bucket {
    const bucket = new Bucket(this, 'CampaignFiles', {
      bucketName: campaignFilesBucketName(this.account, this.region),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      // browsers PUT the file straight to S3 with the presigned URL the API answered
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type'], maxAge: 3600 }],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    Validations.of(bucket.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Uploads are signed per object by the API, which audits every attachment change on the campaign; CloudTrail data events can be enabled per deployment if object-level logs are wanted.',
    });
    return bucket;
  }
}
