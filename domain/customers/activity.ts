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
   * Applies `change` to the customer's activity exactly once per (consumer, eventId): answers false when
   * that event was applied before, or the customer no longer exists.
   */
  updateOnce(
    tenantId: string,
    customerId: string,
    eventId: string,
    change: (activity: CustomerActivity) => CustomerActivity,
  ): Promise<boolean>;
}

/**
 * 1. read the customer; 2. compute the new figures; 3. write them with the event's processed-marker in one
 * transaction (a redelivered event changes nothing).
 */
export async function recordCustomerActivity(
  store: ActivityStore,
  event: { tenantId: string; eventId: string; customerId: string; channel: string; occurredAt: string },
): Promise<boolean> {
  return store.updateOnce(event.tenantId, event.customerId, event.eventId, (activity) =>
    applyInteraction(activity, { channel: event.channel, occurredAt: event.occurredAt }),
  );
}
