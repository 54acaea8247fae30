/** The loyalty context's periodic jobs (spread into SCHEDULES). */
import type { ScheduleDeclaration } from '../schedules.js';

export const LOYALTY_SCHEDULES: readonly ScheduleDeclaration[] = [
  {
    name: 'loyalty-expiry',
    function: 'loyaltyExpiry',
    everyMinutes: 60,
    description: 'Expires points whose lots are due (through the expiry index) and tells members of points expiring within 30 days.',
  },
];
