/**
 * A campaign as a document with a life (documental CRM): the brief, the strategy, the creative (variants per
 * channel with personalised templates) and comments, each change a new version, and the lifecycle
 *
 *   draft → submitted → approved | rejected → scheduled → running → completed | cancelled → measured
 *
 * where only a different user with the approver role approves or rejects (four eyes), and an edit after
 * submission or approval sends the campaign back to draft, so it needs approval again.
 */
import { z } from 'zod';
import { Conflict } from '../shared/errors.js';
import { isDecimal } from '../shared/money.js';

export const CAMPAIGN_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

export const CAMPAIGN_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'scheduled', 'running', 'completed', 'cancelled', 'measured'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const Decimal = z.string().refine(isDecimal, 'an exact decimal string such as "250.00"');
export const Budget = z.object({ amount: Decimal, currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code') }).strict();

export const Brief = z
  .object({
    objective: z.string().trim().min(1).max(2000),
    segmentId: z.string().trim().min(1).max(100),
    channels: z.array(z.enum(CAMPAIGN_CHANNELS)).min(1).max(3),
    /** When the marketer wants it to go (the launch may still name another time). */
    schedule: z.object({ at: z.iso.datetime({ offset: true }).optional() }).strict().optional(),
    kpi: z.string().trim().min(1).max(500),
    budget: Budget,
    /** Days after a message within which an order counts for the campaign. */
    attributionDays: z.number().int().min(1).max(90).default(7),
    /** Share of the audience held out (receives nothing, is measured), in percent. */
    holdoutPercent: z.number().min(0).max(50).default(10),
  })
  .strict();
export type Brief = z.infer<typeof Brief>;

/** The profile fields a template may name: `{{givenName}}`, `{{tier}}`, ... */
export const TEMPLATE_FIELDS = ['givenName', 'tier', 'pointsBalance', 'recommendedProduct', 'unsubscribeLink'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

const Template = z
  .string()
  .max(20_000)
  .superRefine((text, ctx) => {
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(name!)) ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${name}}}; known: ${TEMPLATE_FIELDS.join(', ')}` });
    }
  });

export const Variant = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'letters, digits, - and _ (at most 20)'),
    channel: z.enum(CAMPAIGN_CHANNELS),
    /** Relative share of the (non-holdout) audience on this channel. */
    weight: z.number().int().min(1).max(100).default(1),
    subject: Template.optional(),
    body: Template.pipe(z.string().min(1)),
    /** WhatsApp: the approved template the Cloud API sends; the body's fields become its parameters. */
    whatsappTemplate: z.object({ name: z.string().min(1).max(512), language: z.string().min(2).max(15) }).strict().optional(),
  })
  .strict();
export type Variant = z.infer<typeof Variant>;

export const Creative = z
  .object({ variants: z.array(Variant).min(1).max(10) })
  .strict()
  .superRefine((c, ctx) => {
    const ids = c.variants.map((v) => v.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'variant ids must be unique', path: ['variants'] });
    c.variants.forEach((v, i) => {
      if (v.channel === 'email' && !v.subject) ctx.addIssue({ code: 'custom', message: 'an e-mail variant needs a subject', path: ['variants', i, 'subject'] });
      if (v.channel === 'whatsapp' && !v.whatsappTemplate)
        ctx.addIssue({ code: 'custom', message: 'a WhatsApp marketing variant needs an approved template', path: ['variants', i, 'whatsappTemplate'] });
    });
  });
export type Creative = z.infer<typeof Creative>;

export const CampaignCreate = z
  .object({ name: z.string().trim().min(1).max(200), brief: Brief, strategy: z.string().trim().max(10_000).optional(), creative: Creative.optional() })
  .strict();
export const CampaignEdit = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    brief: Brief.optional(),
    strategy: z.string().trim().max(10_000).optional(),
    creative: Creative.optional(),
    /** The version the editor saw; a stale one is a 409 rather than a silent overwrite. */
    expectedVersion: z.number().int().positive().optional(),
  })
  .strict()
  .refine((e) => e.name !== undefined || e.brief !== undefined || e.strategy !== undefined || e.creative !== undefined, {
    message: 'change at least one of name, brief, strategy, creative',
  });
export const CommentInput = z.object({ text: z.string().trim().min(1).max(5000) }).strict();
export const RejectInput = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
export const LaunchInput = z.object({ at: z.iso.datetime({ offset: true }).optional() }).strict();

export interface CampaignComment {
  id: string;
  at: string;
  by: string;
  text: string;
}

export interface Campaign {
  id: string;
  tenantId: string;
  name: string;
  status: CampaignStatus;
  version: number;
  brief: Brief;
  strategy?: string;
  creative?: Creative;
  comments: CampaignComment[];
  /** Files that go with the campaign (a catalogue, a voucher): uploaded straight to storage, checked at submission. */
  attachments?: CampaignAttachment[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  submittedBy?: string;
  approval?: { by: string; at: string; version: number };
  rejection?: { by: string; at: string; reason: string };
  /** Set at launch. */
  run?: { scheduledAt: string; launchedBy: string; executionId?: string; cancelledBy?: string; completedAt?: string; stopReason?: string };
}

/** Content types a campaign may carry, and the largest file (SES takes at most 40 MB a message, all included). */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'text/plain', 'text/csv'] as const;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

export const AttachmentInput = z
  .object({
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .regex(/^[\p{L}\p{N} ._()-]+$/u, 'letters, digits, spaces and . _ ( ) - only'),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: z.number().int().positive().max(MAX_ATTACHMENT_BYTES, `at most ${MAX_ATTACHMENT_BYTES} bytes (10 MiB)`),
  })
  .strict();

export interface CampaignAttachment {
  id: string;
  fileName: string;
  contentType: (typeof ATTACHMENT_TYPES)[number];
  size: number;
  /** Where the file lives in the tenant's storage: `<tenant>/<campaign>/<attachment>/<file name>`. */
  key: string;
  addedBy: string;
  addedAt: string;
}

/** One entry of the history: who did what, which fields changed, and the document as it then was. */
export interface CampaignVersion {
  version: number;
  at: string;
  by: string;
  action: string;
  changed: string[];
  status: CampaignStatus;
  snapshot: Omit<Campaign, 'tenantId'>;
}

// ---- the lifecycle ----

export type CampaignAction = 'edit' | 'comment' | 'submit' | 'approve' | 'reject' | 'launch' | 'start' | 'cancel' | 'complete' | 'measure';

/** Which statuses each action may start from, and where it leads (`undefined`: stays; edits: see `afterEdit`). */
const TRANSITIONS: Record<CampaignAction, { from: readonly CampaignStatus[]; to?: CampaignStatus }> = {
  edit: { from: ['draft', 'submitted', 'approved', 'rejected'] },
  comment: { from: CAMPAIGN_STATUSES },
  submit: { from: ['draft', 'rejected'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  launch: { from: ['approved'], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'running' },
  cancel: { from: ['scheduled', 'running'], to: 'cancelled' },
  complete: { from: ['running', 'scheduled'], to: 'completed' },
  measure: { from: ['completed', 'cancelled'], to: 'measured' },
};

/** The status after the action, or a 409 naming the current status and what would be allowed. */
export function transition(current: CampaignStatus, action: CampaignAction): CampaignStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw new Conflict(`Cannot ${action} a campaign that is ${current} (allowed from: ${rule.from.join(', ')})`, { status: current, action });
  }
  if (action === 'edit') return current === 'rejected' ? 'rejected' : 'draft';
  return rule.to ?? current;
}

export function canTransition(current: CampaignStatus, action: CampaignAction): boolean {
  return TRANSITIONS[action].from.includes(current);
}

/** What a launch needs beyond the status: creative for every channel of the brief. */
export function missingForLaunch(c: Pick<Campaign, 'brief' | 'creative'>): string[] {
  const channels = new Set((c.creative?.variants ?? []).map((v) => v.channel));
  return c.brief.channels.filter((ch) => !channels.has(ch)).map((ch) => `creative for channel ${ch}`);
}
