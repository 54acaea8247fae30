/**
 * The event catalogue: each event's detail-type, source, version and zod schema of its `data`.
 * Producers, consumers, rules and tests import these definitions; nothing spells a detail-type by hand.
 */
import { z } from 'zod';
import { CHANNELS, CONSENT_PURPOSES, CONSENT_STATUSES, INTENTS, INTERACTION_KINDS, ORDER_STATUSES, STAGES } from '../domain/shared/vocabulary.js';

export const BUS_NAME = 'social-crm';

/** The names below are spelled once in domain/shared/vocabulary.ts; these are their schemas. */
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const InteractionKind = z.enum(INTERACTION_KINDS);
export type InteractionKind = z.infer<typeof InteractionKind>;

export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

/** Money as an exact decimal string with its currency: never a float. */
export const Money = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'an exact decimal string such as "19.90"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
});

export const EventMetadata = z.object({
  tenantId: z.string().min(1),
  eventId: z.string().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  correlationId: z.string().min(1),
  version: z.number().int().positive(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export const Sources = {
  customers: 'social-crm.customers',
  social: 'social-crm.social',
  commerce: 'social-crm.commerce',
  loyalty: 'social-crm.loyalty',
  service: 'social-crm.service',
  campaigns: 'social-crm.campaigns',
  consent: 'social-crm.consent',
  knowledge: 'social-crm.knowledge',
  finance: 'social-crm.finance',
} as const;

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  detailType: string;
  source: string;
  version: number;
  data: S;
  /** Full envelope schema `{ metadata, data }`. */
  detail: z.ZodObject<{ metadata: typeof EventMetadata; data: S }>;
}

function defineEvent<S extends z.ZodType>(detailType: string, source: string, version: number, data: S): EventDefinition<S> {
  return { detailType, source, version, data, detail: z.object({ metadata: EventMetadata, data }) };
}

const customerRef = { customerId: z.string().min(1) };

export const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  Sources.customers,
  1,
  z.object({
    ...customerRef,
    channel: Channel,
    stage: Stage,
    /** The loyalty member's code the person signed up with (the loyalty context resolves it). */
    referralCode: z.string().max(64).optional(),
  }),
);
export const CustomerUpdated = defineEvent(
  'CustomerUpdated',
  Sources.customers,
  1,
  z.object({ ...customerRef, changed: z.array(z.string()) }),
);
export const CustomersMerged = defineEvent(
  'CustomersMerged',
  Sources.customers,
  1,
  z.object({ survivorId: z.string(), mergedId: z.string(), reason: z.string() }),
);
export const ConsentChanged = defineEvent(
  'ConsentChanged',
  Sources.consent,
  1,
  z.object({
    ...customerRef,
    channel: z.string(),
    purpose: z.enum(CONSENT_PURPOSES),
    status: z.enum(CONSENT_STATUSES),
  }),
);
export const CustomerErased = defineEvent('CustomerErased', Sources.customers, 1, z.object({ ...customerRef, requestId: z.string() }));
/**
 * A step of an erasure job (domain/privacy/erasure.ts): the erasure consumer works on the request until its time
 * runs short, then publishes this again to go on where it stopped. Ids only.
 */
export const ErasureRequested = defineEvent('ErasureRequested', Sources.consent, 1, z.object({ ...customerRef, requestId: z.string().min(1) }));

export const InteractionRecorded = defineEvent(
  'InteractionRecorded',
  Sources.social,
  1,
  z.object({
    ...customerRef,
    interactionId: z.string(),
    channel: Channel,
    kind: InteractionKind,
    externalId: z.string(),
    /** The brand's own account the interaction was addressed to (page id, IG account id, ...). */
    accountId: z.string().optional(),
    hasText: z.boolean(),
    sentiment: z.number().min(-1).max(1).nullable(),
    intent: z.enum(INTENTS).nullable(),
  }),
);

/** A recorded interaction was deleted on the platform (comment removed, tweet deleted, unfollow): ids only. */
export const InteractionRemoved = defineEvent(
  'InteractionRemoved',
  Sources.social,
  1,
  z.object({ ...customerRef, interactionId: z.string(), channel: Channel, kind: InteractionKind, externalId: z.string() }),
);

/** An order's status as the CRM derives it from the store's facts (paid, cancelled, refunds). */
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

const orderData = z.object({
  ...customerRef,
  orderId: z.string(),
  store: Channel,
  total: Money,
  lineItems: z.array(z.object({ productId: z.string(), quantity: z.number().int(), price: Money })),
  status: OrderStatus.optional(),
  placedAt: z.string().datetime({ offset: true }).optional(),
});
export const OrderPlaced = defineEvent('OrderPlaced', Sources.commerce, 1, orderData);
export const OrderRefunded = defineEvent(
  'OrderRefunded',
  Sources.commerce,
  1,
  z.object({
    ...customerRef,
    orderId: z.string(),
    store: Channel,
    amount: Money,
    /** The store's refund id (partial refunds of one order each have their own). */
    refundId: z.string().optional(),
    /** Everything refunded on the order so far, this refund included. */
    refundedTotal: Money.optional(),
    status: OrderStatus.optional(),
  }),
);
/** A stored order's status changed after it was placed (paid, cancelled, refunded). */
export const OrderStatusChanged = defineEvent(
  'OrderStatusChanged',
  Sources.commerce,
  1,
  z.object({ ...customerRef, orderId: z.string(), store: Channel, from: OrderStatus, to: OrderStatus, total: Money }),
);

export const PointsAwarded = defineEvent(
  'PointsAwarded',
  Sources.loyalty,
  1,
  z.object({ ...customerRef, points: z.number().int().positive(), reason: z.string(), balance: z.number().int() }),
);
export const PointsRedeemed = defineEvent(
  'PointsRedeemed',
  Sources.loyalty,
  1,
  z.object({ ...customerRef, points: z.number().int().positive(), reward: z.string(), balance: z.number().int() }),
);
export const PointsExpired = defineEvent(
  'PointsExpired',
  Sources.loyalty,
  1,
  z.object({ ...customerRef, points: z.number().int().positive(), balance: z.number().int() }),
);
export const TierChanged = defineEvent('TierChanged', Sources.loyalty, 1, z.object({ ...customerRef, from: z.string(), to: z.string() }));
export const BadgeEarned = defineEvent('BadgeEarned', Sources.loyalty, 1, z.object({ ...customerRef, badge: z.string() }));
export const ReferralCompleted = defineEvent(
  'ReferralCompleted',
  Sources.loyalty,
  1,
  z.object({ referrerId: z.string(), refereeId: z.string(), code: z.string() }),
);

const ticketRef = { ...customerRef, ticketId: z.string() };
export const TicketOpened = defineEvent(
  'TicketOpened',
  Sources.service,
  1,
  z.object({ ...ticketRef, priority: z.enum(['low', 'normal', 'high', 'urgent']), channel: Channel }),
);
export const TicketRouted = defineEvent('TicketRouted', Sources.service, 1, z.object({ ...ticketRef, queue: z.string(), slaDueAt: z.string() }));
export const TicketResolved = defineEvent('TicketResolved', Sources.service, 1, z.object({ ...ticketRef }));
export const SlaBreached = defineEvent('SlaBreached', Sources.service, 1, z.object({ ...ticketRef, queue: z.string() }));

export const CampaignLaunched = defineEvent('CampaignLaunched', Sources.campaigns, 1, z.object({ campaignId: z.string() }));
export const MessageSent = defineEvent(
  'MessageSent',
  Sources.campaigns,
  1,
  z.object({ ...customerRef, campaignId: z.string().optional(), channel: Channel, messageId: z.string() }),
);
export const CampaignCompleted = defineEvent(
  'CampaignCompleted',
  Sources.campaigns,
  1,
  z.object({ campaignId: z.string(), sent: z.number().int(), failed: z.number().int() }),
);

/**
 * A step of a customer-knowledge job (domain/knowledge/jobs.ts): recompute the tenant's distribution
 * (`thresholds`), or refresh one page of one stage partition of the customer index (`partition`), for a
 * tenant recompute or a new segment's back-fill. Each step publishes the next, so no run is long.
 */
export const KnowledgeRefreshRequested = defineEvent(
  'KnowledgeRefreshRequested',
  Sources.knowledge,
  1,
  z.object({
    jobId: z.string().min(1),
    step: z.enum(['thresholds', 'partition']),
    partition: z.object({ stage: Stage, shard: z.number().int().min(0) }).optional(),
    cursor: z.string().min(1).optional(),
  }),
);

/**
 * Spend under a budget (the tenant's for the month, or a campaign's) reached one of its thresholds (50, 80, 100 %).
 * Published once per budget, period and threshold (the event id is derived from them, so a repeat is a duplicate).
 */
export const BudgetThresholdReached = defineEvent(
  'BudgetThresholdReached',
  Sources.finance,
  1,
  z.object({
    scope: z.enum(['tenant', 'campaign']),
    campaignId: z.string().min(1).optional(),
    period: z.string().min(1),
    thresholdPercent: z.number().int().min(1).max(1000),
    budget: Money,
    spent: Money,
  }),
);

export const ALL_EVENTS = [
  InteractionRemoved,
  CustomerRegistered,
  CustomerUpdated,
  CustomersMerged,
  ConsentChanged,
  CustomerErased,
  ErasureRequested,
  InteractionRecorded,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
  PointsAwarded,
  PointsRedeemed,
  PointsExpired,
  TierChanged,
  BadgeEarned,
  ReferralCompleted,
  TicketOpened,
  TicketRouted,
  TicketResolved,
  SlaBreached,
  CampaignLaunched,
  MessageSent,
  CampaignCompleted,
  KnowledgeRefreshRequested,
  BudgetThresholdReached,
] as const;

/** An event ready to publish: its definition's source and detail-type, and the envelope. */
export interface OutgoingEvent {
  source: string;
  detailType: string;
  detail: { metadata: EventMetadata; data: unknown };
}

/** Build an event envelope, validating the data against the definition (a bad event never leaves). */
export function buildEvent<S extends z.ZodType>(
  definition: EventDefinition<S>,
  metadata: Omit<EventMetadata, 'version'>,
  data: z.input<S>,
): OutgoingEvent {
  const parsed = definition.data.parse(data);
  return {
    source: definition.source,
    detailType: definition.detailType,
    detail: { metadata: { ...metadata, version: definition.version }, data: parsed },
  };
}
