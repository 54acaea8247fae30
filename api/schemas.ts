/**
 * The API's request and response shapes (the local contract: lists answer `{ items, nextCursor }`, errors `{ error: { code, message } }`). Request validation and the OpenAPI document both
 * come from these schemas.
 */
import { z } from 'zod';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CONSENT_STATUSES, EVERY_CHANNEL, INTENTS } from '../domain/shared/vocabulary.js';
import { Channel, InteractionKind, Stage } from '../events/catalog.js';
import { RFM_CLASSES } from '../domain/knowledge/rfm.js';
import { Condition as SegmentCondition, SegmentInput, SegmentRule } from '../domain/segments/segments.js';

/** Named schemas: each becomes `#/components/schemas/<id>` in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();

export const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .register(apiSchemas, { id: 'Error' });

export const IdentityView = z
  .object({
    channel: z.string(),
    externalId: z.string(),
    handle: z.string().optional(),
    name: z.string().optional(),
    firstSeenAt: z.string(),
  })
  .register(apiSchemas, { id: 'Identity' });

export const PostalAddress = z
  .object({
    line1: z.string().min(1).max(200).optional(),
    line2: z.string().min(1).max(200).optional(),
    city: z.string().min(1).max(100).optional(),
    region: z.string().min(1).max(100).optional(),
    postalCode: z.string().min(1).max(20).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code').optional(),
  })
  .strict()
  .register(apiSchemas, { id: 'PostalAddress' });

export const CustomerView = z
  .object({
    id: z.string(),
    stage: Stage,
    displayName: z.string().optional(),
    registeredAt: z.string().optional(),
    registeredVia: Channel.optional(),
    registrationSource: z.string().optional(),
    tags: z.array(z.string()).optional(),
    locale: z.string().optional(),
    address: PostalAddress.optional(),
    birthday: z.string().optional(),
    /** Set when the person was erased before: never targeted again (domain/privacy/erasure.ts). */
    suppressed: z.object({ at: z.string() }).optional(),
    identities: z.array(IdentityView),
    activity: z.object({
      lastInteractionAt: z.string().optional(),
      interactionsByChannel: z.record(z.string(), z.number()),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Consent per purpose (marketing per channel), as knowledge and segments gate on it (GET one customer). */
    get consent() {
      return ConsentSummaryView.optional();
    },
    /** What marketing knows, each figure with its inputs and formula (GET one customer). */
    get knowledge() {
      return KnowledgeView.optional();
    },
  })
  .register(apiSchemas, { id: 'Customer' });

export const InteractionView = z
  .object({
    id: z.string(),
    channel: Channel,
    kind: InteractionKind,
    externalId: z.string(),
    accountId: z.string().optional(),
    text: z.string().optional(),
    sentiment: z.number().min(-1).max(1).optional(),
    intent: z.enum(INTENTS).optional(),
    postId: z.string().optional(),
    parentId: z.string().optional(),
    occurredAt: z.string(),
  })
  .register(apiSchemas, { id: 'Interaction' });

export const TimelineItemView = z
  .object({
    type: z.string().describe('interaction, order, loyalty, ticket, message, ...'),
    occurredAt: z.string(),
  })
  .catchall(z.unknown())
  .register(apiSchemas, { id: 'TimelineItem' });

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).register(apiSchemas, { id });
}

export const TimelinePage = pageOf(TimelineItemView, 'TimelinePage');
export const CustomerPage = pageOf(CustomerView, 'CustomerPage');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).optional(),
});

export const IdentityLookupQuery = z
  .object({
    channel: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    email: z.string().email().optional(),
    phone: z.string().min(3).optional(),
  })
  .refine((q) => (q.channel !== undefined) === (q.externalId !== undefined), {
    message: 'channel and externalId go together',
  })
  .refine((q) => [q.channel, q.email, q.phone].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of channel+externalId, email or phone',
  });

const Locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "es" or "en-GB"');
const Birthday = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
const Tags = z.array(z.string().trim().min(1).max(50)).max(50);

/** Identities a sign-up form may already know (the site's user id, the anonymous cookie id, a social id). */
export const ExternalIdInput = z
  .object({
    channel: z.union([Channel.exclude(['email', 'sms']), z.literal('anonymous')]),
    externalId: z.string().trim().min(1).max(200),
  })
  .strict();

