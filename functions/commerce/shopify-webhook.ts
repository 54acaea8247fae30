/**
 * Shopify webhooks for one tenant: orders, refunds and customers. The HMAC is checked over the raw bytes
 * (any active secret) before anything is parsed; every payload is validated before anything is written.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidInput, Unauthorized } from '../../domain/shared/errors.js';
import {
  isShopifyTopic,
  ShopifyCustomer,
  shopifyDeliveryKey,
  ShopifyOrder,
  shopifyOrderSnapshot,
  shopifyPerson,
  ShopifyRefund,
  shopifyRefundNotice,
} from '../../domain/commerce/ingest/shopify.js';
import { hmacMatches } from '../../domain/shared/signatures.js';
import { parseJsonExact } from '../../domain/shared/money.js';
import { recordOrderChange } from '../../domain/commerce/orders.js';
import { applyStoreCustomerUpdate, registerCustomer } from '../../domain/customers/index.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction } from '../shared/chain.js';
import { header, json, rawBody, validate } from '../shared/http.js';
import { commercePorts, webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';


export const handler = httpFunction(FUNCTIONS.shopifyWebhook.id, async (event) => {
  const { tenant, secrets } = await webhookTenant(event);
  const tenantId = tenant.tenantId;

  // 1. verify the HMAC over the exact bytes, with any active secret (both during a rotation)
  const body = rawBody(event);
  const provided = header(event, 'x-shopify-hmac-sha256');
  if (!provided || !hmacMatches({ algorithm: 'sha256', secrets: secrets.shopify.secrets, signed: body, provided, encoding: 'base64' })) {
    throw new Unauthorized('Missing or invalid X-Shopify-Hmac-Sha256');
  }
  const topic = header(event, 'x-shopify-topic')?.trim();
  if (!topic) throw new InvalidInput('Missing X-Shopify-Topic');
  if (!isShopifyTopic(topic)) {
    metrics.addMetric('shopify_topic_ignored', MetricUnit.Count, 1);
    logger.info('topic acknowledged without processing', { topic });
    return json(200, { topic, outcome: 'ignored' });
  }

  // 2. parse (ids beyond 2^53 kept exact) and validate before writing anything
  const payload = parseJsonExact(body);
  const eventId = header(event, 'x-shopify-event-id');
  const ctx = { tenantId, correlationId: correlationIdOf(event) };
  const what = `Shopify ${topic} payload`;

  // 3. apply it once per delivery, publishing what changed
  switch (topic) {
    case 'orders/create':
    case 'orders/paid':
    case 'orders/cancelled': {
      const order = validate(ShopifyOrder, payload, what);
      const snapshot = shopifyOrderSnapshot(order);
      const delivery = { source: 'shopify', key: shopifyDeliveryKey(eventId, topic, order) };
      const result = await recordOrderChange(commercePorts(), ctx, snapshot, delivery);
      if (result.outcome === 'ignored') metrics.addMetric(`shopify_order_${result.reason}`, MetricUnit.Count, 1);
      return json(200, { topic, outcome: result.outcome, ...(result.outcome === 'recorded' && { orderId: result.order.orderId, status: result.order.status }) });
    }
    case 'refunds/create': {
      const refund = validate(ShopifyRefund, payload, what);
      const notice = shopifyRefundNotice(refund);
      if (!notice) return json(200, { topic, outcome: 'ignored' }); // a restock without money back
      const delivery = { source: 'shopify', key: shopifyDeliveryKey(eventId, topic, refund) };
      const result = await recordOrderChange(commercePorts(), ctx, notice, delivery);
      if (result.outcome === 'ignored') metrics.addMetric(`shopify_refund_${result.reason}`, MetricUnit.Count, 1);
      return json(200, { topic, outcome: result.outcome, ...(result.outcome === 'recorded' && { orderId: result.order.orderId, status: result.order.status }) });
    }
    case 'customers/create': {
      const customer = validate(ShopifyCustomer, payload, what);
      const delivery = { source: 'shopify', key: shopifyDeliveryKey(eventId, topic, customer) };
      const result = await registerCustomer(commercePorts(), ctx, { via: 'shopify', ...shopifyPerson(customer) }, delivery);
      return json(200, { topic, outcome: result.outcome, ...(result.outcome !== 'duplicate' && { customerId: result.customer.id }) });
    }
    case 'customers/update': {
      const customer = validate(ShopifyCustomer, payload, what);
      const delivery = { source: 'shopify', key: shopifyDeliveryKey(eventId, topic, customer) };
      const result = await applyStoreCustomerUpdate(commercePorts(), ctx, shopifyPerson(customer), delivery);
      return json(200, { topic, ...result });
    }
  }
});
