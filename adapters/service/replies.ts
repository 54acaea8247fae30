/**
 * Agents' replies, out through the channel the customer used.
 * - Locally: one JSON file per reply in the messaging outbox folder (`<dataDir>/outbox/`), like every other message.
 * - In AWS: the networks' own APIs, with the tenant's access tokens from its secret (`accessTokens` in the tenant
 *   document: `{ facebook, instagram, whatsapp, x }`):
 *   Facebook comment → Graph `POST /{comment-id}/comments`; Instagram comment → `POST /{ig-comment-id}/replies`;
 *   Messenger / Instagram DM → Send API `POST /{page-or-ig-id}/messages` with `recipient.id`;
 *   WhatsApp → Cloud API `POST /{phone-number-id}/messages` (type text);
 *   X reply → `POST /2/tweets` with `reply.in_reply_to_tweet_id`; X DM → `POST /2/dm_conversations/with/{id}/messages`.
 * A 429 or 5xx is transient (retried by sendWithRetry-like backoff here), any other refusal is permanent; either way
 * a reply that did not reach the channel is recorded as failed and stops no SLA clock.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageSender } from '../messaging/index.js';
import { OutboxMessageSender } from '../messaging/outbox.js';
import { PermanentSendError, TransientSendError } from '../../domain/shared/messaging.js';
import type { ReplyPort } from '../../domain/service/tickets.js';
import { secretStore, isWritableSecretStore } from '../shared/secrets.js';
import { outboxStamp } from '../shared/email.js';

type Reply = Parameters<ReplyPort['send']>[0];

export const GRAPH_API = 'https://graph.facebook.com/v21.0';
export const X_API = 'https://api.x.com/2';

/** The HTTP request that delivers a reply on its network (pure: tested without a network). */
export function replyRequest(reply: Reply, token: string): { url: string; body: unknown; headers: Record<string, string> } {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  switch (reply.channel) {
    case 'facebook':
      return reply.kind === 'comment'
        ? { url: `${GRAPH_API}/${encodeURIComponent(reply.target)}/comments`, body: { message: reply.text }, headers }
        : { url: `${GRAPH_API}/${encodeURIComponent(reply.accountId ?? 'me')}/messages`, body: { recipient: { id: reply.target }, messaging_type: 'RESPONSE', message: { text: reply.text } }, headers };
    case 'instagram':
      return reply.kind === 'comment'
        ? { url: `${GRAPH_API}/${encodeURIComponent(reply.target)}/replies`, body: { message: reply.text }, headers }
        : { url: `${GRAPH_API}/${encodeURIComponent(reply.accountId ?? 'me')}/messages`, body: { recipient: { id: reply.target }, message: { text: reply.text } }, headers };
    case 'whatsapp':
      return {
        url: `${GRAPH_API}/${encodeURIComponent(reply.accountId ?? '')}/messages`,
        body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: reply.target, type: 'text', text: { body: reply.text } },
        headers,
      };
    case 'x':
      return reply.kind === 'comment'
        ? { url: `${X_API}/tweets`, body: { text: reply.text, reply: { in_reply_to_tweet_id: reply.target } }, headers }
        : { url: `${X_API}/dm_conversations/with/${encodeURIComponent(reply.target)}/messages`, body: { text: reply.text }, headers };
    default:
      throw new PermanentSendError(`No reply port for channel ${reply.channel}`, 'unsupported_channel');
  }
}

/** The provider's id of what it created, from its answer. */
function providerIdOf(body: Record<string, unknown>): string {
  const messages = body.messages as { id?: string }[] | undefined;
  const data = body.data as { id?: string; dm_event_id?: string } | undefined;
  return String(body.id ?? body.message_id ?? messages?.[0]?.id ?? data?.id ?? data?.dm_event_id ?? randomUUID());
}

export class HttpReplySender implements ReplyPort {
  constructor(
    private readonly tokenOf: (tenantId: string, channel: string) => Promise<string | undefined>,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(reply: Reply): Promise<{ providerMessageId: string }> {
    const token = await this.tokenOf(reply.tenantId, reply.channel);
    if (!token) throw new PermanentSendError(`No ${reply.channel} access token for the tenant`, 'no_token');
    const request = replyRequest(reply, token);
    for (let attempt = 1; ; attempt++) {
      const response = await this.fetchImpl(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(request.body) });
      if (response.ok) return { providerMessageId: providerIdOf((await response.json()) as Record<string, unknown>) };
      const transient = response.status === 429 || response.status >= 500;
      if (!transient) throw new PermanentSendError(`${reply.channel} refused the reply (${response.status})`, String(response.status));
      if (attempt >= 3) throw new TransientSendError(`${reply.channel} unavailable (${response.status})`);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** Locally: a file per reply in the outbox folder. */
export class OutboxReplySender implements ReplyPort {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }
  async send(reply: Reply): Promise<{ providerMessageId: string }> {
    const providerMessageId = `outbox-${randomUUID()}`;
    const sentAt = new Date().toISOString();
    writeFileSync(
      join(this.directory, `${outboxStamp(sentAt)}-reply-${reply.channel}-${providerMessageId}.json`),
      JSON.stringify({ providerMessageId, sentAt, type: 'service_reply', ...reply }, null, 2),
      { mode: 0o600 },
    );
    return { providerMessageId };
  }
}

let override: ReplyPort | undefined;
/** Tests can put a failing or recording port here. */
export function setReplySender(port: ReplyPort | undefined): void {
  override = port;
}

async function tenantToken(tenantId: string, channel: string): Promise<string | undefined> {
  const store = secretStore();
  if (!isWritableSecretStore(store)) return undefined;
  const document = (await store.getTenantSecretsDocument(tenantId)) as { accessTokens?: Record<string, string> } | undefined;
  return document?.accessTokens?.[channel];
}

/** The outbox when the local runtime installed one for messaging, else the networks' APIs. */
export function replySender(): ReplyPort {
  if (override) return override;
  let local: OutboxMessageSender | undefined;
  try {
    const sender = messageSender();
    if (sender instanceof OutboxMessageSender) local = sender;
  } catch {
    // no messaging configured: AWS with the cloud senders, handled below
  }
  return local ? new OutboxReplySender(local.directory) : new HttpReplySender(tenantToken);
}
