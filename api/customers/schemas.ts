/**
 * The customers API: the customer view, identities, the timeline, sign-up, profile edits, lookup and merge.
 */
import { z } from 'zod';
import { INTENTS } from '../../domain/shared/vocabulary.js';
import { Channel, InteractionKind, Stage } from '../../events/catalog.js';
import { ConsentSummaryView } from '../consent/index.js';
import { KnowledgeView } from '../knowledge/index.js';
import { apiSchemas, PageQuery, pageOf } from '../shared/schemas.js';

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
    givenName: z.string().optional(),
    familyName: z.string().optional(),
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

export const TimelinePage = pageOf(TimelineItemView, 'TimelinePage');
export const TimelineQuery = PageQuery.extend({
  type: z
    .string()
    .regex(/^[a-z_]{1,32}$/, 'a timeline item type such as interaction, order, loyalty, ticket')
    .optional()
    .describe('only items of this type (a page may then hold fewer than `limit` items; follow nextCursor)'),
});
export const CustomerPage = pageOf(CustomerView, 'CustomerPage');

export const IdentityLookupQuery = z
  .object({
    channel: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    email: z.string().email().optional(),
    phone: z.string().min(3).optional(),
    name: z.string().min(2).max(64).optional().describe('the start of a name, family name or handle (case and accents do not matter); up to `limit` customers'),
    limit: z.coerce.number().int().min(1).max(50).default(20).describe('for name searches'),
  })
  .refine((q) => (q.channel !== undefined) === (q.externalId !== undefined), {
    message: 'channel and externalId go together',
  })
  .refine((q) => [q.channel, q.email, q.phone, q.name].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of channel+externalId, email, phone or name',
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
    displayName: z.string().trim().min(1).max(200).optional().describe('how to address the person; default "givenName familyName"'),
    givenName: z.string().trim().min(1).max(100).optional(),
    familyName: z.string().trim().min(1).max(100).optional(),
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
    displayName: z.string().trim().min(1).max(200).nullable().optional().describe('null clears it: it is "givenName familyName" again while those exist'),
    givenName: z.string().trim().min(1).max(100).nullable().optional(),
    familyName: z.string().trim().min(1).max(100).nullable().optional(),
    tags: Tags.nullable().optional(),
    locale: Locale.nullable().optional(),
    address: PostalAddress.nullable().optional(),
    birthday: Birthday.nullable().optional(),
  })
  .strict()
  .register(apiSchemas, { id: 'CustomerPatch' });

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
