/** The loyalty expiry schedule: due lots expire (PointsExpired), and members hear of points expiring soon. */
import { expirePoints } from '../../domain/loyalty/engine.js';
import { logger } from '../shared/powertools.js';
import { loyaltyPorts } from './ports.js';

/** The job works as of the time its schedule fired (EventBridge's `time`), so a late run expires what was due then. */
export const handler = async (event: { id?: string; time?: string }) => {
  const at = event.time ? new Date(event.time) : new Date();
  const ports = { ...loyaltyPorts(), clock: { now: () => at } };
  const result = await expirePoints(ports, `schedule-${event.id ?? at.toISOString()}`);
  logger.info('loyalty expiry run', result);
  return result;
};
