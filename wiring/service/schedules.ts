/** The service context's periodic jobs (spread into wiring/schedules.ts). */
import type { ScheduleDeclaration } from '../schedules.js';

export const SERVICE_SCHEDULES: readonly ScheduleDeclaration[] = [
  {
    name: 'ServiceSlaBreaches',
    function: 'serviceSlaBreaches',
    everyMinutes: 1,
    description: 'Publishes SlaWarning and SlaBreached once per ticket clock whose warning or due time has come (alert index, no scan).',
  },
];
