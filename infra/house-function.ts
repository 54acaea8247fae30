/**
 * The one way this project makes a Lambda function: runtime, architecture, tracing, logs, bundling and
 * environment are decided here once, and each function's own settings come from its declaration in
 * wiring/functions.ts. Permissions follow the declaration's `access` and nothing else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { TABLE } from '../store/table.js';
import type { FunctionDeclaration } from '../wiring/functions.js';
import { HOUSE_BUNDLING, HOUSE_NODE_OPTIONS } from './bundling.js';
import { SERVICE_NAME } from './config.js';

/** The repository root: entries in wiring/functions.ts are relative to it. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What a handler needs to find its resources; passed as environment variables. */
export interface HouseFunctionResources {
  table: ITable;
  bus: IEventBus;
  /** Secrets Manager name prefix of the tenant webhook secrets (`${prefix}${tenantId}`). */
  secretsPrefix: string;
  /** The consent link signing key(s) (stateful stack): read by functions with `readsConsentKey`. */
  consentTokenSecret: ISecret;
  /** The suppression tombstones' pepper (stateful stack): read by functions with `readsSuppressionPepper`. */
  suppressionPepperSecret: ISecret;
  /** Where functions with `sendsEmail` send from. */
  email: EmailSettings;
  /** Campaign attachments' bucket name (stateful stack): functions with `campaignFiles` sign uploads and read and delete them. */
  campaignFiles?: string;
}

/** SES v2 sending settings (infra/README.md: `emailFrom`, `sesConfigurationSet`). */
export interface EmailSettings {
  /** EMAIL_FROM: `address@domain` or `Display Name <address@domain>`; the address or its domain is a verified SES identity. */
  from: string;
  /** SES_CONFIGURATION_SET, when sending should go through one (event publishing, dedicated IPs). */
  configurationSet?: string;
}

/** The bare address of an EMAIL_FROM value (`Name <a@b>` or `a@b`) and its domain; throws on anything else. */
export function senderAddress(from: string): { address: string; domain: string } {
  const address = (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
  const match = /^[^\s@<>]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/.exec(address);
  if (!match) throw new Error(`emailFrom "${from}" is not an e-mail address (address@domain or Name <address@domain>)`);
  return { address, domain: match[1]!.toLowerCase() };
}

export interface HouseFunctionProps extends HouseFunctionResources {
  declaration: FunctionDeclaration;
}

/**
 * Tenant secret actions. Writers read the document first (read-modify-write in the connections API), then
 * PutSecretValue, or CreateSecret the first time; CreateSecret with Tags also needs TagResource
 * (adapters/shared/secrets.ts `putTenantSecrets`). No DeleteSecret, no DescribeSecret: the adapter uses neither.
 */
const TENANT_SECRET_ACTIONS = {
  read: ['secretsmanager:GetSecretValue'],
  write: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'],
} as const;

/** The only tag key adapters/shared/secrets.ts puts on a tenant secret. */
export const TENANT_SECRET_TAG_KEY = 'social-crm:tenant';

/** Table actions per access level. No Scan: no request path scans the table (every access pattern is a GetItem or a single Query). */
const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
} as const;

