/**
 * Measures campaigns from the bus: orders and refunds of people a campaign reached, and their marketing withdrawals.
 */
import { dynamoAttributionStore } from '../../adapters/campaigns/dynamo-run.js';
import { attributeOrder, attributeRefund, attributeUnsubscribe } from '../../domain/campaigns/attribution.js';
import { ConsentChanged, OrderPlaced, OrderRefunded } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';

export const handler = queueConsumer(FUNCTIONS.campaignAttribution.id, [OrderPlaced, OrderRefunded, ConsentChanged], async (message) => {
  const { metadata, data } = message.detail;
  switch (message['detail-type']) {
    case OrderPlaced.detailType: {
      const order = data as typeof OrderPlaced.data._output;
      await attributeOrder(dynamoAttributionStore, metadata.tenantId, { ...order, placedAt: order.placedAt ?? metadata.occurredAt });
      return;
    }
    case OrderRefunded.detailType: {
      const refund = data as typeof OrderRefunded.data._output;
      await attributeRefund(dynamoAttributionStore, metadata.tenantId, { ...refund, refundId: refund.refundId ?? metadata.eventId });
      return;
    }
    case ConsentChanged.detailType: {
      const change = data as typeof ConsentChanged.data._output;
      if (change.purpose === 'marketing' && change.status === 'withdrawn') {
        await attributeUnsubscribe(dynamoAttributionStore, metadata.tenantId, { customerId: change.customerId, channel: change.channel, at: metadata.occurredAt });
      }
      return;
    }
  }
});
