/**
 * Properties of the synthesized stacks, each derived from the wiring declarations (functions, routes,
 * queues, rules, table, roles): a new declaration is checked without touching this file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../domain/shared/auth.js';
import { BUS_NAME, RULES } from '../../events/rules.js';
import { BOUNDED_CONTEXTS, type BoundedContextName } from '../../infra/contexts/bounded-context.js';
import {
  CONSENT_TOKEN_SECRET_NAME,
  DEFAULT_EMAIL_FROM,
  DEFAULT_SECRETS_PREFIX,
  OUTPUTS,
  STACK_NAMES,
  SUPPRESSION_PEPPER_SECRET_NAME,
  queueNames,
} from '../../infra/config.js';
import { TABLE } from '../../store/table.js';
import { FUNCTIONS, type FunctionDeclaration, type FunctionKey } from '../../wiring/functions.js';
import { QUEUES, type QueueName } from '../../wiring/queues.js';
import { ROUTES } from '../../wiring/routes.js';
import { actionsOf, findCycle, resourcesOf, synthesize, type Json, type Resource, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const DYNAMO_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** What adapters/shared/secrets.ts calls: GetSecretValue to read; Put/Create (+TagResource, CreateSecret has Tags) to write. */
const TENANT_SECRET_READS = ['secretsmanager:GetSecretValue'];
const TENANT_SECRET_WRITES = ['secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'];
const TENANT_PREFIX_ARN = new RegExp(`:secret:${DEFAULT_SECRETS_PREFIX}\\*"\\]\\]\\}$`);
const functionEntries = Object.entries(FUNCTIONS) as [FunctionKey, FunctionDeclaration][];
const queueEntries = Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][];

function lambdaOf(declaration: FunctionDeclaration): Resource {
  const matches = s.stateless.resources('AWS::Lambda::Function').filter((f) => String(f.Properties.Description).endsWith(declaration.entry));
  expect(matches, `function for ${declaration.entry}`).toHaveLength(1);
  return matches[0]!;
}

/** Every statement the function's role carries: its attached policies and any inline one. */
function statementsOf(declaration: FunctionDeclaration): Json[] {
  const roleId = ((lambdaOf(declaration).Properties.Role as Json)['Fn::GetAtt'] as string[])[0]!;
  const role = s.stateless.resource(roleId);
  const attached = s.stateless
    .resources('AWS::IAM::Policy')
    .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .map((p) => p.Properties.PolicyDocument as Json);
  const inline = ((role.Properties.Policies as Json[] | undefined) ?? []).map((p) => p.PolicyDocument as Json);
  return [...attached, ...inline].flatMap((doc) => doc.Statement as Json[]);
}

function actionsGranted(declaration: FunctionDeclaration): string[] {
  return statementsOf(declaration).flatMap(actionsOf);
}

function environmentOf(declaration: FunctionDeclaration): Json {
  return (lambdaOf(declaration).Properties.Environment as { Variables: Json }).Variables;
}

const isTenantPrefix = (resource: unknown) => TENANT_PREFIX_ARN.test(JSON.stringify(resource));

/** The stateful stack's secret named `name`, when `resource` is a reference to it. */
function isStatefulSecret(resource: unknown, name: string): boolean {
  const produced = s.producer(resource);
  return produced?.resource.Type === 'AWS::SecretsManager::Secret' && produced.resource.Properties.Name === name;
}

/** The consent signing key secret of the stateful stack, when `resource` is a reference to it. */
const isConsentSecret = (resource: unknown) => isStatefulSecret(resource, CONSENT_TOKEN_SECRET_NAME);
/** The suppression pepper secret of the stateful stack, when `resource` is a reference to it. */
const isPepperSecret = (resource: unknown) => isStatefulSecret(resource, SUPPRESSION_PEPPER_SECRET_NAME);

