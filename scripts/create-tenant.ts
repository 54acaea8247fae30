/**
 * Creates a tenant in a deployed Social CRM (the SocialCrmStateful/SocialCrmStateless stacks):
 *
 *  1. its webhook secrets in Secrets Manager, `<prefix><tenantId>`, in the TenantSecretsDocument shape
 *     (adapters/shared/secrets.ts): the ones this system chooses are generated here (YouTube WebSub secret,
 *     WooCommerce secret, Standard Webhooks `whsec_` secret, and the Meta verify token); the ones a platform
 *     issues (Meta app secret, X consumer secret, Shopify signing secret) are taken from options or
 *     environment variables when given, and can be added to the secret later;
 *  2. its record in the table: keys.tenant(tenantId), entity "Tenant", data { tenantId, name, accounts, createdAt };
 *  3. its first admin in the user pool: AdminCreateUser with custom:tenantId (Cognito e-mails a temporary
 *     password), then AdminAddUserToGroup "admin".
 *
 * Each step leaves what already exists alone, so running it again after a failure finishes the job. It
 * never prints a secret value.
 *
 * Usage (values from the SocialCrmStateless outputs UserPoolId, TableName, TenantSecretsPrefix:
 * `aws cloudformation describe-stacks --stack-name SocialCrmStateless --query 'Stacks[0].Outputs'`):
 *
 *   npm run tenant:create -- --tenant-id acme --name "Acme Outdoor" --admin-email ops@acme.example \
 *     --user-pool-id eu-west-1_AbCdEfGhI [--table social-crm] [--secrets-prefix social-crm/tenants/] [--region eu-west-1]
 *
 * Platform-issued secrets (optional; prefer the environment variables, which stay out of shell history):
 *   --meta-app-secret / META_APP_SECRET, --x-consumer-secret / X_CONSUMER_SECRET, --shopify-secret / SHOPIFY_SECRET
 *
 * AWS credentials and region come from the usual SDK chain (AWS_PROFILE, SSO, environment) unless --region is given.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../adapters/dynamo/client.js';
import { TenantSecretsDocument } from '../adapters/shared/secrets.js';
import { CLAIMS, type Role } from '../domain/shared/auth.js';
import type { Tenant } from '../domain/shared/model.js';
import { DEFAULT_SECRETS_PREFIX } from '../infra/config.js';
import { keys } from '../store/keys.js';
import { DEFAULT_TABLE_NAME } from '../store/table.js';

const ADMIN_ROLE: Role = 'admin';
/** Lower-case letters, digits and inner hyphens: safe in URLs, key parts and secret names; fits the custom attribute (64). */
const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const USAGE = `Usage: npm run tenant:create -- --tenant-id <id> --name <name> --admin-email <email> --user-pool-id <id>
       [--table <name>] [--secrets-prefix <prefix>] [--region <region>]
       [--meta-app-secret <s>] [--x-consumer-secret <s>] [--shopify-secret <s>]`;

interface Options {
  tenantId: string;
  name: string;
  adminEmail: string;
  userPoolId: string;
  table: string;
  secretsPrefix: string;
  region?: string;
  platformSecrets: { metaAppSecret?: string; xConsumerSecret?: string; shopifySecret?: string };
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'tenant-id': { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      'user-pool-id': { type: 'string' },
      table: { type: 'string', default: process.env.TABLE_NAME ?? DEFAULT_TABLE_NAME },
      'secrets-prefix': { type: 'string', default: process.env.SECRETS_PREFIX ?? DEFAULT_SECRETS_PREFIX },
      region: { type: 'string' },
      'meta-app-secret': { type: 'string' },
      'x-consumer-secret': { type: 'string' },
      'shopify-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const required = (name: 'tenant-id' | 'name' | 'admin-email' | 'user-pool-id') => {
    const value = values[name]?.trim();
    if (!value) throw new Error(`--${name} is required\n${USAGE}`);
    return value;
  };
  const tenantId = required('tenant-id');
  if (!TENANT_ID.test(tenantId)) throw new Error(`--tenant-id must match ${TENANT_ID} (got "${tenantId}")`);
  const adminEmail = required('admin-email');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) throw new Error(`--admin-email is not an e-mail address: "${adminEmail}"`);
  return {
    tenantId,
    name: required('name'),
    adminEmail,
    userPoolId: required('user-pool-id'),
    table: values.table,
    secretsPrefix: values['secrets-prefix'],
    ...(values.region && { region: values.region }),
    platformSecrets: {
      metaAppSecret: values['meta-app-secret'] ?? process.env.META_APP_SECRET,
      xConsumerSecret: values['x-consumer-secret'] ?? process.env.X_CONSUMER_SECRET,
      shopifySecret: values['shopify-secret'] ?? process.env.SHOPIFY_SECRET,
    },
  };
}