/** POST /v1/customers: a sign-up. E-mail and/or phone; the tenant comes from the token, never the body. */
export const CustomerRegistration = z
  .object({
    email: z.string().trim().email().max(254).optional(),
    phone: z.string().trim().min(3).max(32).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    externalIds: z.array(ExternalIdInput).max(10).optional(),
    /** Where the sign-up came from (form, landing page, campaign), for reports. */
    source: z.string().trim().min(1).max(100).optional(),
    /** A loyalty member's referral code: the friend's first paid order that is not refunded completes the referral. */
    referralCode: z.string().trim().min(4).max(32).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and dashes').optional(),
    locale: Locale.optional(),
    tags: Tags.optional(),
    birthday: Birthday.optional(),
    address: PostalAddress.optional(),
  })
  .strict()
  .refine((b) => b.email !== undefined || b.phone !== undefined, { message: 'give an email or a phone (or both)', path: ['email'] })
  .register(apiSchemas, { id: 'CustomerRegistration' });

/**
 * PATCH /v1/customers/{id}: only these profile fields; null clears one. Anything else (tenant, stage,
 * points, scores, identities, ids, ...) is refused with 400 naming the field.
 */
export const CustomerPatch = z
  .object({
    displayName: z.string().trim().min(1).max(200).nullable().optional(),
    tags: Tags.nullable().optional(),
    locale: Locale.nullable().optional(),
    address: PostalAddress.nullable().optional(),
    birthday: Birthday.nullable().optional(),
  })
  .strict()
  .register(apiSchemas, { id: 'CustomerPatch' });

// ---------------------------------------------------------------------------------------------------------
// Connections (PUT/GET /v1/connections): the brand's connected accounts and webhook secrets per network.
// Secrets go in, never out: the views carry how many are active and since when, never a value.

const NumericAccountId = z.string().trim().regex(/^\d{1,25}$/, 'a numeric account id as the platform shows it');
const YoutubeChannelId = z.string().trim().regex(/^UC[\w-]{22}$/, 'a YouTube channel id (UC + 22 characters)');
const AccountIds = <T extends z.ZodType>(id: T) => z.array(id).max(50);
const Secret = (min: number) =>
  z
    .string()
    .min(min)
    .max(512)
    .regex(/^\S+$/, 'no spaces');
/** Standard Webhooks: `whsec_` + base64 of 24 to 64 key bytes (what the `standardwebhooks` libraries accept). */
const StandardWebhooksSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'whsec_ followed by base64')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the key must be 24 to 64 bytes');
const atLeastOne = (o: Record<string, unknown>) => Object.values(o).some((v) => v !== undefined);
const Rotation = z
  .enum(['replace', 'add'])
  .default('replace')
  .describe("'replace' (default): the given secrets become the only active ones; 'add': each is added beside the current one (at most 2 active)");

const MetaSecrets = z
  .object({ appSecret: Secret(16).optional(), verifyToken: Secret(8).optional() })
  .strict()
  .refine(atLeastOne, 'give appSecret, verifyToken or both');
const connectionBody = <S extends z.ZodRawShape>(shape: S) =>
  z
    .object({ ...shape, rotation: Rotation })
    .strict()
    .refine((b) => Object.keys(shape).some((k) => (b as Record<string, unknown>)[k] !== undefined), 'nothing to change');

/** PUT /v1/connections/{channel}: one schema per channel; Meta's three networks share the Meta app's secrets. */
export const ConnectionUpdateBodies = {
  facebook: connectionBody({ accountIds: AccountIds(NumericAccountId).optional(), secrets: MetaSecrets.optional() }),
  instagram: connectionBody({ accountIds: AccountIds(NumericAccountId).optional(), secrets: MetaSecrets.optional() }),
  whatsapp: connectionBody({ accountIds: AccountIds(NumericAccountId).optional(), secrets: MetaSecrets.optional() }),
  x: connectionBody({ accountIds: AccountIds(NumericAccountId).optional(), secrets: z.object({ consumerSecret: Secret(16) }).strict().optional() }),
  youtube: connectionBody({
    accountIds: AccountIds(YoutubeChannelId).optional(),
    watchedChannelIds: AccountIds(YoutubeChannelId).optional(),
    secrets: z.object({ secret: Secret(16) }).strict().optional(),
  }),
  shopify: connectionBody({ secrets: z.object({ secret: Secret(16) }).strict().optional() }),
  woocommerce: connectionBody({ secrets: z.object({ secret: Secret(8) }).strict().optional() }),
  events: connectionBody({ secrets: z.object({ secret: StandardWebhooksSecret }).strict().optional() }),
} as const;

