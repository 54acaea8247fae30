/**
 * The CDK app: the stateful stack (data) and the stateless stack (code), checked by cdk-nag's AwsSolutions
 * and Serverless packs. An unacknowledged finding fails synthesis; every acknowledgement says why, next to
 * the construct it concerns.
 *
 * `npx cdk synth` runs this file (cdk.json); tests call `buildApp()` and synthesize themselves.
 * Stacks are environment-agnostic: no lookups, so synthesis needs no AWS credentials.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import { STACK_NAMES } from './config.js';
import { StatefulStack, type StatefulStackProps } from './stateful-stack.js';
import { StatelessStack, type StatelessStackProps } from './stateless-stack.js';

export interface BuildAppProps {
  /** Extra context (tests pass `{ 'aws:cdk:bundling-stacks': [] }` to skip esbuild). */
  context?: Record<string, unknown>;
  /** Run the cdk-nag packs at synthesis (default true). */
  nag?: boolean;
  outdir?: string;
  stateful?: Omit<StatefulStackProps, 'description'>;
  stateless?: Pick<StatelessStackProps, 'secretsPrefix' | 'apiThrottle' | 'emailFrom' | 'sesConfigurationSet' | 'publicApiUrl'>;
}

export interface BuiltApp {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
  /** The packs registered as validation plugins (empty when `nag: false`). */
  nagPacks: NagPack[];
}

export function buildApp(props: BuildAppProps = {}): BuiltApp {
  const app = new App({ ...(props.context && { context: props.context }), ...(props.outdir && { outdir: props.outdir }) });

  const stateful = new StatefulStack(app, STACK_NAMES.stateful, {
    description: 'Social CRM data: table, event bus and archive, queues and DLQs, user pool, consent signing key, suppression pepper',
    ...props.stateful,
  });
  const stateless = new StatelessStack(app, STACK_NAMES.stateless, {
    description: 'Social CRM code: functions, HTTP API, event rules, the console on CloudFront',
    table: stateful.table,
    bus: stateful.bus,
    queues: stateful.queues,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    operatorPool: stateful.operatorPool,
    operatorPoolClient: stateful.operatorPoolClient,
    consentTokenSecret: stateful.consentTokenSecret,
    suppressionPepperSecret: stateful.suppressionPepperSecret,
    ...props.stateless,
  });

  const nagPacks: NagPack[] = [];
  if (props.nag ?? true) {
    // the audit trail of acknowledgements also goes into the templates' Metadata (cdk_nag.rules_to_suppress)
    nagPacks.push(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }), new ServerlessChecks(app));
    Validations.of(app).addPlugins(...nagPacks);
  }
  return { app, stateful, stateless, nagPacks };
}

const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  buildApp().app.synth();
}
