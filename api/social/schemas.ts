/**
 * The social API: connected accounts and their webhook secrets, the newsroom, and what the Meta webhook answers.
 */
import { z } from 'zod';
import { INTENTS } from '../../domain/shared/vocabulary.js';
import { Channel } from '../../events/catalog.js';
import { InteractionView } from '../customers/index.js';
import { apiSchemas, pageOf } from '../shared/schemas.js';

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
