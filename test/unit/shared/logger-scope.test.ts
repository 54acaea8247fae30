/**
 * The local runtime runs every function in one process, concurrently: each invocation must log under its own
 * function's name and keys, whatever the other invocations do meanwhile.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpFunction } from '../../../functions/shared/chain.js';
import { logger } from '../../../functions/shared/powertools.js';

const context = (functionName: string) => ({ functionName, functionVersion: '1', invokedFunctionArn: `arn:aws:lambda:local:0:function:${functionName}`, memoryLimitInMB: '512', awsRequestId: `${functionName}-req`, getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
const event = (routeKey: string) => ({ routeKey, rawPath: '/', headers: {}, requestContext: { requestId: routeKey, http: { method: 'GET' } } }) as never;

afterEach(() => vi.restoreAllMocks());

describe('logger scope per invocation', () => {
  it('two concurrent invocations of different functions each log under their own name and route', async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = (chunk: unknown) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const slow = httpFunction('SlowFn', async () => {
      await new Promise((r) => setTimeout(r, 30));
      logger.error('slow failed');
      return { statusCode: 200, body: '{}' };
    });
    const fast = httpFunction('FastFn', async () => {
      logger.info('fast ran');
      return { statusCode: 200, body: '{}' };
    });
    await Promise.all([slow(event('GET /slow'), context('social-crm-Slow')), new Promise((r) => setTimeout(r, 5)).then(() => fast(event('GET /fast'), context('social-crm-Fast')))]);
    const slowLine = lines.find((l) => l.message === 'slow failed');
    const fastLine = lines.find((l) => l.message === 'fast ran');
    expect(slowLine).toMatchObject({ function_name: 'social-crm-Slow', route: 'GET /slow' });
    expect(fastLine).toMatchObject({ function_name: 'social-crm-Fast', route: 'GET /fast' });
  });
});
