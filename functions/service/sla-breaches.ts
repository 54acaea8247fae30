/**
 * The SLA breach job (a schedule, wiring/service/schedules.ts): for every tenant with tickets, the tickets whose
 * next warning or due time has come, through the alert index; SlaWarning and SlaBreached once per clock.
 */
import type { Context } from 'aws-lambda';
import { detectBreaches } from '../../domain/service/tickets.js';
import { DynamoServiceStore } from '../../adapters/service/dynamo-service.js';
import { logger } from '../shared/powertools.js';
import { servicePorts } from './ports.js';

const store = new DynamoServiceStore();

export interface ScheduledEvent {
  'detail-type'?: string;
  id?: string;
  time?: string;
  detail?: { schedule?: string };
}

export async function handler(event: ScheduledEvent, _context?: Context): Promise<{ tenants: number; breaches: number; warnings: number }> {
  // the job works as of the time its schedule fired (EventBridge's `time`), so a late run announces what was due then
  const at = event.time ? new Date(event.time) : new Date();
  const ports = { ...servicePorts(), clock: { now: () => at } };
  const correlationId = event.id ?? `sla-${at.toISOString()}`;
  let breaches = 0;
  let warnings = 0;
  const tenants = await store.serviceTenants();
  for (const tenantId of tenants) {
    try {
      const found = await detectBreaches(ports, tenantId, correlationId);
      breaches += found.breaches;
      warnings += found.warnings;
    } catch (error) {
      // one tenant's failure must not starve the others; the next run finds its tickets again
      logger.error('sla breach detection failed', { tenantId, errorName: (error as Error).name });
    }
  }
  return { tenants: tenants.length, breaches, warnings };
}
