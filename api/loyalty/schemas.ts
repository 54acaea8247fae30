/** Request and response schemas of the loyalty API (OpenAPI is generated from these). */
import { z } from 'zod';
import { ProgramInput } from '../../domain/loyalty/program.js';

export const LoyaltyProgramInput = ProgramInput;
export const LoyaltyProgramView = z.looseObject({ version: z.number().int(), updatedAt: z.string(), enrolment: z.enum(['automatic', 'explicit']) });

const LotView = z.object({
  lotId: z.string(),
  kind: z.string(),
  points: z.number().int(),
  remaining: z.number().int(),
  earnedAt: z.string(),
  availableAt: z.string(),
  expiresAt: z.string().nullable(),
  status: z.enum(['pending', 'available']),
});

export const LoyaltyView = z.object({
  customerId: z.string(),
  enrolled: z.boolean(),
  enrolledAt: z.string().optional(),
  termsVersion: z.string().optional(),
  available: z.number().int(),
  pending: z.number().int(),
  lifetimeEarned: z.number().int(),
  lots: z.array(LotView),
  tier: z.object({
    name: z.string(),
    qualifyingPoints: z.number().int(),
    windowDays: z.number().int(),
    next: z.object({ name: z.string(), threshold: z.number().int(), pointsToGo: z.number().int() }).nullable(),
    belowSince: z.string().optional(),
    graceDays: z.number().int().optional(),
  }),
  badges: z.array(z.object({ badge: z.string(), at: z.string() })),
  referralCode: z.string().nullable().describe('the member\'s own code, for friends to sign up with'),
  referral: z
    .object({
      code: z.string(),
      referrerId: z.string(),
      status: z.enum(['referred', 'pending', 'completed', 'refused']),
      referredAt: z.string(),
      orderKey: z.string().optional(),
      qualifiesAt: z.string().optional().describe('when the return window of the qualifying order ends'),
      completedAt: z.string().optional(),
      reason: z.string().optional(),
    })
    .nullable()
    .describe('how this person was referred, when they signed up with a code'),
  programVersion: z.number().int(),
  ledger: z.object({
    items: z.array(
      z.object({
        entryId: z.string(),
        at: z.string(),
        points: z.number().int(),
        kind: z.string(),
        reason: z.string(),
        sourceId: z.string(),
        ruleId: z.string().optional(),
        programVersion: z.number().int().optional(),
        lots: z.array(z.object({ lotId: z.string(), points: z.number().int() }).loose()),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
});

export const LoyaltyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

export const AdjustmentInput = z
  .object({
    points: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'a non-zero whole number'),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

export const RewardInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    cost: z.number().int().positive().max(100_000_000),
    stock: z.number().int().min(0).max(100_000_000).optional(),
    validFrom: z.string().datetime({ offset: true }).optional(),
    validUntil: z.string().datetime({ offset: true }).optional(),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((r) => !r.validFrom || !r.validUntil || r.validFrom < r.validUntil, { message: 'validUntil must be after validFrom', path: ['validUntil'] });

export const RewardView = z.object({
  rewardId: z.string(),
  name: z.string(),
  cost: z.number().int(),
  stock: z.number().int().optional(),
  validFrom: z.string().optional(),
  validUntil: z.string().optional(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const RewardPage = z.object({ items: z.array(RewardView), nextCursor: z.string().nullable() });

export const RedemptionInput = z.object({ rewardId: z.string().min(1).max(200) }).strict();
export const RedemptionView = z.object({
  redemptionId: z.string(),
  customerId: z.string(),
  rewardId: z.string(),
  points: z.number().int(),
  status: z.enum(['completed', 'cancelled']),
  at: z.string(),
  cancelledAt: z.string().optional(),
  draws: z.array(z.object({ lotId: z.string(), points: z.number().int() }).loose()),
});