/** The same, as one schema for the OpenAPI document (the path's channel picks the member). */
export const ConnectionUpdate = z
  .union(Object.values(ConnectionUpdateBodies) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])
  .register(apiSchemas, { id: 'ConnectionUpdate' });

/** POST /v1/connections/{channel}/secrets/retire: end a rotation, keeping one secret per field. */
export const SecretRetirement = z
  .object({
    keep: z.enum(['newest', 'oldest']).describe("'newest' ends a rotation; 'oldest' rolls it back"),
    field: z.string().min(1).optional().describe('only this field (e.g. appSecret); default: every field of the network'),
  })
  .strict()
  .register(apiSchemas, { id: 'SecretRetirement' });

export const ConnectionView = z
  .object({
    channel: z.enum(['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'events']),
    accountIds: z.array(z.string()),
    watchedChannelIds: z.array(z.string()).optional(),
    /** The secret set this channel verifies with: facebook, instagram and whatsapp share `meta`. */
    secretGroup: z.enum(['meta', 'x', 'youtube', 'shopify', 'woocommerce', 'events']),
    secrets: z.record(
      z.string(),
      z.object({
        active: z.number().int().min(0).max(2),
        /** Newest first; null when the secret predates this record (created outside the API). */
        addedAt: z.array(z.string().nullable()),
      }),
    ),
  })
  .register(apiSchemas, { id: 'Connection' });
export const ConnectionPage = pageOf(ConnectionView, 'ConnectionPage');

// ---------------------------------------------------------------------------------------------------------
// Merge (POST /v1/customers/{id}/merge) and the social newsroom (GET /v1/newsroom)

export const CustomerMergeRequest = z
  .object({
    mergeWith: z.string().trim().min(1).max(200).describe('the customer that is merged into the one in the path'),
    reason: z.string().trim().min(1).max(100).optional().describe("why, for the audit trail (default 'manual')"),
  })
  .strict()
  .register(apiSchemas, { id: 'CustomerMergeRequest' });

export const CustomerMergeView = z
  .object({
    survivorId: z.string(),
    mergedId: z.string(),
    reason: z.string(),
    mergedAt: z.string(),
    status: z.enum(['completed', 'in_progress']).describe("in_progress (HTTP 202): repeat the same request to finish"),
  })
  .register(apiSchemas, { id: 'CustomerMerge' });

/** What GET /v1/customers/{id} answers (with 308 and a Location) for a customer merged into another. */
export const MergedCustomerPointer = z
  .object({ id: z.string(), mergedInto: z.string() })
  .register(apiSchemas, { id: 'MergedCustomerPointer' });

export const NewsroomQuery = z.object({
  channel: Channel.optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
  intent: z.enum(INTENTS).optional(),
  since: z.string().datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(16_384).optional(),
});

export const NewsroomItemView = InteractionView.extend({ customerId: z.string() }).register(apiSchemas, { id: 'NewsroomItem' });
export const NewsroomPage = pageOf(NewsroomItemView, 'NewsroomPage');

// ---------------------------------------------------------------------------------------------------------
// Consent (GET/POST /v1/customers/{id}/consents, GET /consent/confirm, GET/POST /unsubscribe) and the
// audit trail (GET /v1/audit)

export const ConsentChannelName = z.enum(CONSENT_CHANNELS);
export const ConsentPurposeName = z.enum(CONSENT_PURPOSES);
const ConsentScopeName = z.enum([...CONSENT_CHANNELS, EVERY_CHANNEL]);
const ConsentStatusName = z.enum(CONSENT_STATUSES);

export const ConsentChangeRequest = z
  .object({
    channel: ConsentScopeName.optional().describe("marketing: the channel; social_profiling: omit or 'all' (it covers every network)"),
    purpose: ConsentPurposeName,
    status: z.enum(['granted', 'withdrawn']),
    source: z
      .union([
        z.string().trim().min(1).max(2048).describe("a form's URL, or any other reference"),
        z
          .object({
            kind: z.enum(['form', 'social_plugin', 'in_store', 'api', 'import', 'other']),
            url: z.url().max(2048).optional().describe("the form's page"),
            reference: z.string().trim().min(1).max(500).optional().describe('a store, a plugin, an import batch...'),
          })
          .strict(),
      ])
      .describe('where the person gave or withdrew consent'),
    statement: z
      .union([
        z.string().trim().min(1).max(100).describe("the statement's version"),
        z
          .object({
            version: z.string().trim().min(1).max(100),
            text: z.string().max(10_000).optional(),
            locale: z.string().max(35).optional(),
          })
          .strict(),
      ])
      .optional()
      .describe('the statement the person was shown'),
    doubleOptIn: z
      .boolean()
      .optional()
      .describe('e-mail marketing grants: default true (pending until the person follows the e-mailed link)'),
  })
  .strict()
  .register(apiSchemas, { id: 'ConsentChangeRequest' });

export const ConsentRecordView = z
  .object({
    id: z.string(),
    customerId: z.string(),
    purpose: ConsentPurposeName,
    channel: ConsentScopeName,
    status: ConsentStatusName,
    at: z.string(),
    source: z.object({ kind: z.string(), url: z.string().optional(), reference: z.string().optional() }),
    statement: z.object({ version: z.string(), text: z.string().optional(), locale: z.string().optional() }).optional(),
    capturedBy: z.object({ kind: z.string().describe('api, webhook, form, link, system'), id: z.string() }),
    doubleOptIn: z.boolean().optional(),
    confirmedAt: z.string().optional(),
    confirmsRecordId: z.string().optional(),
  })
  .register(apiSchemas, { id: 'ConsentRecord' });

export const CurrentConsentView = z
  .object({
    purpose: ConsentPurposeName,
    channel: ConsentScopeName,
    status: ConsentStatusName,
    at: z.string(),
    recordId: z.string(),
    confirmedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'ConsentState' });

export const CustomerConsentsView = z
  .object({
    customerId: z.string(),
    current: z.array(CurrentConsentView).describe('the latest decision per purpose and channel; absent means never asked'),
    history: z.array(ConsentRecordView).describe('every record, newest first'),
  })
  .register(apiSchemas, { id: 'CustomerConsents' });

export const ConsentTokenQuery = z.object({ token: z.string().min(1).max(2048) });

export const ConsentConfirmedView = z
  .object({ confirmed: z.literal(true), purpose: ConsentPurposeName, channel: ConsentScopeName, confirmedAt: z.string() })
  .register(apiSchemas, { id: 'ConsentConfirmed' });

export const UnsubscribedView = z
  .object({
    unsubscribed: z.literal(true),
    purpose: z.literal('marketing'),
    channel: ConsentChannelName,
    changed: z.boolean().describe('false when the consent was already withdrawn'),
  })
  .register(apiSchemas, { id: 'Unsubscribed' });

export const UnsubscribePreviewView = z
  .object({
    purpose: z.literal('marketing'),
    channel: ConsentChannelName,
    method: z.literal('POST'),
    message: z.string(),
  })
  .register(apiSchemas, { id: 'UnsubscribePreview' });

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe("a user's subject, or <kind>:<name> (link:unsubscribe, webhook:shopify, system:...)"),
    action: z.string().describe('<area>.<verb>: consent.granted, consent.withdrawn, customer.merged, ...'),
    targetId: z.string(),
    targetType: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  })
  .register(apiSchemas, { id: 'AuditEntry' });
