/**
 * cdk-nag (AwsSolutions and Serverless packs, registered as CDK validation plugins): no finding, error or
 * warning, may stand unacknowledged; every acknowledgement gives a reason; and no acknowledgement is stale
 * (each one silences a finding that the packs really raise on that construct).
 */
import { App, CfnResource, Stack, Validations, type PolicyViolation } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../infra/app.js';
import { buildForTest } from './synth.js';

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

const describeFinding = (v: PolicyViolation) =>
  v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`);

/** Acknowledgements recorded on the construct tree by `Validations.of(c).acknowledge()`. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** What the packs find when acknowledgements are ignored (NagPack's private check, bypassed for the test). */
function rawFindings(root: IConstruct): PolicyViolation[] {
  const proto = NagPack.prototype as unknown as { isAcknowledged: (...args: unknown[]) => boolean };
  expect(typeof proto.isAcknowledged, 'cdk-nag internals changed: update rawFindings').toBe('function');
  const original = proto.isAcknowledged;
  proto.isAcknowledged = () => false;
  try {
    return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => pack.validateScope(root).violations);
  } finally {
    proto.isAcknowledged = original;
  }
}

let built: BuiltApp;
let synthError: unknown;
beforeAll(() => {
  built = buildForTest(true);
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
});

it('registers both packs as validation plugins', () => {
  expect(built.nagPacks.map((p) => p.readPackName).sort()).toEqual(['AwsSolutions', 'Serverless']);
});

it('leaves no finding unacknowledged, so synthesis passes validation', () => {
  const findings = built.nagPacks.flatMap((pack) => pack.validateScope(built.app).violations).flatMap(describeFinding);
  expect(findings).toEqual([]);
  expect(synthError).toBeUndefined();
});

it('gives every acknowledgement a reason of at least 10 characters', () => {
  const acks = acknowledgements(built.app);
  expect(acks.length).toBeGreaterThan(0);
  for (const ack of acks) {
    expect(ack.id, ack.path).toMatch(/^(AwsSolutions|Serverless)-/);
    expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(10);
  }
});

it('writes the same acknowledgements, with their reasons, into the templates (cdk_nag metadata)', () => {
  const inTemplates = built.app.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c))
    .flatMap((r) => ((r.getMetadata('cdk_nag') as { rules_to_suppress?: { id: string; reason: string }[] } | undefined)?.rules_to_suppress ?? []));
  expect(inTemplates.length).toBeGreaterThanOrEqual(acknowledgements(built.app).length);
  for (const rule of inTemplates) expect(rule.reason.trim().length, rule.id).toBeGreaterThanOrEqual(10);
});

it('acknowledges only findings that the packs really raise there (no stale acknowledgement)', () => {
  const raised = rawFindings(built.app).flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
  for (const ack of acknowledgements(built.app)) {
    const silenced = raised.some((f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
    expect(silenced, `${ack.id} at ${ack.path} silences nothing`).toBe(true);
  }
});

it('the packs do report findings (they are not vacuously passing)', () => {
  const app = new App();
  new Queue(new Stack(app, 'Probe'), 'PlainQueue');
  const rules = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((p) => p.validateScope(app).violations.map((v) => v.ruleName));
  expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'Serverless-SQSRedrivePolicy']));
});
