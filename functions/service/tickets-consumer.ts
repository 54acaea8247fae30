/**
 * InteractionRecorded (via the service-tickets queue) → a ticket opened or joined (domain/service/tickets.ts);
 * InteractionRemoved → the deleted message's words leave the tickets that quoted them.
 * The event carries ids and scores; the text and thread come from the stored interaction, the sender's id from
 * the customer's facts when a ticket opens.
 */
import { detectLanguage } from '../../domain/social/index.js';
import { forgetRemovedMessage, isConversationKind, ticketFromInteraction } from '../../domain/service/tickets.js';
import { InteractionRecorded, InteractionRemoved } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { recordedInteractionOf } from '../../domain/shared/interaction-recorded.js';
import { queueConsumer } from '../shared/chain.js';
import { interactions } from '../shared/ports.js';
import { servicePorts } from './ports.js';

export const handler = queueConsumer(FUNCTIONS.serviceTickets.id, [InteractionRecorded, InteractionRemoved], async (message) => {
  const { metadata } = message.detail;
  if (message['detail-type'] === InteractionRemoved.detailType) {
    const removed = message.detail.data as import('zod').infer<typeof InteractionRemoved.data>;
    await forgetRemovedMessage(servicePorts(), { tenantId: metadata.tenantId, customerId: removed.customerId, interactionId: removed.interactionId });
    return;
  }
  const data = message.detail.data as import('zod').infer<typeof InteractionRecorded.data>;
  // a like, a follow, a share: never a ticket, so nothing is read for it
  if (!isConversationKind(data.kind)) return;
  const stored = await interactions.findRecorded(recordedInteractionOf(metadata, data));
  if (stored?.removedAt) return; // deleted before we got to it: nothing to answer
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
    language: language === 'unknown' ? null : language,
    sentiment: data.sentiment,
    intent: data.intent,
  });
});
