/**
 * DynamoDB Local is a JVM child process: it must end with the process that started it, even when that
 * process crashes, or every failed `npm start` would leave a database server behind.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../../local/dynamodb.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('DynamoDB Local child process', () => {
  it('is gone after the process that started it crashes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-after-dynamodb.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    const endpoint = /endpoint (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(endpoint, out).toBeDefined();
    const client = localClient(endpoint!);
    await expect(client.send(new ListTablesCommand({}))).rejects.toThrow();
    client.destroy();
  }, 60_000);
});
