/**
 * The shared handler chain. Every HTTP function is `httpFunction(name, handler)`; every queue consumer is
 * `queueConsumer(name, definition or definitions, recordHandler)`. Both: Powertools context and correlation id, typed
 * errors mapped in one place, and metering of each invocation into the tenant's usage counters.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z, ZodError } from 'zod';
import { DomainError, InvalidInput } from '../../domain/shared/errors.js';
import type { EventDefinition } from '../../events/catalog.js';
import { LAMBDA_PLATFORM_LOG_BYTES, Meter, currentMeter, installLogMeter, runMetered, setQueueTargetCounter } from '../../adapters/shared/meter.js';
import { collectUsage, flushIfDue, flushOnShutdown } from '../../adapters/shared/usage.js';
import { featureOfFunction, queueTargetsOf } from '../../wiring/finance/index.js';
import { inLoggerScope, logger } from './powertools.js';
import { errorResponse, header, json, type HttpEvent, type HttpResult } from './http.js';
import { checkRequestLimits } from '../../domain/shared/limits.js';

/** The tenant an invocation works for, once the handler knows it (path or token): its usage is billed there. */
export function meterTenant(tenantId: string): void {
  const meter = currentMeter();
  if (meter) meter.tenantId = tenantId;
  logger.appendKeys({ tenantId });
}

installLogMeter();
setQueueTargetCounter(queueTargetsOf);
flushOnShutdown();

/** The campaign an invocation works for: what it does without naming another campaign is billed to it. */
export function meterCampaign(campaignId: string): void {
  const meter = currentMeter();
  if (meter) meter.campaignId = campaignId;
}

const memoryOf = (context: Context | undefined) => Number(context?.memoryLimitInMB ?? process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 128);

/** Usage leaves the reply's path: buffered now, written by a flush nobody waits for (adapters/usage.ts). */
function flushLater(): void {
  flushIfDue((error: unknown) => logger.warn('usage counters not written yet; kept for the next flush', { errorName: (error as Error).name }));
}

async function metered<T>(functionName: string, context: Context | undefined, run: (meter: Meter) => Promise<T>, http = true): Promise<T> {
  const meter = new Meter(functionName, Date.now(), featureOfFunction(functionName));
  try {
    return await runMetered(meter, () => run(meter));
  } finally {
    const billedMs = Math.max(1, Math.ceil(Date.now() - meter.startedAt));
    const memoryMb = memoryOf(context);
    // 1 Lambda request and its duration; 1 API Gateway request (derived: every HTTP invocation came through one)
    meter.add('invocations', 1);
    meter.add('billedMs', billedMs);
    meter.add('mbMs', billedMs * memoryMb);
    if (http) meter.add('httpRequests', 1);
    meter.add('logBytes', LAMBDA_PLATFORM_LOG_BYTES);
    collectUsage(meter, memoryMb);
    flushLater();
  }
}

/**
 * An invocation that is neither an HTTP request nor a queue batch (a state machine's Task, a scheduled job),
 * metered for the tenant (and campaign) it works for. It gets a meter of its own even when called inside another
 * invocation's async context (locally a launch request starts the run).
 */
export function meteredJob<T>(functionName: string, context: Context | undefined, work: { tenantId?: string; campaignId?: string }, run: () => Promise<T>): Promise<T> {
  return inLoggerScope(() => metered(
    functionName,
    context,
    (meter) => {
      if (work.tenantId) meter.tenantId = work.tenantId;
      if (work.campaignId) meter.campaignId = work.campaignId;
      return run();
    },
    false,
  ));
}

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export function httpFunction(functionName: string, handler: HttpHandler) {
  const chain = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: ({ event }) => {
        const correlationId = header(event, 'x-correlation-id') ?? event.requestContext.requestId;
        logger.appendKeys({ correlationId, route: event.routeKey });
        // one place for every route: ids, query values and key headers within the limits (domain/shared/limits.ts)
        checkRequestLimits(event);
      },
      after: ({ response, event }) => {
        logger.info('request handled', { route: event.routeKey, status: response?.statusCode });
      },
      onError: (request) => {
        request.response = mapError(request.error);
        logger.info('request handled', { route: request.event.routeKey, status: request.response.statusCode });
      },
    })
    .handler(handler);
  return (event: HttpEvent, context: Context) => inLoggerScope(() => metered(functionName, context, () => chain(event, context)));
}

function mapError(error: unknown): HttpResult {
  if (error instanceof DomainError) return errorResponse(error);
  if (error instanceof ZodError) return errorResponse(new InvalidInput('Invalid input'));
  logger.error('unhandled error', { errorName: (error as Error)?.name, stack: (error as Error)?.stack });
  return json(500, { error: { code: 'internal', message: 'Internal error' } });
}

