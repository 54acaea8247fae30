/**
 * Temporary folders of a test file (runtime data, secret stores, outboxes, CDK assemblies), made under the
 * system's temp folder and removed when the file's tests end (test/support/cleanup.ts runs for every file),
 * so a run leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
