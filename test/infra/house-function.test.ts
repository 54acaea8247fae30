/**
 * The house function's grants, each access flag on its own, on a probe stack: a flag brings exactly its
 * actions on exactly its resources, and a function without any flag gets none of them. (stack.test.ts checks
 * the same for every declared function; this keeps the check meaningful whichever flags are in use.)
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, expect, it } from 'vitest';
import { HouseFunction } from '../../infra/house-function.js';
import type { FunctionDeclaration } from '../../wiring/functions.js';
import { tempDir } from '../support/temp.js';
import { actionsOf, resourcesOf, type Json } from './synth.js';

type Flag = 'readsTenantSecrets' | 'writesTenantSecrets' | 'readsConsentKey' | 'readsSuppressionPepper' | 'sendsEmail' | 'publishesEvents';
const FLAGS: Flag[] = ['readsTenantSecrets', 'writesTenantSecrets', 'readsConsentKey', 'readsSuppressionPepper', 'sendsEmail', 'publishesEvents'];

/** The actions each flag adds beyond the table, logs and tracing. */
const EXPECTED: Record<Flag, string[]> = {
  readsTenantSecrets: ['secretsmanager:GetSecretValue'],
  writesTenantSecrets: ['secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'],
  readsConsentKey: ['secretsmanager:GetSecretValue'],
  readsSuppressionPepper: ['secretsmanager:GetSecretValue'],
  sendsEmail: ['ses:SendEmail'],
  publishesEvents: ['events:PutEvents'],
};
const BASELINE = /^(dynamodb|logs|xray):/;

let template: Template;
let json: { Resources: Record<string, { Type: string; Properties: Json }> };
let secretId: string;
let pepperId: string;

function declaration(id: string, flags: Flag[]): FunctionDeclaration {
  return {
    id,
    entry: 'functions/shared/openapi-api.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: { table: 'read', publishesEvents: false, readsTenantSecrets: false, ...Object.fromEntries(flags.map((f) => [f, true])) },
  };
}

beforeAll(() => {
  const app = new App({ outdir: tempDir('cdk.out-'), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Probe');
  const resources = {
    table: new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
    bus: new EventBus(stack, 'Bus'),
    secretsPrefix: 'probe/tenants/',
    consentTokenSecret: new Secret(stack, 'ConsentKey'),
    suppressionPepperSecret: new Secret(stack, 'Pepper'),
    email: { from: 'crm@brand.example' },
  };
  new HouseFunction(stack, 'None', { ...resources, declaration: declaration('None', []) });
  for (const flag of FLAGS) new HouseFunction(stack, flag, { ...resources, declaration: declaration(flag, [flag]) });
  template = Template.fromStack(stack);
  json = template.toJSON() as typeof json;
  const secretIds = Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret').map(([id]) => id);
  secretId = secretIds.find((id) => id.startsWith('ConsentKey'))!;
  pepperId = secretIds.find((id) => id.startsWith('Pepper'))!;
  expect([secretId, pepperId].every(Boolean)).toBe(true);
});

function granted(id: string): { statements: Json[]; env: Json } {
  const [fnId, fn] = Object.entries(json.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith(`${id}:`))!;
  expect(fnId).toBeDefined();
  const roleId = ((fn.Properties.Role as Json)['Fn::GetAtt'] as string[])[0]!;
  const statements = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Json[]).some((x) => x.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as Json).Statement as Json[])
    .filter((st) => !actionsOf(st).every((a) => BASELINE.test(a)));
  return { statements, env: ((fn.Properties.Environment as { Variables: Json } | undefined)?.Variables ?? {}) as Json };
}

it('grants nothing beyond table, logs and tracing without a flag, and sets none of the flags’ variables', () => {
  const { statements, env } = granted('None');
  expect(statements).toEqual([]);
  for (const name of ['CONSENT_TOKEN_SECRET_ID', 'SUPPRESSION_PEPPER_SECRET_ID', 'EMAIL_FROM', 'SES_CONFIGURATION_SET']) expect(env[name]).toBeUndefined();
});

it.each(FLAGS)('%s: exactly its actions', (flag) => {
  const actions = [...new Set(granted(flag).statements.flatMap(actionsOf))].sort();
  expect(actions).toEqual(EXPECTED[flag]);
});

it.each(['readsTenantSecrets', 'writesTenantSecrets'] as const)('%s: on the tenant prefix only', (flag) => {
  for (const resource of granted(flag).statements.flatMap(resourcesOf)) {
    expect(JSON.stringify(resource)).toMatch(/:secret:probe\/tenants\/\*"\]\]\}$/);
  }
});

it('readsConsentKey: GetSecretValue on the consent secret only, whose ARN the function gets', () => {
  const { statements, env } = granted('readsConsentKey');
  expect(statements.flatMap(resourcesOf)).toEqual([{ Ref: secretId }]);
  expect(env.CONSENT_TOKEN_SECRET_ID).toEqual({ Ref: secretId });
  expect(env.SUPPRESSION_PEPPER_SECRET_ID).toBeUndefined();
});

it('readsSuppressionPepper: GetSecretValue on the pepper secret only, whose ARN the function gets', () => {
  const { statements, env } = granted('readsSuppressionPepper');
  expect(statements.flatMap(resourcesOf)).toEqual([{ Ref: pepperId }]);
  expect(env.SUPPRESSION_PEPPER_SECRET_ID).toEqual({ Ref: pepperId });
  expect(env.CONSENT_TOKEN_SECRET_ID).toBeUndefined();
});

it('sendsEmail: SendEmail on the sender identities only, from that address only', () => {
  const { statements, env } = granted('sendsEmail');
  expect(env.EMAIL_FROM).toBe('crm@brand.example');
  expect(env.SES_CONFIGURATION_SET).toBeUndefined();
  const identities = statements.flatMap(resourcesOf).map((r) => JSON.stringify(r).match(/:(identity\/[^"]+)"\]\]\}$/)?.[1]);
  expect(identities.sort()).toEqual(['identity/brand.example', 'identity/crm@brand.example']);
  for (const st of statements) expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'crm@brand.example' } });
});
