/** The loyalty context's functions (spread into FUNCTIONS). */
import type { FunctionDeclaration } from '../functions.js';

export const LOYALTY_FUNCTIONS = {
  loyaltyAwarder: {
    id: 'LoyaltyAwarder',
    entry: 'functions/loyalty/awarder.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    // publishes PointsAwarded, TierChanged, BadgeEarned; sends the welcome e-mail; records the program's terms
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
  loyaltyApi: {
    id: 'LoyaltyApi',
    entry: 'functions/loyalty/api.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
  loyaltyExpiry: {
    id: 'LoyaltyExpiry',
    entry: 'functions/loyalty/expiry.ts',
    memoryMb: 512,
    // walks the expiry index of every tenant; a missed account is picked up by the next run
    timeoutSeconds: 300,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false, sendsEmail: true },
  },
} as const satisfies Record<string, FunctionDeclaration>;