/**
 * Fresh secrets for what this system chooses; platform-issued ones only when given. Meta needs both its
 * app secret and our verify token, so without the app secret the whole `meta` section waits.
 */
function webhookSecrets(platform: Options['platformSecrets']): TenantSecretsDocument {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    youtube: { secret: hex(32) },
    woocommerce: { secret: hex(32) },
    // Standard Webhooks: "whsec_" + base64 of the key bytes (the HMAC key is the decoded bytes)
    events: { secret: `whsec_${randomBytes(32).toString('base64')}` },
    ...(platform.metaAppSecret && { meta: { appSecret: platform.metaAppSecret, verifyToken: hex(24) } }),
    ...(platform.xConsumerSecret && { x: { consumerSecret: platform.xConsumerSecret } }),
    ...(platform.shopifySecret && { shopify: { secret: platform.shopifySecret } }),
  };
}

type StepResult = 'created' | 'already there';

async function createSecret(client: SecretsManagerClient, options: Options): Promise<{ name: string; result: StepResult }> {
  const name = `${options.secretsPrefix}${options.tenantId}`;
  const document = webhookSecrets(options.platformSecrets);
  TenantSecretsDocument.parse(document); // what the functions will parse
  try {
    await client.send(
      new CreateSecretCommand({
        Name: name,
        Description: `Social CRM webhook secrets of tenant ${options.tenantId}`,
        SecretString: JSON.stringify(document),
        Tags: [{ Key: 'social-crm:tenant', Value: options.tenantId }],
      }),
    );
    return { name, result: 'created' };
  } catch (error) {
    if (error instanceof ResourceExistsException) return { name, result: 'already there' };
    throw error;
  }
}

async function createTenantRecord(client: DynamoDBDocumentClient, options: Options): Promise<StepResult> {
  const tenant: Tenant = { tenantId: options.tenantId, name: options.name, accounts: {}, createdAt: new Date().toISOString() };
  try {
    await client.send(
      new PutCommand({
        TableName: options.table,
        Item: { ...keys.tenant(options.tenantId), entity: 'Tenant', data: tenant },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'created';
  } catch (error) {
    if (isConditionalCheckFailed(error)) return 'already there';
    throw error;
  }
}

async function createAdmin(client: CognitoIdentityProviderClient, options: Options): Promise<StepResult> {
  const { userPoolId: UserPoolId, adminEmail: Username, tenantId } = options;
  let result: StepResult = 'created';
  try {
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username,
        UserAttributes: [
          { Name: 'email', Value: Username },
          { Name: 'email_verified', Value: 'true' },
          { Name: CLAIMS.tenant, Value: tenantId },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw error;
    // an existing user may only become admin of the tenant it already belongs to
    const existing = await client.send(new AdminGetUserCommand({ UserPoolId, Username }));
    const belongsTo = existing.UserAttributes?.find((a) => a.Name === CLAIMS.tenant)?.Value;
    if (belongsTo !== tenantId) throw new Error(`${Username} already exists and belongs to tenant "${belongsTo ?? '(none)'}", not "${tenantId}"`);
    result = 'already there';
  }
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: ADMIN_ROLE }));
  return result;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const config = options.region ? { region: options.region } : {};

  // 1. secrets first: a tenant record without secrets would answer webhooks with errors
  const secret = await createSecret(new SecretsManagerClient(config), options);
  // 2. the tenant record
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const record = await createTenantRecord(documents, options);
  // 3. the first admin
  const admin = await createAdmin(new CognitoIdentityProviderClient(config), options);

  const missing = [
    !options.platformSecrets.metaAppSecret && 'meta { appSecret, verifyToken }',
    !options.platformSecrets.xConsumerSecret && 'x.consumerSecret',
    !options.platformSecrets.shopifySecret && 'shopify.secret',
  ].filter(Boolean);
  console.log(
    JSON.stringify(
      {
        tenantId: options.tenantId,
        secret: { name: secret.name, result: secret.result },
        tenantRecord: { table: options.table, result: record },
        admin: { username: options.adminEmail, group: ADMIN_ROLE, result: admin },
        ...(secret.result === 'created' &&
          missing.length > 0 && {
            todo: `Add the platform-issued secrets (${missing.join(', ')}) to ${secret.name} when the platforms are connected.`,
          }),
        readSecrets: `aws secretsmanager get-secret-value --secret-id ${secret.name} --query SecretString --output text`,
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
