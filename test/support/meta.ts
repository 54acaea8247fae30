/**
 * Meta webhook payloads in the platforms' own structures (test/fixtures/webhook-samples: meta-*, instagram-*,
 * whatsapp-*), for unit and integration tests. Every builder makes fresh ids unless told otherwise.
 */
import { MetaDelivery } from '../../domain/social/ingest/meta.js';
import { canMoveTo, type DeliveryError, type DeliveryStatus, type MessageStore, type NewOutboundMessage, type OutboundMessage } from '../../domain/social/messages.js';
import { postMeta } from './webhooks.js';

let sequence = 0;
/** A fresh numeric-looking id (Meta's ids are digit strings). */
export function freshId(prefix = '7'): string {
  sequence += 1;
  return `${prefix}${Date.now()}${String(sequence).padStart(4, '0')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function delivery(object: string, entries: unknown[]): string {
  return JSON.stringify({ object, entry: entries });
}

export function changesEntry(id: string, changes: unknown[], time = nowSeconds()) {
  return { id, time, changes };
}

export function messagingEntry(id: string, messaging: unknown[], time = Date.now()) {
  return { id, time, messaging };
}

/** Parsed as the webhook parses it, for unit tests. */
export function parsed(body: string): MetaDelivery {
  return MetaDelivery.parse(JSON.parse(body));
}

// ---- Facebook Page ----

type FeedOptions = {
  pageId: string;
  fromId?: string;
  fromName?: string;
  verb?: string;
  message?: string;
  postId?: string;
  commentId?: string;
  createdTime?: number;
};

/** A `feed` comment change (meta-page-feed-comment.restfb.json; edited/remove as in the Graph reference). */
export function pageComment(o: FeedOptions) {
  const postId = o.postId ?? `${o.pageId}_${freshId('9')}`;
  return {
    field: 'feed',
    value: {
      item: 'comment',
      verb: o.verb ?? 'add',
      comment_id: o.commentId ?? `${postId.split('_')[1]}_${freshId('9')}`,
      post_id: postId,
      parent_id: postId,
      ...(o.fromId !== undefined && { from: { id: o.fromId, ...(o.fromName !== undefined && { name: o.fromName }) } }),
      created_time: o.createdTime ?? nowSeconds(),
      ...(o.message !== undefined && { message: o.message }),
    },
  };
}

/** A visitor's post on the page's feed (`item: post|status|photo|video`). */
export function pagePost(o: FeedOptions & { item?: string }) {
  return {
    field: 'feed',
    value: {
      item: o.item ?? 'status',
      verb: o.verb ?? 'add',
      post_id: o.postId ?? `${o.pageId}_${freshId('9')}`,
      ...(o.fromId !== undefined && { from: { id: o.fromId, ...(o.fromName !== undefined && { name: o.fromName }) } }),
      created_time: o.createdTime ?? nowSeconds(),
      ...(o.message !== undefined && { message: o.message }),
    },
  };
}

/** A reaction to a post or comment (`item: reaction`, `reaction_type`). */
export function pageReaction(o: FeedOptions & { reaction?: string }) {
  return {
    field: 'feed',
    value: {
      item: 'reaction',
      verb: o.verb ?? 'add',
      reaction_type: o.reaction ?? 'love',
      post_id: o.postId ?? `${o.pageId}_${freshId('9')}`,
      ...(o.commentId !== undefined && { comment_id: o.commentId }),
      ...(o.fromId !== undefined && { from: { id: o.fromId, ...(o.fromName !== undefined && { name: o.fromName }) } }),
      created_time: o.createdTime ?? nowSeconds(),
    },
  };
}

/** A Messenger message event (meta-messenger-message-text.official-docs.json). */
export function messengerMessage(o: { pageId: string; senderId: string; text?: string; mid?: string; isEcho?: boolean; timestamp?: number; attachments?: unknown[] }) {
  return {
    sender: { id: o.isEcho ? o.pageId : o.senderId },
    recipient: { id: o.isEcho ? o.senderId : o.pageId },
    timestamp: o.timestamp ?? Date.now(),
    message: {
      mid: o.mid ?? `mid.${Date.now()}:${freshId('a')}`,
      ...(o.text !== undefined && { text: o.text }),
      ...(o.attachments && { attachments: o.attachments }),
      ...(o.isEcho && { is_echo: true, app_id: 1517776481860111 }),
    },
  };
}

// ---- Instagram ----

/** A `comments` change (instagram-comment.restfb.json). */
export function igComment(o: { fromId: string; username?: string; text?: string; id?: string; mediaId?: string }) {
  return {
    field: 'comments',
    value: {
      from: { id: o.fromId, username: o.username ?? 'someone' },
      media: { id: o.mediaId ?? freshId('18'), media_product_type: 'FEED' },
      id: o.id ?? freshId('17'),
      ...(o.text !== undefined && { text: o.text }),
    },
  };
}

/** An Instagram DM (instagram-dm-message.official-docs-template.jsonc, placeholders filled). */
export function igMessage(o: { accountId: string; senderId: string; text?: string; mid?: string; isEcho?: boolean; isDeleted?: boolean }) {
  return {
    sender: { id: o.isEcho ? o.accountId : o.senderId },
    recipient: { id: o.isEcho ? o.senderId : o.accountId },
    timestamp: Date.now(),
    message: {
      mid: o.mid ?? `aWdfZAG1faXRlbToxOklH${freshId('M')}`,
      ...(o.text !== undefined && { text: o.text }),
      ...(o.isEcho && { is_echo: true }),
      ...(o.isDeleted && { is_deleted: true }),
    },
  };
}

// ---- WhatsApp ----

export function whatsappChange(phoneNumberId: string, value: { contacts?: unknown[]; messages?: unknown[]; statuses?: unknown[] }) {
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value },
  };
}

/** An inbound message with its contact (whatsapp-message-text.json). */
export function whatsappText(o: { phoneNumberId: string; waId: string; name?: string; body: string; id?: string; timestamp?: number }) {
  return whatsappChange(o.phoneNumberId, {
    contacts: [{ profile: { name: o.name ?? 'Sheena Nelson' }, wa_id: o.waId }],
    messages: [
      { from: o.waId, id: o.id ?? `wamid.${freshId('HBg')}=`, timestamp: String(o.timestamp ?? nowSeconds()), type: 'text', text: { body: o.body } },
    ],
  });
}

/** A status of a message the business sent (whatsapp-status-sent.json). */
export function whatsappStatus(o: { id: string; status: string; timestamp?: number; recipientId?: string; errors?: unknown[] }) {
  return {
    id: o.id,
    status: o.status,
    timestamp: String(o.timestamp ?? nowSeconds()),
    recipient_id: o.recipientId ?? '16505551234',
    ...(o.errors && { errors: o.errors }),
  };
}

export function wabaDelivery(changes: unknown[], wabaId = '102290129340398') {
  return delivery('whatsapp_business_account', [{ id: wabaId, changes }]);
}

/** POSTs a signed delivery and answers status and JSON body. */
export async function sendMeta(url: string, tenant: { tenantId: string; secrets: { meta: { appSecret: string } } }, body: string) {
  const res = await postMeta(url, tenant.tenantId, tenant.secrets.meta.appSecret, body);
  return { status: res.status, body: (await res.json()) as any };
}

// ---- fakes ----

/** In-memory MessageStore with the same forward-only rule as the DynamoDB one. */
export class FakeMessages implements MessageStore {
  readonly stored = new Map<string, OutboundMessage>();
  private key = (tenantId: string, channel: string, id: string) => `${tenantId}|${channel}|${id}`;
  async createOutboundMessage(m: NewOutboundMessage) {
    const key = this.key(m.tenantId, m.channel, m.providerMessageId);
    if (this.stored.has(key)) return { created: false };
    this.stored.set(key, { ...m, status: 'accepted', statusTimes: {}, updatedAt: m.createdAt });
    return { created: true };
  }
  async get(tenantId: string, channel: OutboundMessage['channel'], id: string) {
    return this.stored.get(this.key(tenantId, channel, id));
  }
  async recordDeliveryStatus(tenantId: string, channel: OutboundMessage['channel'], id: string, status: DeliveryStatus, at: string, error?: DeliveryError) {
    const message = this.stored.get(this.key(tenantId, channel, id));
    if (!message) return 'unknown' as const;
    if (!canMoveTo(message.status, status)) return 'unchanged' as const;
    this.stored.set(this.key(tenantId, channel, id), { ...message, status, statusTimes: { ...message.statusTimes, [status]: at }, ...(error && { error }) });
    return 'advanced' as const;
  }
}