/** `arn:<partition>:<service>:<region>:<account>:<rest>` of a Fn::Join built by Stack.formatArn, or undefined. */
function arnTail(resource: unknown, service: string): string | undefined {
  const join = (resource as Json)['Fn::Join'] as [string, unknown[]] | undefined;
  if (!join || join[0] !== '') return undefined;
  const text = join[1].map((part) => (typeof part === 'string' ? part : `<${String((part as Json).Ref)}>`)).join('');
  const prefix = `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:`;
  return text.startsWith(prefix) ? text.slice(prefix.length) : undefined;
}

const routed = new Set<string>(ROUTES.map((r) => r.function));

function queueByName(name: string): Resource {
  const matches = s.stateful.resources('AWS::SQS::Queue').filter((q) => q.Properties.QueueName === name);
  expect(matches, `queue ${name}`).toHaveLength(1);
  return matches[0]!;
}

function dlqIds(): Set<string> {
  return new Set(
    s.stateful
      .resources('AWS::SQS::Queue')
      .map((q) => (q.Properties.RedrivePolicy as Json | undefined)?.deadLetterTargetArn as Json | undefined)
      .filter((arn): arn is Json => arn !== undefined)
      .map((arn) => (arn['Fn::GetAtt'] as string[])[0]!),
  );
}

/** CDK's own function behind the console upload (BucketDeployment): the one Lambda no declaration makes. */
const isUploadHandler = (resource: Resource) => resource.id.startsWith('CustomCDKBucketDeployment');
const houseLambdas = () => s.stateless.resources('AWS::Lambda::Function').filter((f) => !isUploadHandler(f));

