/**
 * Synthesizes the CDK app for the assertion tests: once per test file, with cdk.json's context (so the
 * feature flags are those `cdk synth` uses) and without esbuild bundling (the templates are the same; only
 * the asset hashes differ).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildAppProps, type BuiltApp } from '../../infra/app.js';
import { STACK_NAMES } from '../../infra/config.js';
import { PROJECT_ROOT } from '../../infra/house-function.js';
import { tempDir } from '../support/temp.js';

export type Json = Record<string, unknown>;

interface TemplateResource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
  Metadata?: Json;
}

export interface Resource extends TemplateResource {
  id: string;
  Properties: Json;
}

export class SynthesizedStack {
  readonly template: Template;
  constructor(readonly json: { Resources: Record<string, TemplateResource>; Outputs?: Record<string, { Value: unknown }> }) {
    this.template = Template.fromJSON(json);
  }

  resources(type: string): Resource[] {
    return Object.entries(this.json.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => ({ id, ...r, Properties: (r.Properties ?? {}) as Json }));
  }

  resource(id: string): Resource {
    const r = this.json.Resources[id];
    if (!r) throw new Error(`no resource ${id}`);
    return { id, ...r, Properties: (r.Properties ?? {}) as Json };
  }
}

export interface Synthesized {
  built: BuiltApp;
  stateful: SynthesizedStack;
  stateless: SynthesizedStack;
  /**
   * The stateful resource a stateless value points at, through the cross-stack reference (weak references
   * read an output with Fn::GetStackOutput, strong ones import an export); undefined when it is not one.
   */
  producer(value: unknown): { resource: Resource; attribute: string } | undefined;
}

export function cdkContext(): Json {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json }).context;
}

/** What a test adds to the default build: deploy-time context (`-c key=value`) and stateless stack props. */
export interface TestBuildOptions {
  context?: Json;
  stateless?: BuildAppProps['stateless'];
}

/** The app with cdk.json's context and no bundling, not yet synthesized. */
export function buildForTest(nag: boolean, options: TestBuildOptions = {}): BuiltApp {
  return buildApp({
    nag,
    // the cloud assembly goes to a folder of this test file's, removed when the file ends
    outdir: tempDir('cdk.out-'),
    context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [], ...options.context },
    ...(options.stateless && { stateless: options.stateless }),
  });
}

export function synthesize(options: TestBuildOptions = {}): Synthesized {
  const built = buildForTest(false, options);
  const assembly = built.app.synth();
  const stateful = new SynthesizedStack(assembly.getStackByName(STACK_NAMES.stateful).template);
  const stateless = new SynthesizedStack(assembly.getStackByName(STACK_NAMES.stateless).template);

  const exportsByName = new Map<string, unknown>();
  for (const [name, output] of Object.entries(stateful.json.Outputs ?? {})) {
    exportsByName.set(name, output.Value);
    const exportName = (output as { Export?: { Name?: unknown } }).Export?.Name;
    if (typeof exportName === 'string') exportsByName.set(exportName, output.Value);
  }

  function producer(value: unknown) {
    const v = value as Json | undefined;
    const weak = v?.['Fn::GetStackOutput'] as { StackName?: string; OutputName?: string } | undefined;
    const name = weak && weak.StackName === STACK_NAMES.stateful ? weak.OutputName : (v?.['Fn::ImportValue'] as string | undefined);
    if (typeof name !== 'string') return undefined;
    const produced = exportsByName.get(name) as Json | undefined;
    if (!produced) return undefined;
    if (typeof produced.Ref === 'string') return { resource: stateful.resource(produced.Ref), attribute: 'Ref' };
    const getAtt = produced['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return { resource: stateful.resource(getAtt[0]), attribute: getAtt[1] };
    return undefined;
  }

  return { built, stateful, stateless, producer };
}

/**
 * A dependency cycle among a template's resources (Ref, Fn::GetAtt, Fn::Sub and DependsOn edges) as the
 * list of ids around it, or undefined when there is none. CloudFormation refuses a template with a cycle.
 */
export function findCycle(resources: Record<string, { Properties?: unknown; DependsOn?: string | string[] }>): string[] | undefined {
  const edges = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) {
      for (const v of value) collect(v, into);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Json)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v)) into.add(String(v[0]));
      else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? v : [v, undefined];
        for (const [, name] of String(text).matchAll(/\$\{([^}.!]+)/g)) into.add(name!);
        collect(vars, into);
      } else collect(v, into);
    }
  };
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>();
    collect(resource.Properties, deps);
    for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
    edges.set(id, new Set([...deps].filter((d) => d in resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Actions of an IAM statement as a list. */
export function actionsOf(statement: Json): string[] {
  const action = statement.Action;
  return Array.isArray(action) ? (action as string[]) : [action as string];
}

export function resourcesOf(statement: Json): unknown[] {
  const resource = statement.Resource;
  return Array.isArray(resource) ? resource : [resource];
}
