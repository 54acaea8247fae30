/**
 * What the end-to-end benchmarks (loyalty, service) share: an API call with a token, and a measured burst of
 * deliveries with the floor taken right before and after it, at the same concurrency.
 */
import type { LocalRuntime } from '../local/runtime.js';
import { takeTally, type CallTally } from './dynamo-calls.js';
import { stats, type Floor } from './floor.js';

export async function apiCall(runtime: LocalRuntime, token: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${runtime.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** `count` deliveries, `concurrency` in flight, until every consumer is done; the floor before and after. */
export async function measuredBurst(
  runtime: LocalRuntime,
  floor: Floor,
  opts: { rounds: number; floorOps: number; concurrency: number; count: number },
  send: (i: number) => Promise<Response>,
): Promise<{ seconds: number; failures: number; tally: CallTally; tx: ReturnType<typeof stats> }> {
  const floorBefore = await floor.measure(opts.rounds, opts.floorOps, opts.concurrency);
  takeTally();
  let sent = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (sent < opts.count) {
        const res = await send(sent++);
        await res.text();
        if (res.status >= 300) failures += 1;
      }
    }),
  );
  await runtime.drain(600_000);
  const seconds = (performance.now() - started) / 1000;
  const tally = takeTally();
  const floorAfter = await floor.measure(opts.rounds, opts.floorOps, opts.concurrency);
  return { seconds, failures, tally, tx: stats([...floorBefore.tx, ...floorAfter.tx]) };
}
