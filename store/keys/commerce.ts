/**
 * Keys of commerce: orders and webhook deliveries.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const commerceKeys = {
  /** An order by the store and the store's own order id (access pattern 4); its status, refunds, pending events. */
  order: (tenantId: string, store: string, orderId: string): Key => ({
    pk: `${T(tenantId)}#ORDER#${part(store)}#${part(orderId)}`,
    sk: 'ORDER',
  }),
  /**
   * One webhook delivery by its source and dedupe key (Shopify event id, WooCommerce resource id +
   * date_modified_gmt, Standard Webhooks webhook-id, a registration's customer id): written with the
   * delivery's effect, it dedupes redelivery and keeps the events still to publish (outbox).
   */
  webhookDelivery: (tenantId: string, source: string, deliveryKey: string): Key => ({
    pk: `${T(tenantId)}#DELIVERY#${part(source)}#${part(deliveryKey)}`,
    sk: 'DELIVERY',
  }),
};

export const COMMERCE_ENTITIES = [
  { name: 'Order', key: 'T#{tenant}#ORDER#{store}#{orderId} / ORDER', serves: '4 order by the store and its order id (dedupe, status and refunds)', personal: true, erasure: 'by-reference' },
  { name: 'WebhookDelivery', key: 'T#{tenant}#DELIVERY#{source}#{deliveryKey} / DELIVERY', gsi2: 'T#{tenant}#PERSON#{customer} / WebhookDelivery#{source}#{deliveryKey} (deliveries whose events name a customer)', serves: 'dedupe of store and generic webhook deliveries; their unpublished events (outbox); expires after 30 days', personal: true, erasure: 'customer-index' },
] as const;
