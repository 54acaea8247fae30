/**
 * A tenant's loyalty program, declared as data and validated by zod. Every change is a new version; each award
 * names the version (and rule) that decided it, so a customer's ledger can always be explained.
 */
import { z } from 'zod';

/** What a person can do to earn. Only actions that arrived through a verified path (signed webhooks, signed events) count. */
export const LOYALTY_ACTIONS = [
  'signup',
  'newsletter',
  'follow',
  'comment',
  'mention',
  'share',
  'review',
  'survey',
  'quiz',
  'video_watched',
  'content_created',
  'game_played',
  'referral_referrer',
  'referral_friend',
] as const;
export const LoyaltyAction = z.enum(LOYALTY_ACTIONS);
export type LoyaltyAction = z.infer<typeof LoyaltyAction>;

const EARNING_CHANNELS = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'web', 'email', 'sms'] as const;

export const EarningRule = z
  .object({
    points: z.number().int().positive().max(1_000_000),
    /** At most this many awards of the rule per customer per (UTC) day; absent: no daily cap. */
    perDayCap: z.number().int().positive().max(10_000).optional(),
    /** At most this many awards of the rule per customer ever; absent: no lifetime cap. */
    lifetimeCap: z.number().int().positive().max(1_000_000).optional(),
    /** Channels whose actions count; absent: every channel. */
    channels: z.array(z.enum(EARNING_CHANNELS)).min(1).optional(),
  })
  .strict();
export type EarningRule = z.infer<typeof EarningRule>;

export const PurchaseRule = z
  .object({
    /** Points per whole currency unit of the paid amount (line items only: no shipping, no tax). */
    pointsPerUnit: z.number().positive().max(1000),
    /** Multipliers per product id (SKU) and per category. */
    skuMultipliers: z.record(z.string().min(1).max(200), z.number().positive().max(100)).default({}),
    categoryMultipliers: z.record(z.string().min(1).max(200), z.number().positive().max(100)).default({}),
  })
  .strict();

export const ExpiryPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().positive().max(3650) }).strict(),
  z.object({ kind: z.literal('end_of_month') }).strict(),
  z.object({ kind: z.literal('end_of_year') }).strict(),
  z.object({ kind: z.literal('never') }).strict(),
]);
export type ExpiryPolicy = z.infer<typeof ExpiryPolicy>;

export const TierDefinition = z.object({ name: z.string().min(1).max(40), threshold: z.number().int().min(0).max(100_000_000) }).strict();

export const ProgramInput = z
  .object({
    /** `automatic`: a sign-up joins; `explicit`: only POST /v1/customers/{id}/loyalty/enrolment does. */
    enrolment: z.enum(['automatic', 'explicit']).default('automatic'),
    /** The terms the member accepts by joining (recorded in the consent ledger as purpose `loyalty`). */
    termsVersion: z.string().min(1).max(40).default('1'),
    /** Whether actions recorded before joining count once the person joins (default: they don't). */
    retroactive: z.boolean().default(false),
    rules: z.partialRecord(LoyaltyAction, EarningRule).default({}),
    purchase: PurchaseRule.optional(),
    /** Days a purchase's points stay pending (the store's return window). */
    returnWindowDays: z.number().int().min(0).max(365).default(30),
    expiry: ExpiryPolicy.default({ kind: 'days', days: 365 }),
    tiers: z
      .array(TierDefinition)
      .min(1)
      .max(10)
      .refine((t) => t[0]!.threshold === 0, 'the first tier starts at 0 qualifying points')
      .refine((t) => t.every((x, i) => i === 0 || x.threshold > t[i - 1]!.threshold), 'tier thresholds must increase')
      .default([
        { name: 'Bronze', threshold: 0 },
        { name: 'Silver', threshold: 1000 },
        { name: 'Gold', threshold: 5000 },
      ]),
    /** Qualifying points count over this many days back. */
    tierWindowDays: z.number().int().positive().max(3650).default(365),
    /** A member keeps a higher tier this many days after falling below it. */
    tierGraceDays: z.number().int().min(0).max(365).default(30),
    /** Rewarded referrals a referrer can earn per calendar month. */
    referralMonthlyCap: z.number().int().positive().max(1000).default(5),
  })
  .strict();
export type ProgramInput = z.input<typeof ProgramInput>;
export type ProgramSettings = z.output<typeof ProgramInput>;

export interface Program extends ProgramSettings {
  version: number;
  updatedAt: string;
}

/** A new tenant's program: small, sensible numbers a brand can start from. */
export const DEFAULT_PROGRAM: Program = {
  ...ProgramInput.parse({
    rules: {
      signup: { points: 100, lifetimeCap: 1 },
      newsletter: { points: 50, lifetimeCap: 1 },
      follow: { points: 20 },
      comment: { points: 5, perDayCap: 5 },
      mention: { points: 10, perDayCap: 3 },
      share: { points: 15, perDayCap: 3 },
      review: { points: 50, perDayCap: 1 },
      survey: { points: 30, perDayCap: 1 },
      quiz: { points: 20, perDayCap: 1 },
      video_watched: { points: 5, perDayCap: 3 },
      content_created: { points: 40, perDayCap: 1 },
      game_played: { points: 10, perDayCap: 3 },
      referral_referrer: { points: 200 },
      referral_friend: { points: 100, lifetimeCap: 1 },
    },
    purchase: { pointsPerUnit: 1 },
  }),
  version: 0,
  updatedAt: '1970-01-01T00:00:00.000Z',
};

/** The interaction kinds of the social and web channels, and the loyalty action each one is. */
const ACTION_OF_KIND: Partial<Record<string, LoyaltyAction>> = {
  comment: 'comment',
  mention: 'mention',
  follow: 'follow',
  share: 'share',
  review: 'review',
  survey: 'survey',
  quiz: 'quiz',
  video_view: 'video_watched',
  content: 'content_created',
  newsletter_signup: 'newsletter',
  game: 'game_played',
};

export function actionOfInteraction(kind: string): LoyaltyAction | undefined {
  return ACTION_OF_KIND[kind];
}

/** When points earned at `earnedAt` expire under the policy (undefined: never). UTC calendar. */
export function expiryOf(policy: ExpiryPolicy, earnedAt: Date): string | undefined {
  switch (policy.kind) {
    case 'never':
      return undefined;
    case 'days':
      return new Date(earnedAt.getTime() + policy.days * 86_400_000).toISOString();
    case 'end_of_month':
      return new Date(Date.UTC(earnedAt.getUTCFullYear(), earnedAt.getUTCMonth() + 1, 1) - 1).toISOString();
    case 'end_of_year':
      return new Date(Date.UTC(earnedAt.getUTCFullYear() + 1, 0, 1) - 1).toISOString();
  }
}
