/**
 * Inputs that used to answer 500 through the local runtime: a preview sample of 0 (also `sample=` and `-0`), and a
 * path whose percent-encoding is malformed. Each must answer a JSON 4xx (or a 200 when the input is valid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';

let rt: TestRuntime;
let marketer: ReturnType<typeof api>;
let segmentId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  const acme = rt.credentials.tenants[0]!;
  marketer = api(rt.url, acme.tokens.marketer);
  const res = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'all-customers', rule: { field: 'stage', op: 'eq', value: 'customer' } }) });
  if (res.status !== 201) throw new Error(`segment: ${res.status} ${JSON.stringify(res.body)}`);
  segmentId = res.body.id;
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

describe('segment preview sample size', () => {
  it.each(['0', '', '-0'])('sample=%j asks for the count alone', async (sample) => {
    const res = await marketer(`/v1/segments/${segmentId}/preview?sample=${sample}`);
    expect(res.status).toBe(200);
    expect(res.body.sample).toEqual([]);
    expect(typeof res.body.count).toBe('number');
  });
});

describe('local gateway path decoding', () => {
  it.each(['/v1/customers/%E0%A4%A', '/v1/segments/%E0%A4%A/preview', '/webhooks/%E0%A4%A/meta'])('%s answers a JSON 400', async (path) => {
    const res = await marketer(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});
