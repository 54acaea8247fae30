/**
 * Scheduled: checks every budget of every tenant with usage today and announces thresholds reached
 * (BudgetThresholdReached, once each). Idempotent: a second run in the same state announces nothing.
 */
import { checkBudgets } from '../../domain/finance/budgets.js';
import { financePorts } from '../../adapters/finance/index.js';
import { eventPublisher } from '../../adapters/shared/event-publisher.js';
import { flushUsage } from '../../adapters/shared/usage.js';
import { ports } from '../shared/ports.js';
import { logger } from '../shared/powertools.js';

export async function handler(): Promise<{ tenants: number; announced: number }> {
  const now = ports.clock.now();
  const today = now.toISOString().slice(0, 10);
  const finance = financePorts();
  // what this container metered counts too
  await flushUsage().catch(() => undefined);
  const tenants = await finance.usage.activeTenants(today, today);
  let announced = 0;
  for (const tenantId of tenants) {
    const result = await checkBudgets({ ...finance, events: eventPublisher() }, tenantId, now);
    announced += result.announced.length;
  }
  logger.info('budgets checked', { tenants: tenants.length, announced });
  return { tenants: tenants.length, announced };
}
