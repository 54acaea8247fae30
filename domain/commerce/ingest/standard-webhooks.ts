/**
 * The generic events endpoint (`/webhooks/{tenantId}/events`) in the Standard Webhooks format, for any
 * store and for the brand's own site or app: the signature scheme and the event types we accept, each
 * with its `data` schema.
 *
 * Signature: `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`,
 * several space-separated during a rotation; the secret is `whsec_<base64>` and the key its decoded bytes,
 * as the official `standardwebhooks` libraries sign. `webhook-id` is the idempotency key.
 * Body: `{ "type": "<event type>", "timestamp": "<ISO 8601>", "data": { ... } }`.
 */
import { z } from 'zod';
import { Money as MoneySchema, type InteractionKind } from '../../../events/catalog.js';
import { InvalidInput, Unauthorized } from '../../shared/errors.js';
import type { IdentityInput } from '../../customers/identity.js';
import type { OrderSnapshot, RefundNotice } from '../orders.js';
import { contactIdentities, type Identification, type Signup } from '../../customers/index.js';
import type { WebAction } from '../web-actions.js';
import { hmacMatches } from '../../shared/signatures.js';
import { namesGiven, type PersonNames } from '../../shared/customer.js';

/** Timestamps further than this from our clock are refused (replay protection). */
export const TOLERANCE_SECONDS = 5 * 60;

/** The HMAC key of a `whsec_<base64>` secret: its decoded bytes (a secret without the prefix is base64 too). */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Throws Unauthorized unless one of the `v1,` signatures is the HMAC of `{id}.{timestamp}.{body}` under one
 * of the secrets (constant-time compare, every secret tried) and the timestamp is within 5 minutes of `now`.
 * A stale or future timestamp is a 401 too: the request cannot be trusted as fresh, whoever signed it.
 */
export function verifyStandardWebhook(headers: StandardWebhookHeaders, body: Buffer, secrets: readonly string[], now: Date): { id: string; timestamp: Date } {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) throw new Unauthorized('Missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new Unauthorized('webhook-timestamp must be epoch seconds');
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  const keys = secrets.map(standardWebhookKey);
  const candidates = signature
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  // every candidate is checked (no early exit), so timing does not tell which one matched
  const matches = candidates.map((provided) => hmacMatches({ algorithm: 'sha256', secrets: keys, signed, provided, encoding: 'base64' }));
  if (keys.length === 0 || !matches.includes(true)) throw new Unauthorized('Invalid webhook-signature');
  const sentAt = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - sentAt) > TOLERANCE_SECONDS) {
    throw new Unauthorized(`webhook-timestamp is more than ${TOLERANCE_SECONDS / 60} minutes off`);
  }
  return { id, timestamp: new Date(sentAt * 1000) };
}

// ---------------------------------------------------------------------------------------------------
// The body and each event type's data

export const StandardWebhookEnvelope = z.object({
  type: z.string().min(1).max(100),
  timestamp: z.string().datetime({ offset: true }).optional(),
  data: z.unknown(),
});

const Id = z.union([z.string().trim().min(1).max(200), z.number().int().nonnegative().refine(Number.isSafeInteger).transform(String)]);
const Time = z.string().datetime({ offset: true }).transform((t) => new Date(t).toISOString());

/** The display name under its older field, still accepted from senders that use it; `displayName` wins when both come. */
const OlderDisplayName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .meta({ deprecated: true, description: 'the display name under its older field: send displayName (it wins when both come)' });

/** Who the person is, as the site knows them: its own user id, e-mail, phone and/or anonymous cookie id. */
export const WebPerson = z
  .object({
    userId: Id.optional().describe("the site's own account id (identity channel web)"),
    email: z.string().trim().email().max(254).optional(),
    phone: z.string().trim().min(3).max(32).optional().describe('international format, e.g. +34600111222'),
    anonymousId: Id.optional().describe('the anonymous cookie id (identity channel anonymous)'),
    givenName: z.string().trim().min(1).max(100).optional(),
    familyName: z.string().trim().min(1).max(100).optional(),
    displayName: z.string().trim().min(1).max(200).optional(),
    name: OlderDisplayName,
  })
  .refine((p) => Boolean(p.userId ?? p.email ?? p.phone ?? p.anonymousId), 'give userId, email, phone or anonymousId');
