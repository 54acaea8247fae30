/**
 * The InteractionRecorded event of an interaction: social ingest and the brand's own channels (registration's
 * site actions) both record interactions and publish it the same way.
 */
import { buildEvent, InteractionRecorded } from '../../events/catalog.js';
import type { Interaction } from './model.js';
import type { RecordedInteractionRef } from './ports.js';

export function interactionRecordedEvent(ctx: { tenantId: string; correlationId: string }, interaction: Interaction) {
  return buildEvent(
    InteractionRecorded,
    {
      tenantId: ctx.tenantId,
      // the interaction id is stable across redeliveries, so consumers dedupe a re-publish on it
      eventId: `interaction-${interaction.id}`,
      // the fact happened when the person acted, not when we heard of it
      occurredAt: interaction.occurredAt,
      correlationId: ctx.correlationId,
    },
    {
      customerId: interaction.customerId,
      interactionId: interaction.id,
      channel: interaction.channel,
      kind: interaction.kind,
      externalId: interaction.externalId,
      ...(interaction.accountId !== undefined && { accountId: interaction.accountId }),
      hasText: interaction.text !== undefined,
      sentiment: interaction.sentiment ?? null,
      intent: interaction.intent ?? null,
    },
  );
}

/**
 * Where the interaction an InteractionRecorded names is kept: the event's occurredAt is the interaction's own
 * (set above), so with the customer and interaction ids it is the timeline item's key.
 */
export function recordedInteractionOf(
  metadata: { tenantId: string; occurredAt: string },
  data: { customerId: string; interactionId: string; channel: string; externalId: string },
): RecordedInteractionRef {
  return { tenantId: metadata.tenantId, occurredAt: metadata.occurredAt, customerId: data.customerId, interactionId: data.interactionId, channel: data.channel, externalId: data.externalId };
}
