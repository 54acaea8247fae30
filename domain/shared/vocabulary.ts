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
