/**
 * Customer activity figures: when the customer was last seen and how often they spoke on each channel. Kept on
 * the knowledge record by the knowledge consumer, in the same transaction as the rest of what an
 * InteractionRecorded changes (domain/knowledge/updates.ts), so an interaction costs one consumer and one write.
 */
import type { CustomerActivity } from '../shared/model.js';

export interface ActivitySignal {
  channel: string;
  occurredAt: string;
}

export const emptyActivity = (): CustomerActivity => ({ interactionsByChannel: {} });

/** Pure: the activity after one more interaction (out-of-order deliveries never move "last seen" back). */
export function applyInteraction(activity: CustomerActivity, signal: ActivitySignal): CustomerActivity {
  const last = activity.lastInteractionAt;
  return {
    lastInteractionAt: last && last > signal.occurredAt ? last : signal.occurredAt,
    interactionsByChannel: {
      ...activity.interactionsByChannel,
      [signal.channel]: (activity.interactionsByChannel[signal.channel] ?? 0) + 1,
    },
  };
}
