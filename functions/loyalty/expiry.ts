/** The loyalty expiry schedule: due lots expire (PointsExpired), and members hear of points expiring soon. */
import { expirePoints } from '../../domain/loyalty/engine.js';
import { logger } from '../lib/powertools.js';
import { loyaltyPorts } from './ports.js';

export const handler = async (event: { id?: string; time?: string }) => {
  const result = await expirePoints(loyaltyPorts(), `schedule-${event.id ?? event.time ?? Date.now()}`);
  logger.info('loyalty expiry run', result);
  return result;
};
