/**
 * Powertools, created once for every function. Logs carry ids (tenant, correlation, customer), never
 * bodies, names, e-mails, phone numbers or message texts.
 *
 * No Powertools Tracer: no handler made a subsegment, and its X-Ray SDK added ~120 KiB to every bundle plus an
 * async hook that slowed every await. Lambda's active tracing (infra/house-function.ts) still records each
 * invocation and its AWS calls' timing at the service level.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'social-crm';

export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SocialCrm' });

/**
 * One logger per invocation. In Lambda a container runs one invocation at a time; the local runtime runs every
 * function in one process, concurrently, and one shared logger would stamp a webhook's error with the name of
 * whichever consumer set its context last. `inLoggerScope` gives the invocation a child logger that `logger`
 * resolves to for everything the invocation awaits (AsyncLocalStorage); outside any scope it is the base logger.
 */
const base = new Logger({ serviceName });
const scope = new AsyncLocalStorage<Logger>();

export const logger: Logger = new Proxy(base, {
  get(target, property) {
    const current = scope.getStore() ?? target;
    const value = Reflect.get(current, property, current) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
  },
});

export function inLoggerScope<T>(run: () => T): T {
  return scope.run(base.createChild(), run);
}
