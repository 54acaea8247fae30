/**
 * WhatsApp Cloud API webhooks (`object: 'whatsapp_business_account'`, field `messages`): inbound
 * messages become DMs of the sender, whose WhatsApp id is a phone number (so it is also linked as a
 * `phone` identity, joining a customer a shop already knows by that phone); `statuses[]` report the
 * delivery of messages the brand sent. Structures: test/fixtures/webhook-samples/whatsapp-*.
 */
import { z } from 'zod';
import type { IdentityInput } from '../../customers/identity.js';
import type { SocialSignal } from '../interactions.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../messages.js';
import { isoFromSeconds, MetaId, parseChange, textOrUndefined, UnixSeconds, type MetaCollector, type MetaContext, type MetaEntry } from './meta-common.js';

const Contact = z.object({
  wa_id: MetaId.optional(),
  /** Business-scoped user id (BSUID), sent alongside or instead of the phone number. */
  user_id: z.string().min(1).optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
type Contact = z.infer<typeof Contact>;

const Value = z.object({
  metadata: z.object({ display_phone_number: MetaId.optional(), phone_number_id: MetaId }),
  contacts: z.array(Contact).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

const Media = z.object({ id: MetaId.optional(), caption: z.string().optional() });
const Reply = z.object({ id: z.string().optional(), title: z.string() });

/** Message types that are a person writing to the brand; the rest (reactions, orders, system...) are acknowledged. */
const DM_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'button', 'interactive'] as const;
type DmType = (typeof DM_TYPES)[number];

const MessageHead = z.object({ type: z.string().min(1) });

const InboundMessage = z
  .object({
    id: z.string().min(1),
    from: MetaId.optional(),
    from_user_id: z.string().min(1).optional(),
    timestamp: UnixSeconds,
    type: z.enum(DM_TYPES),
    text: z.object({ body: z.string() }).optional(),
    image: Media.optional(),
    audio: Media.optional(),
    video: Media.optional(),
    document: Media.optional(),
    sticker: Media.optional(),
    location: z.object({ latitude: z.number(), longitude: z.number() }).passthrough().optional(),
    button: z.object({ text: z.string() }).passthrough().optional(),
    interactive: z.object({ button_reply: Reply.optional(), list_reply: Reply.optional() }).passthrough().optional(),
    context: z.object({ id: z.string().optional() }).passthrough().optional(),
  })
  .superRefine((m, issues) => {
    if (m.from === undefined && m.from_user_id === undefined) {
      issues.addIssue({ code: 'custom', path: ['from'], message: 'a message names its sender in from or from_user_id' });
    }
    if (m[m.type] === undefined) issues.addIssue({ code: 'custom', path: [m.type], message: `a ${m.type} message carries its ${m.type} object` });
  });
type InboundMessage = z.infer<typeof InboundMessage>;

const Status = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: UnixSeconds,
  errors: z.array(z.object({ code: z.union([z.number(), z.string()]), title: z.string().optional() }).passthrough()).optional(),
});

/** What the person wrote: the text, a caption, or the label of the button or list item they chose. */
function textOf(m: InboundMessage): string | undefined {
  switch (m.type as DmType) {
    case 'text':
      return m.text?.body;
    case 'image':
    case 'video':
    case 'document':
      return m[m.type as 'image' | 'video' | 'document']?.caption;
    case 'button':
      return m.button?.text;
    case 'interactive':
      return (m.interactive?.button_reply ?? m.interactive?.list_reply)?.title;
    default:
      return undefined; // audio, sticker, location: no words
  }
}

const E164_DIGITS = /^[1-9]\d{7,14}$/;

/**
 * The sender: the WhatsApp id (a phone number) is primary, and is also linked as the `phone` identity in
 * E.164; a business-scoped user id is linked too, or is the primary when the phone number is withheld.
 */
function senderOf(m: InboundMessage, contacts: Contact[]): SocialSignal['author'] | undefined {
  const contact =
    contacts.find((c) => (m.from !== undefined && c.wa_id === m.from) || (m.from_user_id !== undefined && c.user_id === m.from_user_id)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const waId = m.from ?? contact?.wa_id;
  const bsuid = m.from_user_id ?? contact?.user_id;
  const primary = waId ?? bsuid;
  if (primary === undefined) return undefined;
  const links: IdentityInput[] = [];
  if (waId !== undefined && E164_DIGITS.test(waId)) links.push({ channel: 'phone', externalId: `+${waId}` });
  if (waId !== undefined && bsuid !== undefined) links.push({ channel: 'whatsapp', externalId: bsuid });
  const name = contact?.profile?.name;
  const handle = contact?.profile?.username;
  return {
    externalId: primary,
    ...(name !== undefined && { name }),
    ...(handle !== undefined && { handle }),
    ...(links.length > 0 && { links }),
  };
}

export function extractWhatsAppEntry(entry: MetaEntry, entryIndex: number, ctx: MetaContext, out: MetaCollector): void {
  (entry.changes ?? []).forEach((change, changeIndex) => {
    const where = `entry[${entryIndex}].changes[${changeIndex}].value`;
    // coexistence echoes: what the business itself sent from the WhatsApp Business app
    if (change.field === 'smb_message_echoes') return out.skip('own-account');
    if (change.field !== 'messages') return out.skip(`unsupported:whatsapp_business_account/${change.field}`);
    const value = parseChange(Value, change.value, where, 'WhatsApp messages value');
    const phoneNumberId = value.metadata.phone_number_id;
    const connected = ctx.accounts.whatsapp.includes(phoneNumberId);

    // 1. validate every message and status of the change before using any
    const messages = (value.messages ?? []).map((raw, i) => {
      const at = `${where}.messages[${i}]`;
      const { type } = parseChange(MessageHead, raw, at, 'WhatsApp message');
      return (DM_TYPES as readonly string[]).includes(type) ? parseChange(InboundMessage, raw, at, `WhatsApp ${type} message`) : type;
    });
    const statuses = (value.statuses ?? []).map((raw, i) => parseChange(Status, raw, `${where}.statuses[${i}]`, 'WhatsApp status'));
    (value.errors ?? []).forEach(() => out.skip('unsupported:whatsapp_business_account/messages/errors'));

    // 2. only the tenant's own phone numbers count
    if (!connected) {
      for (let n = 0; n < messages.length + statuses.length; n++) out.skip('account-not-connected');
      return;
    }

    // 3. inbound messages → DMs
    for (const message of messages) {
      if (typeof message === 'string') {
        out.skip(`unsupported:whatsapp_business_account/messages/${message}`);
        continue;
      }
      if (message.from !== undefined && message.from === value.metadata.display_phone_number) {
        out.skip('own-account');
        continue;
      }
      const author = senderOf(message, value.contacts ?? []);
      if (!author) {
        out.skip('unattributed');
        continue;
      }
      out.signal({
        channel: 'whatsapp',
        kind: 'dm',
        externalId: message.id,
        accountId: phoneNumberId,
        author,
        ...textOrUndefined(textOf(message)),
        ...(message.context?.id !== undefined && { parentId: message.context.id }),
        occurredAt: isoFromSeconds(message.timestamp),
      });
    }

    // 4. delivery reports of what the brand sent
    for (const status of statuses) {
      if (!(DELIVERY_STATUSES as readonly string[]).includes(status.status)) {
        out.skip(`unsupported:whatsapp_business_account/statuses/${status.status}`);
        continue;
      }
      const first = status.errors?.[0];
      out.report({
        channel: 'whatsapp',
        providerMessageId: status.id,
        status: status.status as DeliveryStatus,
        at: isoFromSeconds(status.timestamp),
        ...(status.status === 'failed' && first && { error: { code: String(first.code), ...(first.title !== undefined && { title: first.title }) } }),
      });
    }
  });
}
