/**
 * Deploy-time settings (infra/README.md): `emailFrom`, `sesConfigurationSet` and `publicApiUrl`, from the CDK
 * context as `cdk deploy -c key=value` passes them or from the app's props, and the refusal at synthesis of
 * settings that could not work in AWS.
 */
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_TOKEN_SECRET_NAME, DEFAULT_EMAIL_FROM, OUTPUTS, STACK_NAMES } from '../../infra/config.js';
import type { BuiltApp } from '../../infra/app.js';
import { FUNCTIONS, type FunctionDeclaration, type FunctionKey } from '../../wiring/functions.js';
import { ROUTES } from '../../wiring/routes.js';
import { actionsOf, buildForTest, resourcesOf, synthesize, type Json, type Synthesized } from './synth.js';

const CONTEXT = { emailFrom: 'Brand CRM <crm@brand.example>', sesConfigurationSet: 'crm-events', publicApiUrl: 'https://crm.brand.example/' };
const functionEntries = Object.entries(FUNCTIONS) as [FunctionKey, FunctionDeclaration][];
const senders = functionEntries.filter(([, d]) => d.access.sendsEmail);
const routed = new Set<string>(ROUTES.map((r) => r.function));

/** The environment a built function will get, resolved without synthesizing the app. */
function environmentOf(built: BuiltApp, key: FunctionKey): Json {
  for (const context of Object.values(built.stateless.contexts)) {
    const fn = context.functions.get(key);
    if (fn) return (Stack.of(fn).resolve((fn.function.node.defaultChild as CfnFunction).environment) as { variables: Json }).variables;
  }
  throw new Error(`no function ${key}`);
}

describe('from the CDK context', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ context: CONTEXT });
  });

  const lambdaOf = (declaration: FunctionDeclaration) =>
    s.stateless.resources('AWS::Lambda::Function').find((f) => String(f.Properties.Description).endsWith(declaration.entry))!;

  it.each(senders)('%s: sends from emailFrom, through the configuration set, with SendEmail on exactly those', (_key, declaration) => {
    const fn = lambdaOf(declaration);
    const env = (fn.Properties.Environment as { Variables: Json }).Variables;
    expect(env.EMAIL_FROM).toBe(CONTEXT.emailFrom);
    expect(env.SES_CONFIGURATION_SET).toBe(CONTEXT.sesConfigurationSet);

    const roleId = ((fn.Properties.Role as Json)['Fn::GetAtt'] as string[])[0]!;
    const statements = s.stateless
      .resources('AWS::IAM::Policy')
      .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as Json).Statement as Json[])
      .filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
    expect(statements.flatMap(actionsOf)).toEqual(['ses:SendEmail']);
    const tails = statements
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r).match(/:ses:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":([^"]+)"\]\]\}$/)?.[1]);
    expect(tails.sort()).toEqual(['configuration-set/crm-events', 'identity/brand.example', 'identity/crm@brand.example']);
    for (const st of statements) expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'crm@brand.example' } });
  });

  it('points every HTTP function, and the output, at publicApiUrl (no trailing slash)', () => {
    for (const [key, declaration] of functionEntries) {
      const env = (lambdaOf(declaration).Properties.Environment as { Variables: Json }).Variables;
      expect(env.PUBLIC_API_URL, key).toBe(routed.has(key) ? 'https://crm.brand.example' : undefined);
    }
    expect(s.stateless.json.Outputs?.[OUTPUTS.publicApiUrl]?.Value).toBe('https://crm.brand.example');
  });

  it('gives no placeholder-sender warning once emailFrom is set', () => {
    const messages = s.built.app.synth().getStackByName(STACK_NAMES.stateless).messages;
    expect(messages.filter((m) => String(m.entry.data).includes(DEFAULT_EMAIL_FROM))).toEqual([]);
  });
});

describe('from props and refusals', () => {
  it('prefers the props to the context', () => {
    const built = buildForTest(false, {
      context: CONTEXT,
      stateless: { emailFrom: 'crm@other.example', publicApiUrl: 'https://links.other.example' },
    });
    for (const [key] of senders) expect(environmentOf(built, key).EMAIL_FROM).toBe('crm@other.example');
    for (const key of routed) expect(environmentOf(built, key as FunctionKey).PUBLIC_API_URL).toBe('https://links.other.example');
  });

  it.each([
    [{ context: { emailFrom: 'not an address' } }, /emailFrom/],
    [{ context: { emailFrom: 'Brand <crm@localhost>' } }, /emailFrom/],
    [{ context: { publicApiUrl: 'http://crm.brand.example' } }, /https/],
    [{ context: { publicApiUrl: 'crm.brand.example' } }, /not a URL/],
    [{ context: { sesConfigurationSet: '' } }, /sesConfigurationSet/],
    [{ stateless: { secretsPrefix: 'social-crm/' } }, new RegExp(`covers the consent key secret ${CONSENT_TOKEN_SECRET_NAME}`)],
    [{ stateless: { secretsPrefix: 'social-crm/suppression-' } }, /covers the suppression pepper secret social-crm\/suppression-pepper/],
  ] as const)('refuses %j', (options, error) => {
    expect(() => buildForTest(false, options as Parameters<typeof buildForTest>[1])).toThrow(error);
  });
});
