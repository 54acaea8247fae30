/**
 * The one way this project makes a Lambda function: runtime, architecture, tracing, logs, bundling and
 * environment are decided here once, and each function's own settings come from its declaration in
 * wiring/functions.ts. Permissions follow the declaration's `access` and nothing else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { TABLE } from '../store/table.js';
import type { FunctionDeclaration } from '../wiring/functions.js';
import { SERVICE_NAME } from './config.js';

/** The repository root: entries in wiring/functions.ts are relative to it. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What a handler needs to find its resources; passed as environment variables. */
export interface HouseFunctionResources {
  table: ITable;
  bus: IEventBus;
  /** Secrets Manager name prefix of the tenant webhook secrets (`${prefix}${tenantId}`). */
  secretsPrefix: string;
}

export interface HouseFunctionProps extends HouseFunctionResources {
  declaration: FunctionDeclaration;
}

/** Table actions per access level. No Scan: no request path scans the table (DESIGN §3). */
const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
} as const;

// ESM output still meets CommonJS dependencies that call require(); give them one.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __houseCreateRequire } from 'node:module'; const require = __houseCreateRequire(import.meta.url);";

export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const { declaration, table, bus, secretsPrefix } = props;

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
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // index.mjs.map beside the bundle; NODE_OPTIONS=--enable-source-maps maps stack traces to the .ts sources
        sourceMap: true,
        sourcesContent: false,
        // the Node.js 24 runtime ships SDK v3; everything else is bundled
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
      },
    });

    this.bindTable(table, declaration.access.table);
    if (declaration.access.publishesEvents) this.allowPublishingTo(bus);
    if (declaration.access.readsTenantSecrets) this.allowReadingTenantSecrets(secretsPrefix);

    Validations.of(this.rolePolicy()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray grants on "*" only.',
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
    const arn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      // Secrets Manager appends "-XXXXXX" to every secret ARN, so a prefix grant needs the wildcard
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn] }));
    Validations.of(this.rolePolicy()).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      reason: 'One secret per tenant under this prefix; the wildcard covers the tenants and the random suffix Secrets Manager adds to each ARN.',
    });
  }
}