/** The correlation id of a request, for events it publishes. */
export function correlationIdOf(event: HttpEvent): string {
  return header(event, 'x-correlation-id') ?? event.requestContext.requestId;
}

/** What an EventBridge rule delivers to SQS: the whole event, with our envelope in `detail`. */
function busMessage<S extends z.ZodType>(definition: EventDefinition<S>) {
  return z.object({
    id: z.string(),
    source: z.literal(definition.source),
    'detail-type': z.literal(definition.detailType),
    detail: definition.detail,
  });
}

/** A parsed bus message of one of the definitions `D` (a union of definitions gives a union of messages). */
export type BusMessage<D extends EventDefinition> = D extends EventDefinition<infer S> ? z.infer<ReturnType<typeof busMessage<S>>> : never;

/** Several events on one queue: each record must match one of them, and is parsed by that event's own schema. */
function busMessageOf(definitions: readonly EventDefinition[]): z.ZodType {
  const schemas = definitions.map((d) => busMessage(d));
  if (schemas.length === 0) throw new Error('a queue consumer needs at least one event definition');
  return schemas.length === 1 ? schemas[0]! : z.union(schemas as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

/**
 * A queue consumer: Powertools BatchProcessor parses each record against the event's schema and reports
 * partial batch failures, so one bad record is retried (then dead-lettered) without the rest.
 * Usage is metered per tenant of the batch: each tenant's records add to its own meter, and the batch's
 * billed time is shared out by record count; the meters go to the usage buffer, flushed off the batch's answer.
 */
export function queueConsumer<D extends EventDefinition>(
  functionName: string,
  definitions: D | readonly D[],
  handleRecord: (message: BusMessage<D>) => Promise<void>,
) {
  const innerSchema = busMessageOf(Array.isArray(definitions) ? definitions : [definitions as D]);
  const processor = new BatchProcessor(EventType.SQS, { parser, innerSchema, transformer: 'json' });
  const chain = middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const startedAt = Date.now();
      const meters = new Map<string, { meter: Meter; records: number }>();
      const recordHandler = async (record: SQSRecord) => {
        const message = record.body as unknown as BusMessage<D>;
        const tenantId = message.detail.metadata.tenantId;
        const entry = meters.get(tenantId) ?? { meter: new Meter(functionName, startedAt, featureOfFunction(functionName)), records: 0 };
        entry.meter.tenantId = tenantId;
        entry.records += 1;
        meters.set(tenantId, entry);
        await runMetered(entry.meter, async () => {
          logger.appendKeys({ tenantId, correlationId: message.detail.metadata.correlationId });
          await handleRecord(message);
        });
      };
      try {
        const response = await processPartialResponse(event, recordHandler, processor, { context });
        logFailedRecords(functionName, processor);
        return response;
      } finally {
        // the batch is one Lambda request, one ReceiveMessage and one DeleteMessageBatch (derived): shared
        // out to the batch's tenants by record count, as its duration is
        const billedMs = Math.max(1, Math.ceil(Date.now() - startedAt));
        const total = [...meters.values()].reduce((n, m) => n + m.records, 0);
        const memoryMb = memoryOf(context);
        for (const { meter, records } of meters.values()) {
          const share = records / total;
          const ms = (billedMs * records) / total;
          meter.add('invocations', share);
          meter.add('billedMs', ms);
          meter.add('mbMs', ms * memoryMb);
          meter.add('sqsReceives', share);
          meter.add('sqsDeletes', share);
          meter.add('logBytes', LAMBDA_PLATFORM_LOG_BYTES * share);
          collectUsage(meter, memoryMb);
        }
        flushLater();
      }
    });
  return (event: SQSEvent, context: Context) => inLoggerScope(() => chain(event, context));
}

/**
 * One log line per failed record (a parse failure or a handler error alike): its error name, the event id and the
 * receive count, so a record that goes on to be retried or dead-lettered never vanishes silently.
 */
export function logFailedRecords(functionName: string, processor: { errors: Error[]; failureMessages: unknown[] }): void {
  processor.failureMessages.forEach((failed, i) => {
    const record = failed as Partial<SQSRecord>;
    const error = processor.errors[i];
    let eventId: string | undefined;
    try {
      const body: unknown = typeof record.body === 'string' ? JSON.parse(record.body) : record.body;
      eventId = (body as { id?: string } | undefined)?.id;
    } catch {
      eventId = undefined;
    }
    logger.error('queue record failed', {
      function: functionName,
      errorName: error?.name ?? 'Error',
      eventId,
      messageId: record.messageId,
      receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
    });
  });
}
