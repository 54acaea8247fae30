/**
 * The loyalty queue's consumer: verified interactions, their removal, orders, refunds and sign-ups become
 * awards, reversals and welcome packs, each applied once per source event.
 */
import { awardForInteraction, awardForOrder, reverseForRefund, reverseForRemoval, rewardReferrer, welcome } from '../../domain/loyalty/engine.js';
import { purchasePoints } from '../../domain/loyalty/account.js';
import { CustomerRegistered, InteractionRecorded, InteractionRemoved, OrderPlaced, OrderRefunded, OrderStatusChanged, ReferralCompleted } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';
import { loyaltyPorts } from './ports.js';

export const handler = queueConsumer(
  FUNCTIONS.loyaltyAwarder.id,
  [InteractionRecorded, InteractionRemoved, OrderPlaced, OrderStatusChanged, OrderRefunded, CustomerRegistered, ReferralCompleted],
  async (message) => {
    const { metadata } = message.detail;
    const ctx = { tenantId: metadata.tenantId, correlationId: metadata.correlationId };
    const ports = loyaltyPorts();
    switch (message['detail-type']) {
      case InteractionRecorded.detailType: {
        const data = message.detail.data as InteractionRecorded;
        await awardForInteraction(ports, ctx, {
          eventId: metadata.eventId,
          customerId: data.customerId,
          kind: data.kind,
          channel: data.channel,
          ...(data.accountId && { accountId: data.accountId }),
          occurredAt: metadata.occurredAt,
        });
        return;
      }
      case InteractionRemoved.detailType: {
        const data = message.detail.data as InteractionRemoved;
        await reverseForRemoval(ports, ctx, { eventId: metadata.eventId, customerId: data.customerId, interactionId: data.interactionId, occurredAt: metadata.occurredAt });
        return;
      }
      case OrderPlaced.detailType: {
        const data = message.detail.data as OrderPlaced;
        await awardForOrder(
          ports,
          ctx,
          {
            customerId: data.customerId,
            orderKey: `${data.store}:${data.orderId}`,
            orderTotal: data.total.amount,
            ...(data.status && { status: data.status }),
            occurredAt: data.placedAt ?? metadata.occurredAt,
          },
          (program) => purchasePoints(program, data.lineItems),
        );
        return;
      }
      case OrderStatusChanged.detailType: {
        const data = message.detail.data as OrderStatusChanged;
        const orderKey = `${data.store}:${data.orderId}`;
        // paid later: the status change carries the total only (shipping and tax included); cancelled: nothing stays
        if (data.to === 'paid')
          await awardForOrder(ports, ctx, { customerId: data.customerId, orderKey, orderTotal: data.total.amount, status: 'paid', occurredAt: metadata.occurredAt }, (program) =>
            purchasePoints(program, [{ productId: '', quantity: 1, price: data.total }]),
          );
        if (data.to === 'cancelled' || data.to === 'refunded')
          await reverseForRefund(ports, ctx, { eventId: metadata.eventId, customerId: data.customerId, orderKey, refundedTotal: data.total.amount, full: true, occurredAt: metadata.occurredAt });
        return;
      }
      case OrderRefunded.detailType: {
        const data = message.detail.data as OrderRefunded;
        await reverseForRefund(ports, ctx, {
          eventId: metadata.eventId,
          customerId: data.customerId,
          orderKey: `${data.store}:${data.orderId}`,
          // everything refunded so far when the store says it; a lone refund's amount otherwise
          refundedTotal: data.refundedTotal?.amount ?? data.amount.amount,
          full: data.status === 'refunded',
          occurredAt: metadata.occurredAt,
        });
        return;
      }
      case CustomerRegistered.detailType: {
        const data = message.detail.data as CustomerRegistered;
        await welcome(ports, ctx, { eventId: metadata.eventId, customerId: data.customerId, occurredAt: metadata.occurredAt, ...(data.referralCode && { referralCode: data.referralCode }) });
        return;
      }
      case ReferralCompleted.detailType: {
        const data = message.detail.data as ReferralCompleted;
        await rewardReferrer(ports, ctx, { referrerId: data.referrerId, refereeId: data.refereeId, occurredAt: metadata.occurredAt });
        return;
      }
    }
  },
);

type InteractionRecorded = import('zod').infer<typeof InteractionRecorded.data>;
type InteractionRemoved = import('zod').infer<typeof InteractionRemoved.data>;
type OrderPlaced = import('zod').infer<typeof OrderPlaced.data>;
type OrderStatusChanged = import('zod').infer<typeof OrderStatusChanged.data>;
type OrderRefunded = import('zod').infer<typeof OrderRefunded.data>;
type CustomerRegistered = import('zod').infer<typeof CustomerRegistered.data>;
type ReferralCompleted = import('zod').infer<typeof ReferralCompleted.data>;
