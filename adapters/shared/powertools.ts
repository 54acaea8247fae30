/**
 * Powertools, created once for every function. Logs carry ids (tenant, correlation, customer), never
 * bodies, names, e-mails, phone numbers or message texts.
 *
 * No Powertools Tracer: no handler made a subsegment, and its X-Ray SDK added ~120 KiB to every bundle plus an
 * async hook that slowed every await. Lambda's active tracing (infra/house-function.ts) still records each
 * invocation and its AWS calls' timing at the service level.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'social-crm';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SocialCrm' });
