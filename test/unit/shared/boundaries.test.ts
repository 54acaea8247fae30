/**
 * The import boundaries (.dependency-cruiser.cjs, run through scripts/boundaries.ts): the repository has no
 * violation beyond the known ones, and the check does catch each kind of violation when one is planted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, formatViolations } from '../../../scripts/boundaries.js';
import { tempDir } from '../../support/temp.js';

function plant(files: Record<string, string>): string {
  const root = tempDir('social-crm-planted-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('import boundaries', () => {
  it('the repository has no violation beyond the known ones', () => {
    const violations = checkBoundaries({ ignoreKnown: true });
    expect(violations, formatViolations(violations)).toEqual([]);
  }, 120_000);

  it('fails on planted violations, one per rule', () => {
    const root = plant({
      'domain/loyalty/index.ts': "export { points } from './points.js';\n",
      'domain/loyalty/points.ts': 'export const points = 1;\n',
      // through the index: allowed
      'domain/service/ok.ts': "import { points } from '../loyalty/index.js';\nexport const ok = points;\n",
      // past the index: not allowed
      'domain/service/sneaky.ts': "import { points } from '../loyalty/points.js';\nexport const sneaky = points;\n",
      'domain/finance/sdk.ts': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = DynamoDBClient;\n",
      'domain/finance/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'domain/finance/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'wiring/functions.ts': 'export const FUNCTIONS = {};\n',
      'events/catalog.ts': "import { FUNCTIONS } from '../wiring/functions.js';\nexport const x = FUNCTIONS;\n",
      'adapters/finance/store.ts': "import { FUNCTIONS } from '../../wiring/functions.js';\nexport const y = FUNCTIONS;\n",
      'test/support/fake.ts': 'export const fake = 1;\n',
      'bench/run.ts': "import { fake } from '../test/support/fake.js';\nexport const z = fake;\n",
    });
    const violations = checkBoundaries({ root, folders: ['domain', 'wiring', 'events', 'adapters', 'bench', 'test'] });
    const found = violations.map((v) => `${v.rule} ${v.from} → ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'context-through-index domain/service/sneaky.ts → domain/loyalty/points.ts',
        'no-aws-sdk-in-domain domain/finance/sdk.ts → @aws-sdk/client-dynamodb',
        'events-not-wiring events/catalog.ts → wiring/functions.ts',
        'adapters-not-up adapters/finance/store.ts → wiring/functions.ts',
        'bench-not-test bench/run.ts → test/support/fake.ts',
      ]),
    );
    const cycles = violations.filter((v) => v.rule === 'no-circular');
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles.every((v) => v.cycle?.includes('domain/finance/a.ts') && v.cycle.includes('domain/finance/b.ts'))).toBe(true);
    // the import through the index is not reported
    expect(found.filter((f) => f.includes('domain/service/ok.ts'))).toEqual([]);
  }, 120_000);
});
