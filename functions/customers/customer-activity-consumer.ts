/**
 * InteractionRecorded (via the customer-activity queue) → the customer's activity figures.
 */
import { DynamoActivityStore } from '../../adapters/customers/dynamo-activity.js';
import { recordCustomerActivity } from '../../domain/customers/activity.js';
import { InteractionRecorded } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';

const store = new DynamoActivityStore(FUNCTIONS.customerActivity.id);

export const handler = queueConsumer(FUNCTIONS.customerActivity.id, InteractionRecorded, async (message) => {
  const { metadata, data } = message.detail;
  await recordCustomerActivity(store, {
    tenantId: metadata.tenantId,
    eventId: metadata.eventId,
    customerId: data.customerId,
    channel: data.channel,
    occurredAt: metadata.occurredAt,
  });
});
