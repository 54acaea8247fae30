/**
 * Periodic jobs, locally: each schedule declared in wiring/schedules.ts runs its function's handler every
 * `everyMinutes`, with the payload EventBridge Scheduler sends. Runs never overlap (a slow run delays the next).
 * `runNow(name)` runs one at once (tests, and people who don't want to wait an hour).
 */
import { randomUUID } from 'node:crypto';
import { FUNCTIONS } from '../wiring/functions.js';
import { SCHEDULES, type ScheduleDeclaration } from '../wiring/schedules.js';
import { invokeWithTimeout } from './lambda-context.js';

export interface LocalScheduler {
  /** Runs a schedule now; `at` is the time its event says (a job works as of its scheduled time). */
  runNow(name: string, at?: Date): Promise<unknown>;
  stop(): Promise<void>;
}

export function scheduledEvent(schedule: ScheduleDeclaration, at = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'social-crm.schedules',
    account: '000000000000',
    time: at.toISOString(),
    region: 'local',
    resources: [`schedule/${schedule.name}`],
    detail: { schedule: schedule.name },
  };
}

export function startScheduler(options: { enabled: boolean; onError?: (name: string, error: unknown) => void }): LocalScheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  const run = (schedule: ScheduleDeclaration, at?: Date): Promise<unknown> => {
    const previous = running.get(schedule.name) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => invokeWithTimeout(FUNCTIONS[schedule.function], scheduledEvent(schedule, at)));
    running.set(schedule.name, next);
    return next;
  };
  if (options.enabled) {
    for (const schedule of SCHEDULES) {
      const timer = setInterval(() => {
        run(schedule).catch((error: unknown) => options.onError?.(schedule.name, error));
      }, schedule.everyMinutes * 60_000);
      timer.unref();
      timers.push(timer);
    }
  }
  return {
    runNow: (name, at) => {
      const schedule = SCHEDULES.find((s) => s.name === name);
      if (!schedule) return Promise.reject(new Error(`no schedule named ${name}`));
      return run(schedule, at);
    },
    stop: async () => {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running.values()]);
    },
  };
}
