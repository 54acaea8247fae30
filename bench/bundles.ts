/**
 * Each declared function bundled exactly as CDK bundles it (infra/bundling.ts), its size, and its module
 * init time in a fresh Node process, against a bare handler that imports only @aws-sdk/client-dynamodb built
 * with the same settings. Init = the time `await import(bundle)` takes, with the deployed NODE_OPTIONS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { HOUSE_BUNDLING, HOUSE_NODE_OPTIONS } from '../infra/bundling.js';
import { FUNCTIONS } from '../wiring/functions.js';
import { stats } from './floor.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BARE = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.apiVersion;\n";

async function bundle(entry: string, outdir: string): Promise<{ file: string; bytes: number }> {
  const file = join(outdir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: HOUSE_BUNDLING.format,
    target: HOUSE_BUNDLING.target,
    mainFields: [...HOUSE_BUNDLING.mainFields],
    banner: { js: HOUSE_BUNDLING.banner },
    minify: HOUSE_BUNDLING.minify,
    sourcemap: HOUSE_BUNDLING.sourceMap,
    sourcesContent: HOUSE_BUNDLING.sourcesContent,
    external: [...HOUSE_BUNDLING.externalModules],
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size };
}

/** Milliseconds `await import(file)` takes in a fresh process, as Lambda would start it (Tracer on, etc.). */
function initMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: HOUSE_NODE_OPTIONS,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      POWERTOOLS_SERVICE_NAME: 'social-crm',
      TABLE_NAME: 'social-crm',
      EVENT_BUS_NAME: 'social-crm',
      SECRETS_PREFIX: 'social-crm/tenants/',
    },
    encoding: 'utf8',
  });
  return Number(out);
}

export interface BundleRow {
  function: string;
  'KiB': number;
  'init ms (median)': string;
  'init / bare': string;
}

export async function bundleTable(runs: number): Promise<{ rows: BundleRow[]; worst: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'social-crm-bundles-'));
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const bareDir = join(dir, 'bare');
    mkdirSync(bareDir);
    writeFileSync(join(bareDir, 'entry.mjs'), BARE);
    const bare = await bundle(join(bareDir, 'entry.mjs'), bareDir);
    const built = [{ id: 'bare (client-dynamodb only)', ...bare }];
    for (const [id, declaration] of Object.entries(FUNCTIONS)) {
      const out = join(dir, id);
      mkdirSync(out);
      built.push({ id, ...(await bundle(join(ROOT, declaration.entry), out)) });
    }
    // rounds interleave the bundles, so a busy moment of the shared machine does not fall on one of them
    const times = new Map<string, number[]>(built.map((b) => [b.id, []]));
    for (let r = 0; r < runs; r++) for (const b of built) times.get(b.id)!.push(initMs(b.file));
    const bareMs = stats(times.get(built[0]!.id)!).median;
    let worst = 0;
    const rows = built.map((b) => {
      const ms = stats(times.get(b.id)!).median;
      if (b !== built[0]) worst = Math.max(worst, ms / bareMs);
      return { function: b.id, KiB: Math.round(b.bytes / 1024), 'init ms (median)': ms.toFixed(1), 'init / bare': (ms / bareMs).toFixed(2) };
    });
    return { rows, worst };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