export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;
  private tenantPrefixAcknowledged = false;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const { declaration, table, bus, secretsPrefix, consentTokenSecret, suppressionPepperSecret, email } = props;

    // our own role, so the function gets no AWS managed policy (AWSLambdaBasicExecutionRole allows every log group)
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${declaration.id} (${declaration.entry})`,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      // operational logs only (no personal data is logged): they go with the stateless stack
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, declaration.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: `${declaration.id}: ${declaration.entry}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        TABLE_NAME: table.tableName,
        EVENT_BUS_NAME: bus.eventBusName,
        SECRETS_PREFIX: secretsPrefix,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: HOUSE_NODE_OPTIONS,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: HOUSE_BUNDLING.target,
        mainFields: [...HOUSE_BUNDLING.mainFields],
        banner: HOUSE_BUNDLING.banner,
        minify: HOUSE_BUNDLING.minify,
        sourceMap: HOUSE_BUNDLING.sourceMap,
        sourcesContent: HOUSE_BUNDLING.sourcesContent,
        externalModules: [...HOUSE_BUNDLING.externalModules],
        forceDockerBundling: false,
      },
    });

    this.bindTable(table, declaration.access.table);
    if (declaration.access.publishesEvents) this.allowPublishingTo(bus);
    const access: FunctionDeclaration['access'] = declaration.access;
    if (access.readsTenantSecrets) this.allowReadingTenantSecrets(secretsPrefix);
    if (access.writesTenantSecrets) this.allowWritingTenantSecrets(secretsPrefix);
    if (access.readsConsentKey) this.allowReadingConsentKey(consentTokenSecret);
    if (access.sendsEmail) this.allowSendingEmail(email);
    if (access.readsSuppressionPepper) this.allowReadingSuppressionPepper(suppressionPepperSecret);
    if (access.campaignFiles) this.allowCampaignFiles(props.campaignFiles);

    Validations.of(this.rolePolicy()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray grants on "*" only.',
    });
  }

  /** s3:PutObject (what a presigned upload needs of its signer), GetObject (HeadObject) and DeleteObject on the attachments bucket's objects. */
  allowCampaignFiles(bucketName: string | undefined): void {
    if (!bucketName) throw new Error(`${this.node.path}: declared campaignFiles but no bucket was given`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], resources: [`arn:${Aws.PARTITION}:s3:::${bucketName}/*`] }),
    );
    this.function.addEnvironment('CAMPAIGN_FILES_BUCKET', bucketName);
    Validations.of(this.rolePolicy()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::social-crm-files-<AWS::AccountId>-<AWS::Region>/*]',
      reason: 'Attachments are objects under <tenant>/<campaign>/...; the API decides the key of each upload from the tenant in the token.',
    });
  }

  /** The role's default policy, where every grant lands: acknowledgements of its findings go on it. */
  private rolePolicy(): IConstruct {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`${this.node.path}: the role has no policy yet`);
    return policy;
  }

  /** The table and each of its declared GSIs (by name, not `index/*`), read-only or read-write. */
  bindTable(table: ITable, mode: 'read' | 'readWrite'): void {
    const actions = mode === 'read' ? TABLE_ACTIONS.read : [...TABLE_ACTIONS.read, ...TABLE_ACTIONS.write];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn, ...TABLE.globalSecondaryIndexes.map((i) => `${table.tableArn}/index/${i.indexName}`)],
      }),
    );
  }

  /** events:PutEvents on this bus only. */
  allowPublishingTo(bus: IEventBus): void {
    bus.grantPutEventsTo(this.role);
  }

  /** secretsmanager:GetSecretValue on the tenant-secrets prefix only. */
  allowReadingTenantSecrets(prefix: string): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...TENANT_SECRET_ACTIONS.read], resources: [this.tenantSecretsArn(prefix)] }));
    this.acknowledgeTenantPrefix(prefix);
  }

  /**
   * Read, put and create on the tenant-secrets prefix only, and TagResource there with the one tag key the
   * adapter sets (so the writer cannot re-tag a secret into some other tag-based access scheme).
   */
  allowWritingTenantSecrets(prefix: string): void {
    const arn = this.tenantSecretsArn(prefix);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...TENANT_SECRET_ACTIONS.write], resources: [arn] }));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:TagResource'],
        resources: [arn],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SECRET_TAG_KEY] } },
      }),
    );
    this.acknowledgeTenantPrefix(prefix);
  }

  /**
   * The consent signing key: CONSENT_TOKEN_SECRET_ID (its ARN) and GetSecretValue on that one secret, which
   * is all adapters/consent/consent-config.ts calls (no DescribeSecret). The default aws/secretsmanager key needs no
   * KMS grant.
   */
  allowReadingConsentKey(secret: ISecret): void {
    this.function.addEnvironment('CONSENT_TOKEN_SECRET_ID', secret.secretArn);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }

  /**
   * The suppression pepper: SUPPRESSION_PEPPER_SECRET_ID (its ARN) and GetSecretValue on that one secret, which
   * is all adapters/privacy/dynamo-retention.ts calls (through adapters/shared/secret-string.ts).
   */
  allowReadingSuppressionPepper(secret: ISecret): void {
    this.function.addEnvironment('SUPPRESSION_PEPPER_SECRET_ID', secret.secretArn);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }

  /**
   * EMAIL_FROM (and SES_CONFIGURATION_SET) and ses:SendEmail (SES v2) on the sending identity only: the
   * address identity and its domain identity (SES authorizes against whichever of the two is verified), the
   * configuration set when there is one, and only with that From address.
   */
  allowSendingEmail(email: EmailSettings): void {
    const { address, domain } = senderAddress(email.from);
    this.function.addEnvironment('EMAIL_FROM', email.from);
    const stack = Stack.of(this);
    const resources = [address, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
    if (email.configurationSet) {
      this.function.addEnvironment('SES_CONFIGURATION_SET', email.configurationSet);
      resources.push(stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: email.configurationSet }));
    }
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources,
        conditions: { StringEquals: { 'ses:FromAddress': address } },
      }),
    );
  }

  /** Secrets Manager appends "-XXXXXX" to every secret ARN, so a prefix grant needs the wildcard. */
  private tenantSecretsArn(prefix: string): string {
    return Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private acknowledgeTenantPrefix(prefix: string): void {
    if (this.tenantPrefixAcknowledged) return;
    this.tenantPrefixAcknowledged = true;
    Validations.of(this.rolePolicy()).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      reason: 'One secret per tenant under this prefix; the wildcard covers the tenants and the random suffix Secrets Manager adds to each ARN.',
    });
  }
}
