/**
 * `npm run docs`: rewrites the generated tables of README.md (key design, event catalogue, routes) from the
 * declarations, between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. test/unit/shared/readme.test.ts
 * fails when README.md is behind the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_EVENTS } from '../events/catalog.js';
import { RULES } from '../events/rules.js';
import { ENTITIES } from '../store/keys.js';
import { QUEUES } from '../wiring/queues.js';
import { ROUTES } from '../wiring/routes.js';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

const cell = (text: string) => text.replaceAll('|', '\\|');

function keysTable(): string {
  const rows = (ENTITIES as readonly { name: string; key: string; gsi1?: string; gsi2?: string; serves: string; personal: boolean; erasure?: string }[]).map(
    (e) =>
      `| ${e.name} | \`${cell(e.key)}\` | ${[e.gsi1 && `gsi1 \`${cell(e.gsi1)}\``, e.gsi2 && `gsi2 \`${cell(e.gsi2)}\``].filter(Boolean).join('<br>')} | ${cell(e.serves)} | ${e.personal ? 'yes' : 'no'} | ${e.erasure ?? ''} |`,
  );
  return ['| entity | pk / sk | indexes | serves (access pattern) | personal | erasure |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function eventsTable(): string {
  const consumers = (detailType: string) =>
    RULES.filter((r) => JSON.stringify(r.pattern['detail-type'] ?? []).includes(`"${detailType}"`))
      .map((r) => `\`${r.target.queue}\``)
      .join(', ');
  const rows = ALL_EVENTS.map((e) => `| ${e.detailType} | \`${e.source}\` | ${e.version} | ${consumers(e.detailType) || '(archive only, for now)'} |`);
  return ['| detail-type | source | version | delivered to (queue) |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function routesTable(): string {
  const rows = ROUTES.map((r) => `| \`${r.method} ${r.path}\` | ${r.auth === 'public' ? 'public' : r.auth.roles.join(', ')} | ${cell(r.summary)} |`);
  return ['| route | who | what |', '| --- | --- | --- |', ...rows].join('\n');
}

function queuesTable(): string {
  const rows = Object.values(QUEUES).map(
    (q) => `| \`${q.name}\` | ${q.consumer.function} | ${q.visibilityTimeoutSeconds} s | ${q.maxReceiveCount} | ${q.dlqRetentionDays} days | ${q.consumer.batchSize} |`,
  );
  return ['| queue | consumer | visibility | receives before DLQ | DLQ keeps | batch |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const GENERATED: Record<string, () => string> = { keys: keysTable, events: eventsTable, routes: routesTable, queues: queuesTable };

export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(GENERATED)) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md lacks the ${open} … ${close} block`);
    out = `${out.slice(0, start + open.length)}\n${render()}\n${out.slice(end)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
  console.log('README.md tables regenerated');
}
