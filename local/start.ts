/**
 * `npm start`: the whole system on this machine. PORT and DATA_DIR override the defaults.
 */
import { resolve } from 'node:path';
import { JavaMissing } from './dynamodb.js';
import { startLocalRuntime } from './runtime.js';

const dataDir = resolve(process.env.DATA_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

try {
  const runtime = await startLocalRuntime({ port, dataDir });
  console.log(`Social CRM is running at ${runtime.url}`);
  console.log(`  credentials (tenants, webhook secrets, tokens): ${resolve(dataDir, 'credentials.json')}`);
  console.log(`  OpenAPI: ${runtime.url}/v1/openapi.json`);
  console.log('  Ctrl-C stops it; data stays in', dataDir);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof JavaMissing) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
