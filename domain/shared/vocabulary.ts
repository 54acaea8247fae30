/**
 * Names that several contexts spell: declared once here, imported by the domain, the events and the API
 * schemas alike.
 */

/** RFM classes (domain/knowledge/rfm.ts assigns them; segment rules and the API name them). */
export const RFM_CLASSES = ['champions', 'loyal', 'new', 'potential_loyalist', 'needs_attention', 'at_risk', 'hibernating'] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];
