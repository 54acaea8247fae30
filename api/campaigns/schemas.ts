/**
 * The campaigns API's request and response shapes (registered for the OpenAPI document).
 */
import { z } from 'zod';
import { apiSchemas } from '../shared/schemas.js';
import { ATTACHMENT_TYPES, AttachmentInput, Brief, CampaignCreate as CreateInput, CampaignEdit as EditInput, CAMPAIGN_STATUSES, CommentInput, Creative, LaunchInput, RejectInput } from '../../domain/campaigns/model.js';

export const CampaignCreate = CreateInput.register(apiSchemas, { id: 'CampaignCreate' });
export const CampaignEdit = EditInput.register(apiSchemas, { id: 'CampaignEdit' });
export const CampaignComment = CommentInput.register(apiSchemas, { id: 'CampaignComment' });
export const CampaignReject = RejectInput.register(apiSchemas, { id: 'CampaignReject' });
export const CampaignLaunch = LaunchInput.register(apiSchemas, { id: 'CampaignLaunch' });
export const CampaignAttachmentCreate = AttachmentInput.register(apiSchemas, { id: 'CampaignAttachmentCreate' });

const AttachmentView = z.object({
  id: z.string(),
  fileName: z.string(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.number().int(),
  key: z.string(),
  addedBy: z.string(),
  addedAt: z.string(),
});

export const CampaignListQuery = z
  .object({
    status: z.enum(CAMPAIGN_STATUSES),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

export const CampaignView = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    version: z.number().int(),
    brief: Brief,
    strategy: z.string().optional(),
    creative: Creative.optional(),
    comments: z.array(z.object({ id: z.string(), at: z.string(), by: z.string(), text: z.string() })),
    attachments: z.array(AttachmentView).optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    submittedBy: z.string().optional(),
    approval: z.object({ by: z.string(), at: z.string(), version: z.number().int() }).optional(),
    rejection: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
    run: z
      .object({
        scheduledAt: z.string(),
        launchedBy: z.string(),
        executionId: z.string().optional(),
        cancelledBy: z.string().optional(),
        completedAt: z.string().optional(),
        stopReason: z.string().optional(),
      })
      .optional(),
  })
  .register(apiSchemas, { id: 'Campaign' });

export const CampaignPage = z.object({ items: z.array(CampaignView), nextCursor: z.string().nullable() }).register(apiSchemas, { id: 'CampaignPage' });

export const CampaignHistory = z
  .object({
    items: z.array(
      z.object({ version: z.number().int(), at: z.string(), by: z.string(), action: z.string(), changed: z.array(z.string()), status: z.enum(CAMPAIGN_STATUSES) }),
    ),
    nextCursor: z.null(),
  })
  .register(apiSchemas, { id: 'CampaignHistory' });

export const CampaignCancelled = z.object({ campaign: CampaignView, sent: z.number().int() }).register(apiSchemas, { id: 'CampaignCancelled' });

const Amount = z.object({ amount: z.string(), currency: z.string() });
const Arm = z.object({
  recipients: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  unsubscribed: z.number().int(),
  conversions: z.number().int(),
  conversionRate: z.number(),
  revenue: Amount,
});

export const CampaignResults = z
  .object({
    campaignId: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    audience: z.number().int(),
    skipped: z.record(z.string(), z.number().int()),
    deferred: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    delivered: z.number().int(),
    unsubscribed: z.number().int(),
    conversions: z.number().int(),
    revenue: Amount,
    variants: z.record(z.string(), Arm),
    holdout: Arm,
    uplift: z
      .object({
        test: z.string(),
        absolute: z.number(),
        confidenceInterval95: z.tuple([z.number(), z.number()]),
        zScore: z.number(),
        pValue: z.number(),
        significant: z.boolean(),
      })
      .nullable(),
    winner: z.object({ variant: z.string(), test: z.string(), pValue: z.number() }).nullable(),
    cost: z.object({ channelFees: Amount, cloud: Amount.nullable(), total: Amount }),
    roi: z.number().nullable(),
    attributionDays: z.number().int(),
    stopReason: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'CampaignResults' });

const Fee = z.string().regex(/^\d+(\.\d{1,6})?$/, 'an exact decimal with at most 6 places');

export const CampaignSettingsInput = z
  .object({
    frequencyCap: z.object({ maxMessages: z.number().int().min(1).max(100), windowHours: z.number().int().min(1).max(24 * 90) }).strict(),
    quietHours: z
      .object({
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        timeZone: z.string().min(1).max(64).describe('for customers whose own time zone is not known'),
      })
      .strict()
      .nullable(),
    channelFees: z.object({ email: Fee, sms: Fee, whatsapp: Fee }).strict().describe('price of one message, in the budget currency'),
  })
  .strict()
  .register(apiSchemas, { id: 'CampaignSettings' });

export const CampaignAttachmentUpload = z
  .object({
    attachment: AttachmentView,
    version: z.number().int().describe('the campaign version the attachment made (an edit: approval is needed again)'),
    upload: z
      .object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: z.string() })
      .describe('PUT the file here, with these headers, before it expires; the campaign cannot be submitted until every file is there as declared'),
  })
  .register(apiSchemas, { id: 'CampaignAttachmentUpload' });
