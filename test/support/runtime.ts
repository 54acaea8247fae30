/**
 * Starts the local runtime for one integration test file: real HTTP, the shared DynamoDB Local, a table of
 * its own, the in-process bus and queues.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { tempDir } from './temp.js';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from '../../local/runtime.js';

export interface TestRuntime extends LocalRuntime {
  dataDir: string;
  tableName: string;
}

export async function startTestRuntime(overrides: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const dataDir = overrides.dataDir ?? tempDir('social-crm-test-');
  const tableName = overrides.tableName ?? `test-${randomUUID()}`;
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName,
    visibilityTimeoutSeconds: 1,
    ...overrides,
  });
  return Object.assign(runtime, { dataDir, tableName });
}
