/**
 * Meta webhooks (Facebook Pages and Messenger, Instagram, WhatsApp Cloud API) on one endpoint: the
 * delivery's envelope, which network reads which entry, and what a delivery does once read.
 * Facts: shared/WEBHOOKS.md. Per network: meta-facebook.ts, meta-instagram.ts, meta-whatsapp.ts.
 */
import { z } from 'zod';
import { amendInteraction, recordSocialInteractions, type RecordContext, type RecordInteractionPorts, type SocialSignal } from '../interactions.js';
import { applyDeliveryReports, type DeliveryReport, type DeliveryTally, type MessageStore } from '../messages.js';
import { MetaCollector, MetaId, type MetaAccounts, type MetaAmendment, type MetaContext, type SkipReason } from './meta-common.js';
import { extractPageEntry } from './meta-facebook.js';
import { extractInstagramEntry } from './meta-instagram.js';
import { extractWhatsAppEntry } from './meta-whatsapp.js';

export { MetaId, type MetaAccounts, type SkipReason } from './meta-common.js';

const Change = z.object({ field: z.string(), value: z.unknown() });
const Entry = z.object({
  id: MetaId,
  time: z.number().optional(),
  changes: z.array(Change).optional(),
  messaging: z.array(z.unknown()).optional(),
  standby: z.array(z.unknown()).optional(),
});
export const MetaDelivery = z.object({ object: z.string(), entry: z.array(Entry) });
export type MetaDelivery = z.infer<typeof MetaDelivery>;

export interface MetaExtraction {
  /** New interactions (each platform id once). */
  signals: SocialSignal[];
  /** Edits and removals of interactions stored before, in delivery order. */
  amendments: MetaAmendment[];
  /** Delivery reports of messages the brand sent. */
  reports: DeliveryReport[];
  /** Changes acknowledged without an effect, by reason (for the response and metrics). */
  skipped: Partial<Record<SkipReason, number>>;
}

const EXTRACTORS: Record<string, typeof extractPageEntry> = {
  page: extractPageEntry,
  instagram: extractInstagramEntry,
  whatsapp_business_account: extractWhatsAppEntry,
};

/**
 * Reads a verified delivery. Every recognised change is validated before any effect is returned, so a
 * malformed one fails the whole delivery (InvalidInput → 400) with nothing written. Only the tenant's
 * connected accounts count; what the brand's own accounts do is not a customer interaction.
 */
export function extractMetaDelivery(delivery: MetaDelivery, ctx: MetaContext): MetaExtraction {
  const out = new MetaCollector();
  const extract = EXTRACTORS[delivery.object];
  delivery.entry.forEach((entry, index) => {
    if (extract) return extract(entry, index, ctx, out);
    const count = (entry.changes?.length ?? 0) + (entry.messaging?.length ?? 0) || 1;
    for (let n = 0; n < count; n++) out.skip(`unsupported:${delivery.object}`);
  });
  return { signals: out.signals, amendments: out.amendments, reports: out.reports, skipped: out.skipped };
}

/** Page feed only, for callers that know just the tenant's page ids (the bench). */
export function extractMetaSignals(delivery: MetaDelivery, pageIds: readonly string[]) {
  const { signals, skipped } = extractMetaDelivery(delivery, {
    accounts: { facebook: pageIds, instagram: [], whatsapp: [] },
    receivedAt: new Date().toISOString(),
  });
  return { signals, skipped };
}

export interface MetaIngestPorts extends RecordInteractionPorts {
  messages: MessageStore;
}

/** What the webhook answers: the first three always, the others only when not zero. */
export interface MetaReceipt {
  received: number;
  recorded: number;
  duplicates: number;
  /** Edits and removals applied to stored interactions. */
  amended?: number;
  /** Edits and removals of something never stored here. */
  amendedUnknown?: number;
  /** WhatsApp delivery reports: moved forward, repeated or older, or about a message we do not know. */
  statuses?: DeliveryTally;
  /** Events for accounts the tenant has not connected. */
  ignored?: number;
  /** Events whose payload does not name the person (Instagram mentions, ...). */
  unattributed?: number;
  /** Kinds of event this endpoint does not handle. */
  unsupported?: number;
}

/**
 * What a read delivery does.
 * 1. record the new interactions (customer resolution, dedupe, InteractionRecorded);
 * 2. apply the edits and removals, in order, after the adds of the same delivery;
 * 3. move the delivery state of the brand's outbound messages forward.
 */
export async function ingestMetaDelivery(ports: MetaIngestPorts, ctx: RecordContext, extraction: MetaExtraction): Promise<MetaReceipt> {
  const results = await recordSocialInteractions(ports, ctx, extraction.signals);
  let amended = 0;
  for (const { channel, externalId, amendment } of extraction.amendments) {
    if (await amendInteraction(ports, ctx.tenantId, { channel, externalId }, amendment)) amended += 1;
  }
  const statuses = extraction.reports.length > 0 ? await applyDeliveryReports(ports.messages, ctx.tenantId, extraction.reports) : undefined;

  const skipped = extraction.skipped;
  const repeated = skipped.repeated ?? 0;
  const unsupported = Object.entries(skipped)
    .filter(([reason]) => reason.startsWith('unsupported:'))
    .reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const recorded = results.filter((r) => r.outcome !== 'duplicate').length;
  const nonZero = (key: keyof MetaReceipt, n: number) => (n > 0 ? { [key]: n } : {});
  return {
    received: extraction.signals.length + repeated,
    recorded,
    duplicates: results.length - recorded + repeated,
    ...nonZero('amended', amended),
    ...nonZero('amendedUnknown', extraction.amendments.length - amended),
    ...(statuses && { statuses }),
    ...nonZero('ignored', skipped['account-not-connected'] ?? 0),
    ...nonZero('unattributed', skipped.unattributed ?? 0),
    ...nonZero('unsupported', unsupported),
  };
}
