/**
 * Names that several contexts spell: declared once here, imported by the domain, the events and the API
 * schemas alike.
 */

/** RFM classes (domain/knowledge/rfm.ts assigns them; segment rules and the API name them). */
export const RFM_CLASSES = ['champions', 'loyal', 'new', 'potential_loyalist', 'needs_attention', 'at_risk', 'hibernating'] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];

/** What a person says a message is about (domain/social/text-analysis.ts decides it; newsroom, service and segments filter on it). */
export const INTENTS = ['complaint', 'question', 'praise', 'purchase_intent', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * What a consent is for: `marketing` per channel; `social_profiling` covers all of a person's social behaviour;
 * `loyalty` records the program terms a member accepted by joining (the basis for counting their actions).
 */
export const CONSENT_PURPOSES = ['marketing', 'social_profiling', 'loyalty'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Channels a marketing consent is given for. */
export const CONSENT_CHANNELS = ['email', 'sms', 'whatsapp', 'facebook', 'instagram', 'x'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** The scope of a purpose that covers every channel (social_profiling, loyalty). */
export const EVERY_CHANNEL = 'all';

export const CONSENT_STATUSES = ['granted', 'withdrawn', 'pending'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** Where a customer is reached or heard: the social networks, the stores, the brand's own site, e-mail and SMS. */
export const CHANNELS = [
  'facebook',
  'instagram',
  'whatsapp',
  'x',
  'youtube',
  'shopify',
  'woocommerce',
  'web',
  'email',
  'sms',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a person did on a channel. */
export const INTERACTION_KINDS = [
  'comment',
  'mention',
  'like',
  'follow',
  'share',
  'dm',
  'review',
  'survey',
  'quiz',
  'video_view',
  'content',
  // loyalty actions reported by the brand's own site or app (generic events endpoint)
  'newsletter_signup',
  'game',
  'referral',
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** The customer's lifecycle stage (domain/knowledge/lifecycle.ts decides it). */
export const STAGES = ['prospect', 'lead', 'customer', 'repeat', 'loyal', 'advocate'] as const;
export type Stage = (typeof STAGES)[number];

/** An order's status as the stores report it, normalised. */
export const ORDER_STATUSES = ['pending', 'paid', 'partially_refunded', 'refunded', 'cancelled', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