export const AuditPage = pageOf(AuditEntryView, 'AuditPage');

export const AuditListQuery = z.object({
  targetId: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  since: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .describe('oldest entry wanted; default: 30 days ago, or all time with targetId'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

/** What the Meta webhook answers: the first three always, the other counters only when not zero. */
export const MetaWebhookReceipt = z
  .object({
    received: z.number().int().describe('interactions in the delivery'),
    recorded: z.number().int(),
    duplicates: z.number().int().describe('already recorded (redelivery) or repeated in the delivery'),
    amended: z.number().int().optional().describe('edits and removals applied to stored interactions'),
    amendedUnknown: z.number().int().optional().describe('edits and removals of something never stored'),
    statuses: z
      .object({ advanced: z.number().int(), unchanged: z.number().int(), unknown: z.number().int() })
      .optional()
      .describe('WhatsApp delivery statuses of outbound messages'),
    ignored: z.number().int().optional().describe('events for accounts the tenant has not connected'),
    unattributed: z.number().int().optional().describe('events whose payload does not name the person'),
    unsupported: z.number().int().optional().describe('kinds of event not handled'),
  })
  .register(apiSchemas, { id: 'MetaWebhookReceipt' });

// ---------------------------------------------------------------------------------------------------------
// Customer knowledge, segments and recommendations (domain/knowledge/, domain/segments/segments.ts,
// domain/knowledge/recommendations.ts): every figure answers { value, inputs, formula }.

const MoneyView = z.object({ amount: z.string(), currency: z.string() });

function figureOf<V extends z.ZodType>(value: V) {
  return z.object({
    value: value.nullable(),
    inputs: z.record(z.string(), z.unknown()).describe('what the value was computed from (thresholds included)'),
    formula: z.string(),
    note: z.string().optional().describe('why the value is null, when it is'),
  });
}

const ConsentStateSummaryView = z.object({ status: ConsentStatusName, at: z.string(), recordId: z.string().optional(), confirmedAt: z.string().optional() });

export const ConsentSummaryView = z
  .object({
    social_profiling: ConsentStateSummaryView.optional(),
    loyalty: ConsentStateSummaryView.optional(),
    marketing: z.record(z.string(), ConsentStateSummaryView).optional(),
  })
  .register(apiSchemas, { id: 'ConsentSummary' });

export const KnowledgeView = z
  .object({
    computedAt: z.string(),
    socialProfiling: z.boolean().describe('false: interactions count in no figure, segment or audience'),
    orders: z.object({
      count: z.number().int(),
      notCounted: z.number().int(),
      netSpend: MoneyView.nullable(),
      otherCurrencies: z.record(z.string(), z.string()),
      firstOrderAt: z.string().nullable(),
      lastOrderAt: z.string().nullable(),
      daysSinceLastOrder: z.number().int().nullable(),
      products: z.number().int(),
    }),
    interactions: z
      .object({
        count: z.number().int(),
        byKind: z.record(z.string(), z.number()),
        byChannel: z.record(z.string(), z.number()),
        lastInteractionAt: z.string().nullable(),
        daysSinceLastInteraction: z.number().int().nullable(),
      })
      .nullable(),
    rfm: figureOf(
      z.object({
        recency: z.number().int().min(1).max(5),
        frequency: z.number().int().min(1).max(5),
        monetary: z.number().int().min(1).max(5),
        class: z.enum(RFM_CLASSES),
      }),
    ),
    clv: figureOf(z.object({ historic: MoneyView, predictive: MoneyView })),
    lifecycle: figureOf(z.object({ stage: Stage, churnRisk: z.enum(['low', 'medium', 'high']).nullable() })),
    shares: z.object({ voice: figureOf(z.number()), wallet: figureOf(z.number()), mind: figureOf(z.number()), heart: figureOf(z.number()) }),
    channels: z.array(z.string()),
    tier: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'CustomerKnowledge' });

export const SegmentRuleView = SegmentRule.register(apiSchemas, { id: 'SegmentRule' });
SegmentCondition.register(apiSchemas, { id: 'SegmentCondition' });

export const SegmentCreate = SegmentInput.register(apiSchemas, { id: 'SegmentCreate' });

export const SegmentView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    rule: SegmentRuleView,
    status: z.enum(['building', 'ready']).describe('building: existing customers are still being evaluated'),
    jobId: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    readyAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'Segment' });
export const SegmentPage = pageOf(SegmentView, 'SegmentPage');

export const SegmentPreviewQuery = z.object({ sample: z.coerce.number().int().min(0).max(50).default(10) });

export const SegmentPreviewView = z
  .object({
    segmentId: z.string(),
    status: z.enum(['building', 'ready']),
    count: z.number().int(),
    sample: z.array(z.object({ id: z.string(), stage: Stage, displayName: z.string().optional() })),
  })
  .register(apiSchemas, { id: 'SegmentPreview' });

export const SegmentMemberPage = pageOf(z.object({ customerId: z.string() }), 'SegmentMemberPage');

export const MemberPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});

