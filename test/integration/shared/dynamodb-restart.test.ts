/**
 * The local runtime's own DynamoDB Local dies (a crash, an OOM kill): the runtime says so in one line, restarts it
 * on the same port with the same data, and GET /health tells what is up meanwhile and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../../local/runtime.js';
import { tempDir } from '../../support/temp.js';
import { api } from '../../support/webhooks.js';

let rt: LocalRuntime;
beforeAll(async () => {
  // its own DynamoDB Local, on disk: the one this test kills
  rt = await startLocalRuntime({ port: 0, dataDir: tempDir('social-crm-test-restart-'), startSchedules: false });
}, 120_000);
afterAll(async () => rt?.stop());

const health = async () => {
  const res = await fetch(`${rt.url}/health`);
  return { status: res.status, body: (await res.json()) as { status: string; dynamodb: { table: string; process: string }; queues: Record<string, unknown> } };
};

describe('GET /health and the DynamoDB Local watchdog', () => {
  it('answers what is up, notices DynamoDB Local gone, restarts it with the data intact', async () => {
    const first = await health();
    expect(first).toMatchObject({ status: 200, body: { status: 'ok', dynamodb: { table: 'up', process: 'up' } } });
    expect(Object.keys(first.body.queues)).toContain('customer-knowledge');

    const marketer = api(rt.url, rt.credentials.tenants[0]!.tokens.marketer);
    const created = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email: `restart.${Date.now()}@example.com` }) });
    expect(created.status).toBe(201);

    const pid = rt.dynamoPid()!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    // it is down for a moment, then back on the same endpoint with the same data
    let seenDown = false;
    const until = Date.now() + 90_000;
    for (;;) {
      const h = await health();
      if (h.status === 503) seenDown = true;
      if (h.status === 200 && rt.dynamoPid() !== pid) break;
      if (Date.now() > until) throw new Error(`DynamoDB Local did not come back: ${JSON.stringify(h.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seenDown).toBe(true);
    expect((await marketer(`/v1/customers/${created.body.id}`)).body.id).toBe(created.body.id);
  }, 120_000);
});
