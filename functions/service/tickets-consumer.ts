/**
 * InteractionRecorded (via the service-tickets queue) → a ticket opened or joined (domain/service/tickets.ts);
 * InteractionRemoved → the deleted message's words leave the tickets that quoted them.
 * The event carries ids and scores; the text, thread and the sender's id come from the stored interaction.
 */
import { detectLanguage } from '../../domain/social/index.js';
import { forgetRemovedMessage, ticketFromInteraction } from '../../domain/service/tickets.js';
import { InteractionRecorded, InteractionRemoved } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';
import { customers, interactions } from '../shared/ports.js';
import { servicePorts } from './ports.js';

export const handler = queueConsumer(FUNCTIONS.serviceTickets.id, [InteractionRecorded, InteractionRemoved], async (message) => {
  const { metadata } = message.detail;
  if (message['detail-type'] === InteractionRemoved.detailType) {
    const removed = message.detail.data as import('zod').infer<typeof InteractionRemoved.data>;
    await forgetRemovedMessage(servicePorts(), { tenantId: metadata.tenantId, customerId: removed.customerId, interactionId: removed.interactionId });
    return;
  }
  const data = message.detail.data as import('zod').infer<typeof InteractionRecorded.data>;
  const stored = await interactions.findByExternalId(metadata.tenantId, data.channel, data.externalId);
  if (stored?.removedAt) return; // deleted before we got to it: nothing to answer
  const customer = await customers.get(metadata.tenantId, data.customerId);
  const language = stored?.text ? detectLanguage(stored.text) : 'unknown';
  await ticketFromInteraction(servicePorts(), {
    tenantId: metadata.tenantId,
    eventId: metadata.eventId,
    correlationId: metadata.correlationId,
    occurredAt: metadata.occurredAt,
    customerId: data.customerId,
    interactionId: data.interactionId,
    channel: data.channel,
    kind: data.kind,
    externalId: data.externalId,
    ...(data.accountId !== undefined && { accountId: data.accountId }),
    ...(stored?.postId !== undefined && { postId: stored.postId }),
    ...(stored?.text !== undefined && { text: stored.text }),
    ...(customer && { senderId: customer.identities.find((i) => i.channel === data.channel)?.externalId }),
    language: language === 'unknown' ? null : language,
    sentiment: data.sentiment,
    intent: data.intent,
  });
});
