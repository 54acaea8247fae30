/**
 * Fuzzing every route of `/v1/openapi.json` through the local runtime: path parameters, query parameters and
 * bodies from fast-check, mixing well-typed values with wrong types, empty and huge strings, negative and huge
 * numbers, malformed cursors, `#`, `|`, `%`, unicode and deep JSON. Whatever comes in, the answer is never a 5xx,
 * and every 4xx is a JSON error body `{ error: { code, message } }`. A small sample per route keeps it within the
 * suite's time (FUZZ_RUNS raises it).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';

let rt: TestRuntime;
let doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: { type?: string } }[]; requestBody?: unknown }>> };
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);

beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
  doc = (await (await fetch(`${rt.url}/v1/openapi.json`)).json()) as typeof doc;
}, 120_000);
afterAll(async () => rt?.stop());

const odd = fc.oneof(
  // past every key limit: DynamoDB refuses keys over 2,048 bytes
  { arbitrary: fc.integer({ min: 2100, max: 5000 }).map((n) => 'k'.repeat(n)), weight: 2 },
  fc.constantFrom('', ' ', '#', '|', '%', '%25', '%E0%A4%A', '..', '../../etc/passwd', '\u0000', '😀'.repeat(50), 'null', 'true', '-1', '0', '1e308', 'NaN', '[]', '{}', "'; DROP TABLE", 'x'.repeat(3000)),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.base64String({ maxLength: 80 }).map((s) => s.replace(/=+$/, '')),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('name', 'email', 'rule', 'value', 'status', 'points', 'text', 'brief', 'tiers', 'at', 'cursor', 'limit', 'channel', 'purpose'), fc.jsonValue({ maxDepth: 3 })),
  fc.constantFrom('not json', '{', '[1,2', '"\\ud800"', JSON.stringify({ a: { b: { c: { d: { e: { f: 1 } } } } } })),
);

/** Fills `{param}` with URL-encoded odd values; a raw `%` is sent as is half the time (malformed encoding). */
const fill = (path: string, values: string[]) => {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => {
    const v = values[i++] ?? 'x';
    return i % 2 === 0 && v === '%' ? v : encodeURIComponent(v);
  });
};

describe('fuzzing every route of the OpenAPI document', () => {
  it('never answers 5xx, and every 4xx is a JSON error', async () => {
    const admin = rt.credentials.tenants[0]!.tokens.admin;
    const failures: string[] = [];
    let requests = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        const pathCount = (path.match(/\{/g) ?? []).length;
        await fc.assert(
          fc.asyncProperty(
            fc.array(odd, { minLength: pathCount, maxLength: pathCount }),
            fc.array(fc.tuple(fc.constantFrom(...(queryNames.length ? queryNames : ['x'])), odd), { maxLength: 3 }),
            body,
            async (params, query, payload) => {
              const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
              const url = `${rt.url}${fill(path, params)}${qs ? `?${qs}` : ''}`;
              const init: RequestInit = { method: method.toUpperCase(), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } };
              if (method !== 'get' && method !== 'delete') init.body = typeof payload === 'string' ? payload : JSON.stringify(payload);
              const res = await fetch(url, init);
              requests += 1;
              const text = await res.text();
              if (res.status >= 500) failures.push(`${res.status} ${method.toUpperCase()} ${path} ${url.slice(rt.url.length, rt.url.length + 120)} ${text.slice(0, 200)}`);
              else if (res.status >= 400) {
                let json: { error?: { code?: unknown; message?: unknown } } | undefined;
                try {
                  json = JSON.parse(text);
                } catch {
                  json = undefined;
                }
                if (typeof json?.error?.code !== 'string' || typeof json.error.message !== 'string') failures.push(`non-JSON ${res.status} ${method.toUpperCase()} ${path}: ${text.slice(0, 120)}`);
              }
            },
          ),
          { numRuns: RUNS, seed: 20261203 },
        );
      }
    }
    expect(requests).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);
});