export type WebPerson = z.infer<typeof WebPerson>;

const LineItem = z.object({ productId: Id, quantity: z.number().int().positive(), price: MoneySchema });

const action = <T extends z.ZodRawShape>(shape: T) => z.object({ person: WebPerson, occurredAt: Time.optional(), ...shape });

/** Every accepted event type and the schema of its `data` (documented in the OpenAPI request body too). */
export const WEB_EVENTS = {
  'customer.registered': z
    .object({
      userId: Id.optional(),
      email: z.string().trim().email().max(254).optional(),
      phone: z.string().trim().min(3).max(32).optional(),
      anonymousId: Id.optional(),
      givenName: z.string().trim().min(1).max(100).optional(),
      familyName: z.string().trim().min(1).max(100).optional(),
      displayName: z.string().trim().min(1).max(200).optional(),
      name: OlderDisplayName,
      locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).optional(),
      source: z.string().trim().min(1).max(100).optional(),
      /** A loyalty member's referral code; an unknown one is ignored (the sign-up still counts). */
      referralCode: z.string().trim().max(64).optional(),
    })
    .refine((d) => Boolean(d.userId ?? d.email ?? d.phone), 'give userId, email or phone'),
  'customer.identified': z
    .object({
      anonymousId: Id,
      userId: Id.optional(),
      email: z.string().trim().email().max(254).optional(),
      phone: z.string().trim().min(3).max(32).optional(),
    })
    .refine((d) => Boolean(d.userId ?? d.email ?? d.phone), 'give userId, email or phone: who the anonymous visitor is'),
  'order.placed': z.object({
    orderId: Id,
    orderNumber: z.string().max(100).optional(),
    placedAt: Time.optional(),
    status: z.enum(['pending', 'paid']).default('paid'),
    customer: WebPerson,
    total: MoneySchema,
    lineItems: z.array(LineItem).max(500),
  }),
  'order.refunded': z.object({
    orderId: Id,
    refundId: Id,
    amount: MoneySchema.refine((m) => !m.amount.startsWith('-') && !/^0+(\.0+)?$/.test(m.amount), 'a positive amount'),
    refundedAt: Time.optional(),
  }),
  'newsletter.subscribed': action({ listId: Id.optional() }),
  'survey.completed': action({ surveyId: Id }),
  'quiz.completed': action({ quizId: Id, score: z.number().optional() }),
  'review.posted': action({
    reviewId: Id.optional(),
    productId: Id.optional(),
    rating: z.number().int().min(1).max(5).optional(),
    text: z.string().max(5000).optional(),
  }),
  'video.watched': action({ videoId: Id, seconds: z.number().nonnegative().optional() }),
  'content.created': action({ contentId: Id, url: z.string().url().optional() }),
  'game.played': action({ gameId: Id, score: z.number().optional() }),
  'friend.invited': action({ referralCode: Id.optional() }),
} as const;

export type WebEventType = keyof typeof WEB_EVENTS;
export type WebEventData<T extends WebEventType> = z.output<(typeof WEB_EVENTS)[T]>;

export function isWebEventType(type: string): type is WebEventType {
  return Object.hasOwn(WEB_EVENTS, type);
}

/** The request body of the events endpoint, one variant per type (for the OpenAPI document). */
export const WebEventBody = z.discriminatedUnion(
  'type',
  (Object.entries(WEB_EVENTS) as [WebEventType, z.ZodType][]).map(([type, data]) =>
    z.object({ type: z.literal(type), timestamp: z.string().datetime({ offset: true }).optional(), data }),
  ) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...z.ZodObject<{ type: z.ZodLiteral<string> }>[]],
);

/** The data of a known type, validated: 400 naming the fields when it does not match. */
export function parseWebEventData<T extends WebEventType>(type: T, data: unknown): WebEventData<T> {
  const result = WEB_EVENTS[type].safeParse(data);
  if (!result.success) {
    throw new InvalidInput(`Invalid data for ${type}`, {
      issues: result.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message })),
    });
  }
  return result.data as WebEventData<T>;
}

