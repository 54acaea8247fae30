/**
 * Builds the console into static files (index.html, app.js, app.css) with the project's esbuild. `npm start`
 * runs it before starting the runtime, the e2e test builds into a temp folder, and CDK builds the same files
 * at synthesis to upload them to S3 (infra/contexts/console.ts). `npx tsx console/build.ts [outDir]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
export { CONSOLE_DIST } from '../local/console.js';
import { CONSOLE_DIST } from '../local/console.js';

const buildOptions = (outDir: string, minify: boolean): BuildOptions => ({
  entryPoints: { app: join(here, 'src', 'main.tsx') },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify,
  sourcemap: 'linked',
  logLevel: 'warning',
  loader: { '.css': 'css' },
});

const writeIndex = (outDir: string) => writeFileSync(join(outDir, 'index.html'), readFileSync(join(here, 'src', 'index.html')));

export async function buildConsole(outDir = CONSOLE_DIST, options: { minify?: boolean } = {}): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build(buildOptions(outDir, options.minify ?? true));
  writeIndex(outDir);
  return outDir;
}

/** The same build, minified, synchronously: CDK's local asset bundling cannot wait for a promise. */
export function buildConsoleSync(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  buildSync(buildOptions(outDir, true));
  writeIndex(outDir);
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : CONSOLE_DIST);
  console.log(`console built into ${out}`);
}
