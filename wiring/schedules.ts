/**
 * Periodic jobs, declared once: the CDK stateless stack creates an EventBridge Scheduler schedule (or a
 * scheduled rule) per entry that invokes the function; the local runtime runs the same handler on the same
 * period from this list. The handler receives an EventBridge "Scheduled Event"-shaped payload
 * (`{ "detail-type": "Scheduled Event", source: "social-crm.schedules", time, detail: { schedule } }`) and must be
 * idempotent: a schedule may fire twice, or late.
 */
import type { FunctionKey } from './functions.js';
import { LOYALTY_SCHEDULES } from './loyalty/schedules.js';
import { SERVICE_SCHEDULES } from './service/schedules.js';
import { FINANCE_SCHEDULES } from './finance/routes.js';

export interface ScheduleDeclaration {
  /** Unique name, also the CDK construct id suffix. */
  name: string;
  function: FunctionKey;
  /** How often it runs, in minutes (AWS: `rate(N minutes)`). */
  everyMinutes: number;
  description: string;
}

export const SCHEDULES: readonly ScheduleDeclaration[] = [...LOYALTY_SCHEDULES, ...SERVICE_SCHEDULES, ...FINANCE_SCHEDULES];