/** The site's identities of a person, the most trusted first: user id, e-mail, phone, then the cookie id. */
export function webIdentities(person: { userId?: string; email?: string; phone?: string; anonymousId?: string }): IdentityInput[] {
  return [
    ...(person.userId !== undefined ? [{ channel: 'web' as const, externalId: person.userId }] : []),
    ...contactIdentities({ ...(person.email !== undefined && { email: person.email }), ...(person.phone !== undefined && { phone: person.phone }) }, true),
    ...(person.anonymousId !== undefined ? [{ channel: 'anonymous' as const, externalId: person.anonymousId }] : []),
  ];
}

/** The names a site sends: the display name (`displayName`, or `name` as older senders call it), given and family. */
function webNames(p: PersonNames & { name?: string | undefined }): PersonNames {
  return namesGiven({ ...p, displayName: p.displayName ?? p.name });
}

export function webSignup(data: WebEventData<'customer.registered'>): Signup {
  return {
    via: 'web',
    identities: webIdentities(data),
    ...webNames(data),
    ...(data.locale !== undefined && { profile: { locale: data.locale } }),
    ...(data.source !== undefined && { source: data.source }),
    ...(data.referralCode && { referralCode: data.referralCode }),
  };
}

export function webIdentification(data: WebEventData<'customer.identified'>): Identification {
  const { anonymousId, ...known } = data;
  return { anonymousId, identities: webIdentities(known) };
}

export function webOrderSnapshot(data: WebEventData<'order.placed'>, fallbackTime: string): OrderSnapshot {
  const placedAt = data.placedAt ?? fallbackTime;
  const currency = data.total.currency;
  const mixed = data.lineItems.find((l) => l.price.currency !== currency);
  if (mixed) throw new InvalidInput(`line item ${mixed.productId} is in ${mixed.price.currency}, the order in ${currency}`);
  return {
    store: 'web',
    orderId: data.orderId,
    ...(data.orderNumber !== undefined && { orderNumber: data.orderNumber }),
    buyer: { identities: webIdentities(data.customer), ...webNames(data.customer) },
    total: data.total,
    lineItems: data.lineItems,
    placedAt,
    storeStatus: data.status,
    ...(data.status === 'paid' && { paidAt: placedAt }),
    refunds: [],
    updatedAt: placedAt,
  };
}

export function webRefundNotice(data: WebEventData<'order.refunded'>, fallbackTime: string): RefundNotice {
  return { store: 'web', orderId: data.orderId, refund: { refundId: data.refundId, amount: data.amount, at: data.refundedAt ?? fallbackTime } };
}

type ActionType = Exclude<WebEventType, 'customer.registered' | 'customer.identified' | 'order.placed' | 'order.refunded'>;

/** Each loyalty action's interaction kind on channel `web`, and which field names what it was about. */
const ACTIONS: Record<ActionType, { kind: InteractionKind; subject?: string }> = {
  'newsletter.subscribed': { kind: 'newsletter_signup', subject: 'listId' },
  'survey.completed': { kind: 'survey', subject: 'surveyId' },
  'quiz.completed': { kind: 'quiz', subject: 'quizId' },
  'review.posted': { kind: 'review', subject: 'productId' },
  'video.watched': { kind: 'video_view', subject: 'videoId' },
  'content.created': { kind: 'content', subject: 'contentId' },
  'game.played': { kind: 'game', subject: 'gameId' },
  'friend.invited': { kind: 'referral', subject: 'referralCode' },
};

export function isActionType(type: WebEventType): type is ActionType {
  return Object.hasOwn(ACTIONS, type);
}

export function webAction(type: ActionType, data: WebEventData<ActionType>, webhookId: string, fallbackTime: string): WebAction {
  const { kind, subject } = ACTIONS[type];
  const fields = data as Record<string, unknown>;
  const subjectId = subject ? fields[subject] : undefined;
  const text = type === 'review.posted' ? (fields.text as string | undefined) : undefined;
  return {
    kind,
    externalId: webhookId,
    person: webIdentities(data.person),
    ...webNames(data.person),
    ...(typeof subjectId === 'string' && { subjectId }),
    ...(text !== undefined && text.trim() !== '' && { text }),
    occurredAt: data.occurredAt ?? fallbackTime,
  };
}
