/**
 * Names the CDK app, the tests and the operator scripts share. No CDK import here, so scripts can read it
 * without loading aws-cdk-lib.
 */
import { BUS_NAME } from '../events/catalog.js';
import type { QueueName } from '../wiring/queues.js';

export const STACK_NAMES = { stateful: 'SocialCrmStateful', stateless: 'SocialCrmStateless' } as const;

/** Powertools service name of every function (functions/shared/powertools.ts falls back to the same). */
export const SERVICE_NAME = 'social-crm';

/**
 * Where tenant webhook secrets live in Secrets Manager: `${prefix}${tenantId}`. The same default as
 * adapters/shared/secrets.ts; the stack passes it to the functions as SECRETS_PREFIX, so only this one counts in AWS.
 */
export const DEFAULT_SECRETS_PREFIX = 'social-crm/tenants/';

/**
 * Name of the Secrets Manager secret that holds the consent link signing key(s). Deliberately outside
 * DEFAULT_SECRETS_PREFIX: the functions that read tenant secrets must not read this key (checked at synth).
 */
export const CONSENT_TOKEN_SECRET_NAME = 'social-crm/consent-token-key';

/**
 * Name of the Secrets Manager secret that holds the suppression pepper (adapters/privacy/dynamo-retention.ts). Also
 * outside DEFAULT_SECRETS_PREFIX, for the same reason (checked at synth).
 */
export const SUPPRESSION_PEPPER_SECRET_NAME = 'social-crm/suppression-pepper';

/** What `emailFrom` is when neither a stack prop nor the context sets it: replace it before deploying (infra/README.md). */
export const DEFAULT_EMAIL_FROM = 'no-reply@example.com';

/**
 * Deploy-time settings read from the CDK context (`cdk deploy -c emailFrom=crm@brand.example`) when the
 * app's props do not set them. infra/README.md describes each.
 */
export const CONTEXT_KEYS = {
  emailFrom: 'emailFrom',
  sesConfigurationSet: 'sesConfigurationSet',
  publicApiUrl: 'publicApiUrl',
} as const;

/** Physical SQS names: the bus name as a prefix keeps them together in the console. */
export function queueNames(name: QueueName): { queue: string; dlq: string } {
  return { queue: `${BUS_NAME}-${name}`, dlq: `${BUS_NAME}-${name}-dlq` };
}

/** CloudFormation output keys of the stateless stack (what clients and scripts need). */
export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  operatorPoolId: 'OperatorPoolId',
  operatorPoolClientId: 'OperatorPoolClientId',
  tableName: 'TableName',
  eventBusName: 'EventBusName',
  secretsPrefix: 'TenantSecretsPrefix',
  consentTokenSecret: 'ConsentTokenSecretArn',
  publicApiUrl: 'PublicApiUrl',
  consoleUrl: 'ConsoleUrl',
  consoleClientId: 'ConsoleClientId',
} as const;

/** The attachments bucket's name: the same account and region in both stacks, so no cross-stack reference is needed. */
export const campaignFilesBucketName = (account: string, region: string) => `social-crm-files-${account}-${region}`;
