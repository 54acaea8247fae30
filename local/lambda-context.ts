import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../wiring/functions.js';

/** A Lambda context with the figures the handlers and the meter read (memory size, remaining time). */
export function lambdaContext(fn: FunctionDeclaration): Context {
  const started = Date.now();
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `social-crm-${fn.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:social-crm-${fn.id}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/social-crm-${fn.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, fn.timeoutSeconds * 1000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<string, Promise<AnyHandler>>();

/** Imports a function's entry module (the same file the CDK bundles) and returns its `handler`. */
export function loadHandler(fn: FunctionDeclaration): Promise<AnyHandler> {
  let handler = loaded.get(fn.entry);
  if (!handler) {
    const url = new URL(`../${fn.entry.replace(/\.ts$/, '.js')}`, import.meta.url);
    handler = import(url.href).then((m: { handler?: AnyHandler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${fn.entry} exports no handler`);
      return m.handler;
    });
    loaded.set(fn.entry, handler);
  }
  return handler;
}

/** Runs a handler within the function's timeout, as Lambda would cut it off. */
export async function invokeWithTimeout(fn: FunctionDeclaration, event: unknown): Promise<unknown> {
  const handler = await loadHandler(fn);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${fn.timeoutSeconds} seconds`)), fn.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([handler(event, lambdaContext(fn)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