export const KnowledgeSettingsInput = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code').optional(),
    brandKeywords: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    competitorKeywords: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
    categorySpendEstimate: z
      .object({ amount: z.string().regex(/^\d+(\.\d+)?$/, 'a positive exact decimal such as "1200.00"'), currency: z.string().regex(/^[A-Z]{3}$/) })
      .strict()
      .optional()
      .describe("what one customer spends a year in the brand's category, anywhere (Share of Wallet)"),
    expectedLifetimeYears: z.number().positive().max(50).default(3).describe('for the predictive CLV'),
  })
  .strict()
  .register(apiSchemas, { id: 'KnowledgeSettingsInput' });

export const KnowledgeSettingsView = z
  .object({
    currency: z.string().optional(),
    brandKeywords: z.array(z.string()),
    competitorKeywords: z.array(z.string()),
    categorySpendEstimate: MoneyView.optional(),
    expectedLifetimeYears: z.number(),
    updatedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'KnowledgeSettings' });

export const KnowledgeJobView = z
  .object({
    jobId: z.string(),
    reason: z.enum(['recompute', 'segment']),
    segmentId: z.string().optional(),
    status: z.enum(['running', 'done']),
    partitions: z.number().int(),
    done: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'KnowledgeJob' });

export const KnowledgeStatsView = z
  .object({
    computedAt: z.string().nullable(),
    customers: z.number().int(),
    rfm: z
      .object({
        recency: z.array(z.string()).describe('last-order dates: cuts at the 20th, 40th, 60th, 80th percentile'),
        frequency: z.array(z.number()),
        monetary: z.array(z.string()),
        currency: z.string(),
        buyers: z.number().int(),
        computedAt: z.string(),
      })
      .nullable(),
    voice: z.object({ total: z.number(), customers: z.number().int() }),
  })
  .register(apiSchemas, { id: 'KnowledgeStats' });

