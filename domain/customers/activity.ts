/**
 * Customer activity figures kept current by InteractionRecorded: when the customer was last seen and how
 * often they spoke on each channel.
 */
import type { CustomerActivity } from '../shared/model.js';

export interface ActivitySignal {
  channel: string;
  occurredAt: string;
}

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

export interface ActivityStore {
  /**
   * Applies one interaction to the customer's activity (as `applyInteraction` says) exactly once per
   * (consumer, eventId): answers false when that event was applied before, or the customer no longer exists.
   * Counters are added atomically, so concurrent interactions of one busy person do not contend.
   */
  addOnce(tenantId: string, customerId: string, eventId: string, signal: ActivitySignal): Promise<boolean>;
}

/**
 * 1. add the interaction to the customer's figures: one more on its channel, "last seen" moved forward only;
 * 2. in the same transaction as the event's processed-marker (a redelivered event changes nothing).
 */
export async function recordCustomerActivity(
  store: ActivityStore,
  event: { tenantId: string; eventId: string; customerId: string; channel: string; occurredAt: string },
): Promise<boolean> {
  return store.addOnce(event.tenantId, event.customerId, event.eventId, { channel: event.channel, occurredAt: event.occurredAt });
}
