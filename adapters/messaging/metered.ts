/**
 * Senders that count what they send: every message that left (the provider accepted it) adds one to the
 * tenant's meter in its channel's dimension, billed to the campaign its tags name. A refused send counts
 * nothing (the providers bill accepted messages only).
 */
import { meter } from '../shared/meter.js';
import { messageDimension } from '../../domain/finance/index.js';
import type { MessageSender, OutgoingMessage, SentMessage } from '../../domain/shared/messaging.js';
import type { EmailMessage, EmailSender } from '../../domain/shared/ports.js';

const wrapped = new WeakMap<object, unknown>();

export function meteredMessageSender(sender: MessageSender): MessageSender {
  const existing = wrapped.get(sender) as MessageSender | undefined;
  if (existing) return existing;
  const metered: MessageSender = {
    async send(message: OutgoingMessage): Promise<SentMessage> {
      const sent = await sender.send(message);
      meter.add(messageDimension(message), 1, { tenantId: message.tenantId, campaignId: message.tags?.campaignId });
      return sent;
    },
  };
  wrapped.set(sender, metered);
  return metered;
}

export function meteredEmailSender(sender: EmailSender): EmailSender {
  const existing = wrapped.get(sender) as EmailSender | undefined;
  if (existing) return existing;
  const metered: EmailSender = {
    async send(message: EmailMessage) {
      const sent = await sender.send(message);
      meter.add('emails', 1, { tenantId: message.tenantId, campaignId: message.tags?.campaignId });
      return sent;
    },
  };
  wrapped.set(sender, metered);
  return metered;
}