describe('functions', () => {
  it('builds one Lambda per declared function, and besides them only the console upload handler (no other custom resource)', () => {
    expect(houseLambdas()).toHaveLength(functionEntries.length);
    expect(s.stateless.resources('AWS::Lambda::Function').filter(isUploadHandler)).toHaveLength(1);
    const customResources = Object.values(s.stateless.json.Resources).filter((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource');
    expect(customResources.map((r) => r.Type)).toEqual(['Custom::CDKBucketDeployment']);
    expect(s.stateful.resources('AWS::Lambda::Function')).toHaveLength(0);
    for (const [, declaration] of functionEntries) lambdaOf(declaration);
  });

  it('runs every house Lambda on Node.js 24, arm64, with active tracing', () => {
    for (const fn of houseLambdas()) {
      expect(fn.Properties, fn.id).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    }
  });

  it.each(functionEntries)('%s: belongs to exactly one bounded context, which builds it', (key) => {
    const owners = (Object.keys(BOUNDED_CONTEXTS) as BoundedContextName[]).filter((name) => (BOUNDED_CONTEXTS[name] as readonly string[]).includes(key));
    expect(owners).toHaveLength(1);
    const built = s.built.stateless.contexts[owners[0]!].functions.get(key);
    expect(built?.node.path).toBe(`${STACK_NAMES.stateless}/${owners[0]}/${FUNCTIONS[key].id}`);
  });

  it.each(functionEntries)('%s: PUBLIC_API_URL is the API endpoint if an HTTP route calls it, else unset', (key, declaration) => {
    const url = environmentOf(declaration).PUBLIC_API_URL as Json | undefined;
    if (!routed.has(key)) {
      expect(url).toBeUndefined();
      return;
    }
    const [apiId, attribute] = (url?.['Fn::GetAtt'] as [string, string] | undefined) ?? [];
    expect(attribute).toBe('ApiEndpoint');
    expect(s.stateless.resource(apiId!).Type).toBe('AWS::ApiGatewayV2::Api');
  });

  it.each(functionEntries)('%s: memory, timeout, environment and a log group with retention', (_key, declaration) => {
    const props = lambdaOf(declaration).Properties;
    expect(props.MemorySize).toBe(declaration.memoryMb);
    expect(props.Timeout).toBe(declaration.timeoutSeconds);
    expect(props.Handler).toBe('index.handler');
    const env = (props.Environment as { Variables: Json }).Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'SECRETS_PREFIX', 'POWERTOOLS_SERVICE_NAME']));
    expect(s.producer(env.TABLE_NAME)?.resource.Type).toBe('AWS::DynamoDB::Table');
    expect(s.producer(env.EVENT_BUS_NAME)?.resource.Type).toBe('AWS::Events::EventBus');
    expect(env.SECRETS_PREFIX).toBe(DEFAULT_SECRETS_PREFIX);
    expect(env.NODE_OPTIONS).toContain('--enable-source-maps');
    const logGroupId = (((props.LoggingConfig as Json).LogGroup as Json).Ref as string) ?? '';
    expect(s.stateless.resource(logGroupId).Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('least privilege, from each declaration’s access', () => {
  it.each(functionEntries)('%s: no managed policies and no wildcard actions', (_key, declaration) => {
    const roleId = ((lambdaOf(declaration).Properties.Role as Json)['Fn::GetAtt'] as string[])[0]!;
    expect(s.stateless.resource(roleId).Properties.ManagedPolicyArns).toBeUndefined();
    for (const action of actionsGranted(declaration)) expect(action).not.toMatch(/(^\*$|:\*$)/);
  });

  it.each(functionEntries)('%s: events:PutEvents on the bus only if it publishes', (_key, declaration) => {
    const statements = statementsOf(declaration).filter((st) => actionsOf(st).some((a) => a.startsWith('events:')));
    if (!declaration.access.publishesEvents) {
      expect(statements).toEqual([]);
      return;
    }
    expect(statements.flatMap(actionsOf)).toEqual(['events:PutEvents']);
    for (const resource of statements.flatMap(resourcesOf)) expect(s.producer(resource)?.resource.Type).toBe('AWS::Events::EventBus');
  });

  it.each(functionEntries)('%s: Secrets Manager actions only as declared, each on its own secrets only', (_key, declaration) => {
    const { readsTenantSecrets, writesTenantSecrets, readsConsentKey, readsSuppressionPepper } = declaration.access;
    const statements = statementsOf(declaration).filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
    for (const st of statements) expect(actionsOf(st).every((a) => a.startsWith('secretsmanager:'))).toBe(true);
    // CDK merges statements with the same actions (GetSecretValue on the tenant prefix and on the pepper), so
    // what counts is the actions each resource gets; every resource is one of the three, nothing else
    const actionsOn = (isTarget: (resource: unknown) => boolean) =>
      [...new Set(statements.filter((st) => resourcesOf(st).some(isTarget)).flatMap(actionsOf))].sort();
    for (const resource of statements.flatMap(resourcesOf)) {
      expect([isTenantPrefix, isConsentSecret, isPepperSecret].filter((is) => is(resource)), JSON.stringify(resource)).toHaveLength(1);
    }

    const expectedOnTenants = new Set([...(readsTenantSecrets ? TENANT_SECRET_READS : []), ...(writesTenantSecrets ? TENANT_SECRET_WRITES : [])]);
    expect(actionsOn(isTenantPrefix)).toEqual([...expectedOnTenants].sort());
    // tagging only with the one tag key adapters/shared/secrets.ts sets
    for (const st of statements.filter((x) => actionsOf(x).includes('secretsmanager:TagResource'))) {
      expect(actionsOf(st)).toEqual(['secretsmanager:TagResource']);
      expect(resourcesOf(st).every(isTenantPrefix)).toBe(true);
      expect(st.Condition).toEqual({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['social-crm:tenant'] } });
    }

    const env = environmentOf(declaration);
    const secrets = [
      { granted: readsConsentKey, isSecret: isConsentSecret, variable: 'CONSENT_TOKEN_SECRET_ID' },
      { granted: readsSuppressionPepper, isSecret: isPepperSecret, variable: 'SUPPRESSION_PEPPER_SECRET_ID' },
    ];
    for (const { granted, isSecret, variable } of secrets) {
      if (!granted) {
        expect(actionsOn(isSecret), variable).toEqual([]);
        expect(env[variable], variable).toBeUndefined();
        continue;
      }
      expect(actionsOn(isSecret), variable).toEqual(['secretsmanager:GetSecretValue']);
      expect(isSecret(env[variable]), variable).toBe(true);
      expect(s.producer(env[variable])?.attribute, variable).toBe('Ref'); // the ARN, which GetSecretValue accepts
    }
  });

  it.each(functionEntries)('%s: ses:SendEmail from the configured sender only if it sends e-mail', (_key, declaration) => {
    const statements = statementsOf(declaration).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
    const env = environmentOf(declaration);
    if (!declaration.access.sendsEmail) {
      expect(statements).toEqual([]);
      expect(env.EMAIL_FROM).toBeUndefined();
      expect(env.SES_CONFIGURATION_SET).toBeUndefined();
      return;
    }
    expect(env.EMAIL_FROM).toBe(DEFAULT_EMAIL_FROM);
    // no set of the deployment's own: the stack's, which publishes delivery events to the default bus
    expect(env.SES_CONFIGURATION_SET).toBe('social-crm-email');
    expect(statements.flatMap(actionsOf)).toEqual(['ses:SendEmail']);
    const [address, domain] = [DEFAULT_EMAIL_FROM, DEFAULT_EMAIL_FROM.split('@')[1]];
    expect(statements.flatMap(resourcesOf).map((r) => arnTail(r, 'ses')).sort()).toEqual([`identity/${address}`, `identity/${domain}`, 'configuration-set/social-crm-email'].sort());
    for (const st of statements) expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': address } });
  });

  it('keeps the consent signing key and the suppression pepper out of reach of the tenant-secret grants', () => {
    expect(CONSENT_TOKEN_SECRET_NAME.startsWith(DEFAULT_SECRETS_PREFIX)).toBe(false);
    expect(SUPPRESSION_PEPPER_SECRET_NAME.startsWith(DEFAULT_SECRETS_PREFIX)).toBe(false);
  });

  it('lets every function that checks, writes or exports suppression tombstones read the pepper', () => {
    // the entries whose code reaches DynamoSuppressionList: customer creation and identity linking
    // (domain/customers/identity.ts via every webhook and the customers API), erasure (writes) and the export (reads)
    const readers = functionEntries.filter(([, d]) => d.access.readsSuppressionPepper).map(([key]) => key);
    expect(readers.sort()).toEqual(
      ['metaWebhook', 'xWebhook', 'youtubeWebhook', 'shopifyWebhook', 'woocommerceWebhook', 'eventsWebhook', 'customersApi', 'privacyApi', 'erasure'].sort(),
    );
  });

  it.each(functionEntries)('%s: table access as declared, on the table and its declared indexes only', (_key, declaration) => {
    const statements = statementsOf(declaration).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    const actions = statements.flatMap(actionsOf);
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:Scan');
    if (declaration.access.table === 'read') for (const write of DYNAMO_WRITES) expect(actions).not.toContain(write);
    else expect(actions).toEqual(expect.arrayContaining(DYNAMO_WRITES));

    const targets = statements.flatMap(resourcesOf).map((resource) => {
      const direct = s.producer(resource);
      if (direct) return `${direct.resource.Type}`;
      const [, parts] = (resource as Json)['Fn::Join'] as [string, unknown[]];
      return `${s.producer(parts[0])?.resource.Type}${parts.slice(1).join('')}`;
    });
    expect(new Set(targets)).toEqual(
      new Set(['AWS::DynamoDB::Table', ...TABLE.globalSecondaryIndexes.map((i) => `AWS::DynamoDB::Table/index/${i.indexName}`)]),
    );
  });

  it.each(functionEntries)('%s: consumes only the queues it is declared to consume', (key, declaration) => {
    const consumed = statementsOf(declaration)
      .filter((st) => actionsOf(st).includes('sqs:ReceiveMessage'))
      .flatMap(resourcesOf)
      .map((r) => s.producer(r)?.resource.Properties.QueueName);
    const declared = queueEntries.filter(([, q]) => q.consumer.function === key).map(([name]) => queueNames(name).queue);
    expect(consumed.sort()).toEqual(declared.sort());
  });
});

describe('queues', () => {
  it('gives every queue that is not a DLQ a redrive policy', () => {
    const dlqs = dlqIds();
    const others = s.stateful.resources('AWS::SQS::Queue').filter((q) => !dlqs.has(q.id));
    expect(others.length).toBeGreaterThan(0);
    for (const q of others) expect(q.Properties.RedrivePolicy, q.id).toBeDefined();
  });

  it.each(queueEntries)('%s: redrive, retention and visibility as declared', (name, declaration) => {
    const queue = queueByName(queueNames(name).queue);
    const dlq = queueByName(queueNames(name).dlq);
    expect(queue.Properties.VisibilityTimeout).toBe(declaration.visibilityTimeoutSeconds);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
      maxReceiveCount: declaration.maxReceiveCount,
    });
    expect(dlq.Properties.MessageRetentionPeriod).toBe(declaration.dlqRetentionDays * 86_400);
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    const policies = s.stateful.resources('AWS::SQS::QueuePolicy');
    for (const q of s.stateful.resources('AWS::SQS::Queue')) {
      expect(q.Properties.SqsManagedSseEnabled, q.id).toBe(true);
      const statements = policies
        .filter((p) => (p.Properties.Queues as Json[]).some((ref) => ref.Ref === q.id))
        .flatMap((p) => (p.Properties.PolicyDocument as Json).Statement as Json[]);
      expect(statements, q.id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('alarms on every DLQ as soon as one message is visible', () => {
    const alarms = s.stateful.resources('AWS::CloudWatch::Alarm');
    for (const dlqId of dlqIds()) {
      const alarm = alarms.find((a) =>
        (a.Properties.Dimensions as Json[] | undefined)?.some(
          (d) => d.Name === 'QueueName' && JSON.stringify(d.Value) === JSON.stringify({ 'Fn::GetAtt': [dlqId, 'QueueName'] }),
        ),
      );
      expect(alarm, `alarm for ${dlqId}`).toBeDefined();
      expect(alarm!.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it.each(queueEntries)('%s: its consumer reads it in batches and reports partial failures', (name, declaration) => {
    const consumer = lambdaOf(FUNCTIONS[declaration.consumer.function]);
    const mappings = s.stateless
      .resources('AWS::Lambda::EventSourceMapping')
      .filter((m) => s.producer(m.Properties.EventSourceArn)?.resource.Properties.QueueName === queueNames(name).queue);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionName: { Ref: consumer.id },
      BatchSize: declaration.consumer.batchSize,
      MaximumBatchingWindowInSeconds: declaration.consumer.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('event rules', () => {
  it('gives every rule target a DLQ and a retry policy', () => {
    const rules = s.stateless.resources('AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets as Json[]) {
        expect((target.DeadLetterConfig as Json | undefined)?.Arn, rule.id).toBeDefined();
        expect(target.RetryPolicy, rule.id).toBeDefined();
      }
    }
  });

  it.each(RULES.map((r) => [r.name, r] as const))('%s: the declared pattern, on the bus, to the declared queue', (_name, rule) => {
    const matches = s.stateless.resources('AWS::Events::Rule').filter((r) => r.Properties.Name === rule.name);
    expect(matches).toHaveLength(1);
    const props = matches[0]!.Properties;
    expect(props.EventPattern).toEqual(rule.pattern);
    if (rule.bus === 'default') expect(props.EventBusName).toBe('default');
    else expect(s.producer(props.EventBusName)?.resource.Properties.Name).toBe(BUS_NAME);
    const [target] = props.Targets as Json[];
    const names = queueNames(rule.target.queue);
    expect(s.producer(target!.Arn)?.resource.Properties.QueueName).toBe(names.queue);
    expect(s.producer((target!.DeadLetterConfig as Json).Arn)?.resource.Properties.QueueName).toBe(names.dlq);
  });

  it.each(RULES.map((r) => [r.name, r] as const))('%s: may send to its queue and DLQ, and only it', (_name, rule) => {
    for (const name of Object.values(queueNames(rule.target.queue))) {
      const queue = queueByName(name);
      const grants = s.stateful
        .resources('AWS::SQS::QueuePolicy')
        .filter((p) => (p.Properties.Queues as Json[]).some((ref) => ref.Ref === queue.id))
        .flatMap((p) => (p.Properties.PolicyDocument as Json).Statement as Json[])
        .filter((st) => st.Effect === 'Allow');
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
      expect(JSON.stringify(grants[0]!.Condition)).toContain(rule.bus === 'default' ? `:rule/${rule.name}"` : `:rule/${BUS_NAME}/${rule.name}"`);
    }
  });
});

describe('template', () => {
  it('has no dependency cycle in the stateless stack (the functions reference the API that integrates them)', () => {
    // the check itself sees a cycle, through DependsOn or through an attribute
    expect(findCycle({ A: { Properties: { X: { Ref: 'B' } } }, B: { DependsOn: ['C'] }, C: { Properties: { Y: { 'Fn::GetAtt': ['A', 'Arn'] } } } })).toEqual([
      'A',
      'B',
      'C',
      'A',
    ]);
    expect(findCycle(s.stateless.json.Resources)).toBeUndefined();
    expect(findCycle(s.stateful.json.Resources)).toBeUndefined();
  });

  it('warns at synthesis while e-mail would go out from the placeholder sender', () => {
    const messages = s.built.app.synth().getStackByName(STACK_NAMES.stateless).messages;
    expect(messages.some((m) => m.level === 'warning' && String(m.entry.data).includes(DEFAULT_EMAIL_FROM))).toBe(true);
  });
});

describe('table, bus and user pool', () => {
  it('generates the consent signing key and the suppression pepper once (48 letters and digits) and retains them', () => {
    const secrets = s.stateful.resources('AWS::SecretsManager::Secret');
    expect(secrets.map((x) => x.Properties.Name).sort()).toEqual([CONSENT_TOKEN_SECRET_NAME, SUPPRESSION_PEPPER_SECRET_NAME].sort());
    for (const secret of secrets) {
      expect(secret.DeletionPolicy).toBe('Retain');
      expect(secret.Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 48 });
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('derives the table from TABLE: keys, GSIs, TTL, PITR, on-demand, retained, encrypted', () => {
    const [table, ...others] = s.stateful.resources('AWS::DynamoDB::Table');
    expect(others).toEqual([]);
    expect(table!.DeletionPolicy).toBe('Retain');
    expect(table!.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
    });
    expect(table!.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE.globalSecondaryIndexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('names the bus BUS_NAME and archives its events', () => {
    const [bus] = s.stateful.resources('AWS::Events::EventBus');
    expect(bus!.Properties.Name).toBe(BUS_NAME);
    const [archive] = s.stateful.resources('AWS::Events::Archive');
    expect(archive!.Properties.SourceArn).toEqual({ 'Fn::GetAtt': [bus!.id, 'Arn'] });
    expect(archive!.Properties.RetentionDays).toBeGreaterThan(0);
  });

  it('has a group per role, an immutable tenantId and a client whose ID tokens carry it', () => {
    const [pool] = s.stateful.resources('AWS::Cognito::UserPool').filter((p) => p.id.startsWith('UserPool'));
    const groups = s.stateful.resources('AWS::Cognito::UserPoolGroup').filter((g) => (g.Properties.UserPoolId as { Ref?: string }).Ref === pool!.id).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
    expect(pool!.DeletionPolicy).toBe('Retain');
    expect(pool!.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool!.Properties.Schema).toContainEqual(expect.objectContaining({ Name: 'tenantId', Mutable: false }));
    const [client] = s.stateful.resources('AWS::Cognito::UserPoolClient').filter((c) => (c.Properties.UserPoolId as { Ref?: string }).Ref === pool!.id);
    expect(client!.Properties.ReadAttributes).toContain('custom:tenantId');
    expect(client!.Properties.WriteAttributes).not.toContain('custom:tenantId');
  });
});

describe('SES delivery events', () => {
  it('a configuration set of the stack publishes delivery, open, bounce, reject and rendering failures to the default bus', () => {
    const [set] = s.stateless.resources('AWS::SES::ConfigurationSet');
    expect(set!.Properties.Name).toBe('social-crm-email');
    const [destination] = s.stateless.resources('AWS::SES::ConfigurationSetEventDestination');
    const d = destination!.Properties.EventDestination as Json;
    expect(JSON.stringify(d.EventBridgeDestination)).toContain('event-bus/default');
    expect((d.MatchingEventTypes as string[]).sort()).toEqual(['bounce', 'delivery', 'open', 'reject', 'renderingFailure']);
  });
});

describe('campaign attachments', () => {
  it('are a private, encrypted, TLS-only bucket that only the campaigns API may write, by the name it is told', () => {
    const [bucket, ...others] = s.stateful.resources('AWS::S3::Bucket');
    expect(others).toEqual([]);
    expect(bucket!.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket!.Properties.BucketEncryption).toBeDefined();
    expect(bucket!.DeletionPolicy).toBe('Retain');
    const policy = s.stateful.resources('AWS::S3::BucketPolicy')[0]!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('aws:SecureTransport');
    const writers = s.stateless.resources('AWS::Lambda::Function').filter((f) => (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.CAMPAIGN_FILES_BUCKET);
    expect(writers.map((f) => f.id)).toEqual([expect.stringMatching(/^CampaignsCampaignsApi/)]);
    const uploadRoles = s.stateless.resources('AWS::Lambda::Function').filter(isUploadHandler).map((f) => ((f.Properties.Role as Json)['Fn::GetAtt'] as string[])[0]);
    const s3Statements = s.stateless
      .resources('AWS::IAM::Policy')
      // the console upload handler's grants are on the console bucket and CDK's asset bucket (test/infra/console.test.ts)
      .filter((p) => !(p.Properties.Roles as Json[]).some((r) => uploadRoles.includes(r.Ref as string)))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Statements).toHaveLength(1);
    expect([s3Statements[0]!.Action].flat().sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
  });
});

describe('HTTP API', () => {
  const authorizers = () => s.stateless.resources('AWS::ApiGatewayV2::Authorizer');
  const authorizer = () => {
    const found = authorizers().filter((a) => a.Properties.Name === 'CognitoIdToken');
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("takes the operator's tokens on operator routes only, from the deployment's own pool (TOTP required, one group), and tells the function its issuer", () => {
    expect(authorizers().map((a) => a.Properties.Name).sort()).toEqual(['CognitoIdToken', 'OperatorIdToken']);
    const operator = authorizers().find((a) => a.Properties.Name === 'OperatorIdToken')!;
    const issuer = s.producer((operator.Properties.JwtConfiguration as { Issuer: unknown }).Issuer);
    expect(issuer).toMatchObject({ attribute: 'ProviderURL', resource: { Type: 'AWS::Cognito::UserPool' } });
    const pool = issuer!.resource;
    expect(pool.id).toMatch(/^OperatorPool/);
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    const groups = s.stateful.resources('AWS::Cognito::UserPoolGroup').filter((g) => (g.Properties.UserPoolId as { Ref?: string }).Ref === pool.id);
    expect(groups.map((g) => g.Properties.GroupName)).toEqual(['operator']);
    const operatorRoutes = ROUTES.filter((r) => r.auth !== 'public' && (r.auth.roles as readonly string[]).includes('operator'));
    expect(operatorRoutes.length).toBeGreaterThan(0);
    for (const route of s.stateless.resources('AWS::ApiGatewayV2::Route')) {
      const isOperator = operatorRoutes.some((r) => `${r.method} ${r.path}` === route.Properties.RouteKey);
      if (route.Properties.AuthorizerId === undefined) continue;
      expect((route.Properties.AuthorizerId as { Ref: string }).Ref, String(route.Properties.RouteKey)).toBe(isOperator ? operator.id : authorizer().id);
    }
    const functions = s.stateless.resources('AWS::Lambda::Function').filter((f) => (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.OPERATOR_ISSUER);
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(s.producer((f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.OPERATOR_ISSUER)?.resource.id).toBe(pool.id);
  });

  it("validates Cognito ID tokens: issuer of the user pool, audience of its app client and of the console's", () => {
    const config = authorizer().Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(authorizer().Properties.AuthorizerType).toBe('JWT');
    const issuer = s.producer(config.Issuer);
    expect(issuer).toMatchObject({ attribute: 'ProviderURL', resource: { Type: 'AWS::Cognito::UserPool' } });
    const [appClient, consoleClient, ...others] = config.Audience;
    expect(others).toEqual([]);
    expect(s.producer(appClient)?.resource).toMatchObject({ Type: 'AWS::Cognito::UserPoolClient', Properties: { UserPoolId: { Ref: issuer!.resource.id } } });
    const consoleClientId = (consoleClient as { Ref: string }).Ref;
    expect(s.stateless.resource(consoleClientId).Type).toBe('AWS::Cognito::UserPoolClient');
    expect(s.producer(s.stateless.resource(consoleClientId).Properties.UserPoolId)?.resource.id).toBe(issuer!.resource.id);
  });

  it('puts the authorizer on every non-public route and on no public one', () => {
    const routes = s.stateless.resources('AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(ROUTES.length);
    for (const route of routes) {
      const declaration = ROUTES.find((r) => `${r.method} ${r.path}` === route.Properties.RouteKey);
      expect(declaration, String(route.Properties.RouteKey)).toBeDefined();
      if (declaration!.auth === 'public') {
        expect(route.Properties.AuthorizerId, route.id).toBeUndefined();
        expect(route.Properties.AuthorizationType ?? 'NONE', route.id).toBe('NONE');
      } else {
        expect(route.Properties.AuthorizationType, route.id).toBe('JWT');
        const operator = (declaration!.auth.roles as readonly string[]).includes('operator');
        if (!operator) expect(route.Properties.AuthorizerId, route.id).toEqual({ Ref: authorizer().id });
        else expect(route.Properties.AuthorizerId, route.id).not.toEqual({ Ref: authorizer().id });
      }
    }
  });

  it('sends each route to the function it declares', () => {
    for (const route of s.stateless.resources('AWS::ApiGatewayV2::Route')) {
      const declaration = ROUTES.find((r) => `${r.method} ${r.path}` === route.Properties.RouteKey)!;
      const [, [, integrationRef]] = (route.Properties.Target as Json)['Fn::Join'] as [string, [string, Json]];
      const integration = s.stateless.resource(integrationRef.Ref as string);
      const functionId = ((integration.Properties.IntegrationUri as Json)['Fn::GetAtt'] as string[])[0]!;
      expect(functionId).toBe(lambdaOf(FUNCTIONS[declaration.function]).id);
    }
  });

  it('logs access as JSON and throttles on the default stage', () => {
    const [stage] = s.stateless.resources('AWS::ApiGatewayV2::Stage');
    expect(stage!.Properties.StageName).toBe('$default');
    const logs = stage!.Properties.AccessLogSettings as { DestinationArn: Json; Format: string };
    expect(() => JSON.parse(logs.Format)).not.toThrow();
    expect(s.stateless.resource((logs.DestinationArn['Fn::GetAtt'] as string[])[0]!).Properties.RetentionInDays).toBeGreaterThan(0);
    const throttle = stage!.Properties.DefaultRouteSettings as Json;
    expect(throttle.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(throttle.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});

it('outputs what clients and scripts need', () => {
  expect(Object.keys(s.stateless.json.Outputs ?? {})).toEqual(expect.arrayContaining(Object.values(OUTPUTS)));
});