export const RecommendationQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

export const RecommendationView = z
  .object({
    productId: z.string(),
    kind: z.enum(['cross-sell', 'up-sell']),
    score: z.number().int().describe('Σ over owned products of the customers who bought both'),
    price: MoneyView.nullable(),
    because: z.array(
      z.object({ productId: z.string(), customers: z.number().int(), buyers: z.number().int(), confidence: z.number() }),
    ),
  })
  .register(apiSchemas, { id: 'Recommendation' });

export const RecommendationPage = z
  .object({ items: z.array(RecommendationView), nextCursor: z.null(), basedOn: z.array(z.string()).describe('owned products considered, newest first') })
  .register(apiSchemas, { id: 'RecommendationPage' });

// ---------------------------------------------------------------------------------------------------------
// Privacy: export, erasure and retention (domain/privacy/export.ts, domain/privacy/erasure.ts, domain/privacy/retention.ts)

const ErasureStatus = z.enum(['pending', 'running', 'done']);

export const ErasureAcceptedView = z
  .object({ requestId: z.string(), status: ErasureStatus })
  .register(apiSchemas, { id: 'ErasureAccepted' });

export const ErasureRequestView = z
  .object({
    requestId: z.string(),
    customerId: z.string(),
    status: ErasureStatus,
    phase: z.string().describe('suppress, profiles, partitions, indexed, memberships, verify, done'),
    runs: z.number().int().describe('how many times the erasure was requested (repeating is safe)'),
    requestedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    counts: z.record(z.string(), z.number().int()).describe('items erased per entity type (store/keys.ts ENTITIES names)'),
  })
  .register(apiSchemas, { id: 'ErasureRequest' });

export const CustomerExportView = z
  .object({
    format: z.literal('social-crm.customer-export.v1'),
    customerId: z.string(),
    exportedAt: z.string(),
    sections: z
      .record(z.string(), z.array(z.record(z.string(), z.unknown())))
      .describe('one section per personal entity type of the registry (store/keys.ts ENTITIES), by name'),
  })
  .register(apiSchemas, { id: 'CustomerExport' });

export const PrivacySettingsInput = z
  .object({
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .describe('days the interactions of a person without social_profiling consent are kept (to serve them)'),
  })
  .strict()
  .register(apiSchemas, { id: 'PrivacySettingsInput' });

export const PrivacySettingsView = z
  .object({ retentionDays: z.number().int(), updatedAt: z.string().optional() })
  .register(apiSchemas, { id: 'PrivacySettings' });
