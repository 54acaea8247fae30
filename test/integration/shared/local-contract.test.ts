/**
 * The local contract that tests and users rely on, checked on the real `npm start` entry point: it prints the base URL,
 * writes `.local/credentials.json` in the documented shape for two tenants, serves the API, and stops
 * cleanly on Ctrl-C (SIGINT) keeping its data for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../../support/temp.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

const Credentials = z.object({
  apiUrl: z.string().url(),
  tenants: z
    .array(
      z.object({
        tenantId: z.string().min(1),
        secrets: z.object({
          meta: z.object({ appSecret: z.string().min(16), verifyToken: z.string().min(8) }),
          x: z.object({ consumerSecret: z.string().min(16) }),
          youtube: z.object({ secret: z.string().min(16) }),
          shopify: z.object({ secret: z.string().min(16) }),
          woocommerce: z.object({ secret: z.string().min(16) }),
          events: z.object({ secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/) }),
        }),
        accounts: z.object({ facebook: z.string(), instagram: z.string(), whatsapp: z.string(), x: z.string(), youtube: z.string() }),
        tokens: z.object({ admin: z.string(), marketer: z.string(), agent: z.string(), finance: z.string() }),
      }),
    )
    .min(2),
});

function start(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // node with tsx's loader, not the tsx CLI: the CLI relays signals to a child process of its own, and the
  // test must see the exit code of the process that handled Ctrl-C
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 45_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('npm start', () => {
  it('prints the URL, writes credentials.json for two tenants, serves the API, and stops cleanly keeping its data', async () => {
    const dataDir = tempDir('social-crm-start-');
    const first = await start(dataDir);
    const credentials = Credentials.parse(JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')));
    expect(credentials.apiUrl).toBe(first.url);
    expect(new Set(credentials.tenants.map((t) => t.tenantId)).size).toBe(credentials.tenants.length);
    expect(credentials.tenants[0]!.secrets.meta.appSecret).not.toBe(credentials.tenants[1]!.secrets.meta.appSecret);

    const tenant = credentials.tenants[0]!;
    const handshake = await fetch(`${first.url}/webhooks/${tenant.tenantId}/meta?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${tenant.secrets.meta.verifyToken}`);
    expect(await handshake.text()).toBe('42');
    const lookup = await fetch(`${first.url}/v1/customers?channel=facebook&externalId=nobody`, { headers: { authorization: `Bearer ${tenant.tokens.marketer}` } });
    expect(lookup.status).toBe(200);

    expect(await stop(first.child)).toBe(0);

    // the same data folder keeps tenants and secrets across a restart
    const second = await start(dataDir);
    const again = Credentials.parse(JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')));
    expect(again.tenants.map((t) => t.secrets)).toEqual(credentials.tenants.map((t) => t.secrets));
    expect(await stop(second.child)).toBe(0);
  }, 120_000);

  it('stops cleanly when Ctrl-C comes while it is still starting', async () => {
    const dataDir = tempDir('social-crm-start-');
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // DynamoDB Local takes seconds to start: this lands in the middle of start-up
    await new Promise((r) => setTimeout(r, 1500));
    const code = await stop(child);
    expect(code, out).toBe(0);
    expect(out).not.toContain('running at');
  }, 60_000);
});
