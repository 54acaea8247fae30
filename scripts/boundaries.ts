/**
 * The import-boundary check (rules in .dependency-cruiser.cjs), run by test/unit/shared/boundaries.test.ts and
 * by `npm run boundaries`.
 *
 * dependency-cruiser reads TypeScript through the `typescript` package's compiler API, which TypeScript 7 (the
 * native compiler this project type-checks with) no longer ships. So the sources are first transpiled, file by
 * file, with esbuild into a mirror tree under the system's temp folder (same paths, `.js`; import specifiers
 * already end in `.js`), with `verbatimModuleSyntax` so that an import is dropped only when it is written
 * `import type` or `type X`: an import of a type without the keyword still counts. The mirror is removed after.
 *
 *   npm run boundaries                 prints violations, exit code 1 when there is one not in the baseline
 *   npm run boundaries -- --baseline   rewrites .dependency-cruiser-known-violations.json (to shrink it)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const BASELINE = join(ROOT, '.dependency-cruiser-known-violations.json');
/** The folders whose imports are checked. */
export const CHECKED = ['domain', 'functions', 'adapters', 'api', 'wiring', 'events', 'store', 'bench', 'local', 'infra', 'scripts', 'test', 'console'];
const SKIP = new Set(['node_modules', 'cdk.out', '.local', 'fixtures']);

export interface Violation {
  rule: string;
  from: string;
  to: string;
  /** The cycle, for no-circular. */
  cycle?: string[];
}

function tsFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if ((name.endsWith('.ts') || name.endsWith('.tsx')) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Files the code imports that are not code: the price table (`finance/prices/*.json`), the console's CSS. */
function jsonImports(root: string): string[] {
  const dir = join(root, 'finance', 'prices');
  const prices = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => join(dir, n)) : [];
  // and the console's style sheets, which its entry imports for esbuild to bundle
  const styles = join(root, 'console', 'src');
  return [...prices, ...(existsSync(styles) ? readdirSync(styles).filter((n) => n.endsWith('.css')).map((n) => join(styles, n)) : [])];
}

/** A mirror path back to the source's (`.ts`), or a package's name for a file inside node_modules. */
const toTs = (p: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? p.replace(/\.js$/, '.ts');

/**
 * Checks the tree under `root` (default: this repository), folders `folders`, and answers the violations
 * that are not in the baseline (`ignoreKnown`), or all of them.
 */
export function checkBoundaries(options: { root?: string; folders?: string[]; ignoreKnown?: boolean; writeBaseline?: boolean } = {}): Violation[] {
  const root = options.root ?? ROOT;
  const folders = (options.folders ?? CHECKED).filter((f) => existsSync(join(root, f)));
  const mirror = mkdtempSync(join(tmpdir(), 'social-crm-boundaries-'));
  try {
    for (const file of folders.flatMap((f) => tsFiles(join(root, f)))) {
      const { code } = transformSync(readFileSync(file, 'utf8'), {
        loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
        jsx: 'automatic',
        jsxImportSource: 'preact',
        format: 'esm',
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      const target = join(mirror, relative(root, file)).replace(/\.tsx?$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }
    // data files the code imports (the price table) resolve from the mirror too
    for (const file of jsonImports(root)) {
      const target = join(mirror, relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(file));
    }
    // packages resolve from the mirror as they would from the repository
    symlinkSync(join(ROOT, 'node_modules'), join(mirror, 'node_modules'), 'dir');
    writeFileSync(join(mirror, 'package.json'), JSON.stringify({ type: 'module' }));
    const args = [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', CONFIG, '--output-type', options.writeBaseline ? 'baseline' : 'json'];
    if (options.ignoreKnown && !options.writeBaseline && existsSync(BASELINE)) args.push('--ignore-known', toMirrorBaseline(mirror));
    args.push(...folders);
    const run = spawnSync(process.execPath, args, { cwd: mirror, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (options.writeBaseline) {
      const known = (JSON.parse(run.stdout) as { from: string; to: string; cycle?: { name: string }[] | string[] }[]).map((v) => ({
        ...v,
        from: toTs(v.from),
        to: toTs(v.to),
        ...(v.cycle && { cycle: (v.cycle as (string | { name: string })[]).map((c) => (typeof c === 'string' ? toTs(c) : { ...c, name: toTs(c.name) })) }),
      }));
      writeFileSync(BASELINE, `${JSON.stringify(known, null, 2)}\n`);
      return [];
    }
    if (!run.stdout) throw new Error(`dependency-cruiser did not run: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as {
      summary: { violations: { rule: { name: string; severity: string }; from: string; to: string; cycle?: ({ name: string } | string)[] }[] };
    };
    return result.summary.violations
      .filter((v) => v.rule.severity !== 'ignore')
      .map((v) => ({
        rule: v.rule.name,
        from: toTs(v.from),
        to: toTs(v.to),
        ...(v.cycle && { cycle: v.cycle.map((c) => toTs(typeof c === 'string' ? c : c.name)) }),
      }));
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}

/** The baseline names .ts files; the mirror has .js ones. */
function toMirrorBaseline(mirror: string): string {
  const text = readFileSync(BASELINE, 'utf8').replace(/\.ts"/g, '.js"');
  const path = join(mirror, '.known-violations.json');
  writeFileSync(path, text);
  return path;
}

export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `  ${v.rule}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.join(' → ')})` : ''}`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--baseline')) {
    checkBoundaries({ writeBaseline: true });
    console.log(`wrote ${relative(ROOT, BASELINE)}`);
  } else {
    const violations = checkBoundaries({ ignoreKnown: !process.argv.includes('--all') });
    console.log(violations.length ? `${violations.length} import-boundary violation(s):\n${formatViolations(violations)}` : 'import boundaries: no violations');
    process.exitCode = violations.length ? 1 : 0;
  }
}
