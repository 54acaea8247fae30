/** The loyalty context's functions (spread into FUNCTIONS). */
import { declareFunctions } from '../function-declaration.js';

export const LOYALTY_FUNCTIONS = declareFunctions({
  loyaltyAwarder: {
    id: 'LoyaltyAwarder',
    entry: 'functions/loyalty/awarder.ts',
    timeoutSeconds: 30,
    // publishes PointsAwarded, TierChanged, BadgeEarned; sends the welcome e-mail; records the program's terms
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
  loyaltyApi: {
    id: 'LoyaltyApi',
    entry: 'functions/loyalty/api.ts',
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
  loyaltyExpiry: {
    id: 'LoyaltyExpiry',
    entry: 'functions/loyalty/expiry.ts',
    // walks the expiry index of every tenant; a missed account is picked up by the next run
    timeoutSeconds: 300,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
});
