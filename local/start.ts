/**
 * `npm start`: the whole system on this machine. PORT and DATA_DIR override the defaults.
 */
import { resolve } from 'node:path';
import { JavaMissing } from './dynamodb.js';
import type { LocalRuntime } from './runtime.js';

const dataDir = resolve(process.env.DATA_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

// Ctrl-C handlers go in before anything starts: a signal that arrives while starting (or the instant the
// URL is printed) must still stop everything cleanly, not kill the process with its children half-made.
let runtime: LocalRuntime | undefined;
let stopRequested = false;
async function stop() {
  if (stopRequested) return;
  stopRequested = true;
  if (!runtime) return; // still starting: stopped as soon as it is up
  console.log('\nstopping…');
  await runtime.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  // loaded after the handlers are in: the runtime's module graph (every function) takes seconds on a busy machine
  const { startLocalRuntime } = await import('./runtime.js');
  runtime = await startLocalRuntime({ port, dataDir });
  if (stopRequested) {
    stopRequested = false;
    await stop();
  }
  console.log(`Social CRM is running at ${runtime.url}`);
  console.log(`  credentials (tenants, webhook secrets, tokens): ${resolve(dataDir, 'credentials.json')}`);
  console.log(`  OpenAPI: ${runtime.url}/v1/openapi.json`);
  console.log('  Ctrl-C stops it; data stays in', dataDir);
} catch (error) {
  if (error instanceof JavaMissing) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
