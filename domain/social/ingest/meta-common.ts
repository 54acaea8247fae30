/**
 * What every Meta network shares: id and time formats, the collector that gathers a delivery's effects
 * before anything is written, and the Messenger-format `messaging[]` events (Facebook Messenger and
 * Instagram DMs use the same structure).
 */
import { z } from 'zod';
import type { Channel } from '../../shared/vocabulary.js';
import { InvalidInput } from '../../shared/errors.js';
import type { Amendment, SocialSignal } from '../interactions.js';
import type { DeliveryReport } from '../messages.js';

/** Meta sends ids as strings; some fixtures carry numbers. Keep strings exactly; refuse unsafe numbers. */
export const MetaId = z.union([
  z.string().min(1),
  z
    .number()
    .int()
    .refine(Number.isSafeInteger, 'an id beyond 2^53 must be sent as a string')
    .transform(String),
]);

/** Unix time in seconds, as a number or (WhatsApp) a numeric string. */
export const UnixSeconds = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,11}$/).transform(Number)])
  .refine((s) => s < 1e11, 'a Unix time in seconds');

/** Messenger timestamps are milliseconds. */
export const UnixMillis = z.number().int().nonnegative().refine((ms) => ms < 1e14, 'a Unix time in milliseconds');

export const isoFromSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();
export const isoFromMillis = (ms: number) => new Date(ms).toISOString();

/** `entry.time` is seconds for `changes` and milliseconds for `messaging`. */
export function isoFromEntryTime(time: number | undefined): string | undefined {
  if (time === undefined || !Number.isFinite(time) || time < 0 || time >= 1e14) return undefined;
  return new Date(time < 1e11 ? time * 1000 : time).toISOString();
}

export interface MetaAccounts {
  /** Page ids */
  facebook: readonly string[];
  /** Instagram professional account ids */
  instagram: readonly string[];
  /** WhatsApp phone number ids */
  whatsapp: readonly string[];
}

export interface MetaContext {
  accounts: MetaAccounts;
  /** Used when the payload carries no time of its own. */
  receivedAt: string;
}

/** An entry of a delivery, once its id has been read as a string. */
export interface MetaEntry {
  id: string;
  time?: number | undefined;
  changes?: { field: string; value?: unknown }[] | undefined;
  messaging?: unknown[] | undefined;
  standby?: unknown[] | undefined;
}

/** An edit or removal reported for something stored before. */
export interface MetaAmendment {
  channel: Channel;
  externalId: string;
  amendment: Amendment;
}

/** Why a change was acknowledged without an effect. `unsupported:<object>/<field>/...` for unknown kinds. */
export type SkipReason = 'own-account' | 'account-not-connected' | 'unattributed' | 'repeated' | 'edit-without-text' | `unsupported:${string}`;

/** Gathers a delivery's effects; nothing is written until every change has been read. */
export class MetaCollector {
  readonly signals: SocialSignal[] = [];
  readonly amendments: MetaAmendment[] = [];
  readonly reports: DeliveryReport[] = [];
  readonly skipped: Partial<Record<SkipReason, number>> = {};
  private readonly seen = new Set<string>();

  /** A new interaction; the same platform id twice in one delivery counts once. */
  signal(signal: SocialSignal): void {
    const key = `${signal.channel}|${signal.externalId}`;
    if (this.seen.has(key)) return this.skip('repeated');
    this.seen.add(key);
    this.signals.push(signal);
  }

  amend(amendment: MetaAmendment): void {
    this.amendments.push(amendment);
  }

  /** A delivery report (a repeat is harmless: the message state only moves forward). */
  report(report: DeliveryReport): void {
    this.reports.push(report);
  }

  skip(reason: SkipReason): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }
}

/** Parses one recognised change; a malformed one fails the whole delivery with the path of the problem. */
export function parseChange<S extends z.ZodType>(schema: S, value: unknown, where: string, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(`${where} is not a valid ${what}`, {
    issues: parsed.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  });
}

/** The person behind a Graph change: `from` (current versions) or `sender_id`/`sender_name` (older ones). */
export const GraphFrom = z.object({ id: MetaId, name: z.string().optional() });

export const EDIT_VERBS = new Set(['edited', 'edit']);
export const REMOVE_VERBS = new Set(['remove', 'delete']);

export function textOrUndefined(text: string | undefined): { text: string } | Record<string, never> {
  return text !== undefined && text.length > 0 ? { text } : {};
}

// ---- Messenger-format events (Facebook Messenger, Instagram Messaging) ----

const Participant = z.object({ id: MetaId });

const MessageEvent = z.object({
  sender: Participant,
  recipient: Participant,
  timestamp: UnixMillis,
  message: z.object({
    mid: z.string().min(1),
    text: z.string().optional(),
    attachments: z.array(z.object({ type: z.string() }).passthrough()).optional(),
    is_echo: z.boolean().optional(),
    is_deleted: z.boolean().optional(),
    reply_to: z.object({ mid: z.string().min(1).optional() }).passthrough().optional(),
  }),
});

const MessageEditEvent = z.object({
  sender: Participant,
  recipient: Participant,
  timestamp: UnixMillis,
  message_edit: z.object({ mid: z.string().min(1), text: z.string() }),
});

const ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);

/**
 * `messaging[]` of one entry: messages become DMs (deduped on `mid`), edits and deletions amend them.
 * Echoes (`is_echo`) are the brand's own account writing, never a customer. Receipts, reactions,
 * postbacks and the rest are acknowledged as unsupported.
 */
export function extractMessaging(
  channel: 'facebook' | 'instagram',
  object: string,
  entry: MetaEntry,
  entryIndex: number,
  ownAccounts: readonly string[],
  out: MetaCollector,
): void {
  const connected = ownAccounts.includes(entry.id);
  (entry.messaging ?? []).forEach((raw, i) => {
    const where = `entry[${entryIndex}].messaging[${i}]`;
    const event = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    if ('message' in event) {
      const { sender, timestamp, message } = parseChange(MessageEvent, raw, where, 'message event');
      if (!connected) return out.skip('account-not-connected');
      if (message.is_echo || ownAccounts.includes(sender.id)) return out.skip('own-account');
      const at = isoFromMillis(timestamp);
      if (message.is_deleted) return out.amend({ channel, externalId: message.mid, amendment: { kind: 'remove', at } });
      return out.signal({
        channel,
        kind: 'dm',
        externalId: message.mid,
        accountId: entry.id,
        author: { externalId: sender.id },
        ...textOrUndefined(message.text),
        ...(message.reply_to?.mid !== undefined && { parentId: message.reply_to.mid }),
        occurredAt: at,
      });
    }
    if ('message_edit' in event) {
      const { sender, timestamp, message_edit: edit } = parseChange(MessageEditEvent, raw, where, 'message edit');
      if (!connected) return out.skip('account-not-connected');
      if (ownAccounts.includes(sender.id)) return out.skip('own-account');
      return out.amend({ channel, externalId: edit.mid, amendment: { kind: 'edit', text: edit.text, at: isoFromMillis(timestamp) } });
    }
    const kind = Object.keys(event).find((key) => !ENVELOPE_KEYS.has(key)) ?? '-';
    out.skip(`unsupported:${object}/messaging/${kind}`);
  });
  (entry.standby ?? []).forEach(() => out.skip(`unsupported:${object}/standby`));
}
