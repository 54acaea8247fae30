/**
 * WooCommerce webhooks for one tenant: orders (created, updated: payments, cancellations, refunds) and new
 * customers. The save-time ping is answered without a signature and writes nothing; every other POST must
 * carry X-WC-Webhook-Signature over its raw bytes.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidInput, Unauthorized } from '../../domain/shared/errors.js';
import { hmacMatches } from '../../domain/shared/signatures.js';
import { isWooPing, isWooTopic, WooCustomer, wooDeliveryKey, WooOrder, wooOrderSnapshot, wooPerson } from '../../domain/commerce/ingest/woocommerce.js';
import { parseJsonExact } from '../../domain/shared/money.js';
import { recordOrderChange } from '../../domain/commerce/orders.js';
import { registerCustomer } from '../../domain/customers/index.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction } from '../shared/chain.js';
import { header, json, rawBody, validate } from '../shared/http.js';
import { commercePorts, webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';


export const handler = httpFunction(FUNCTIONS.woocommerceWebhook.id, async (event) => {
  const { tenant, secrets } = await webhookTenant(event);
  const tenantId = tenant.tenantId;

  const body = rawBody(event);
  const provided = header(event, 'x-wc-webhook-signature');
  // 1. the ping Woo sends, unsigned, when a webhook is saved: it must get a 200, and nothing is written
  if (isWooPing(body)) {
    logger.info('WooCommerce webhook ping acknowledged');
    return json(200, { outcome: 'ping' });
  }
  // 2. everything else: the HMAC over the exact bytes, with any active secret
  if (!provided || !hmacMatches({ algorithm: 'sha256', secrets: secrets.woocommerce.secrets, signed: body, provided, encoding: 'base64' })) {
    throw new Unauthorized('Missing or invalid X-WC-Webhook-Signature');
  }
  const topic = header(event, 'x-wc-webhook-topic')?.trim();
  if (!topic) throw new InvalidInput('Missing X-WC-Webhook-Topic');
  if (!isWooTopic(topic)) {
    metrics.addMetric('woocommerce_topic_ignored', MetricUnit.Count, 1);
    logger.info('topic acknowledged without processing', { topic });
    return json(200, { topic, outcome: 'ignored' });
  }

  // 3. validate, then apply once per (resource id, date_modified_gmt)
  const payload = parseJsonExact(body);
  const ctx = { tenantId, correlationId: correlationIdOf(event) };
  const what = `WooCommerce ${topic} payload`;
  if (topic === 'customer.created') {
    const customer = validate(WooCustomer, payload, what);
    const delivery = { source: 'woocommerce', key: wooDeliveryKey('customer', customer.id, customer.date_modified_gmt) };
    const result = await registerCustomer(commercePorts(), ctx, { via: 'woocommerce', ...wooPerson(customer) }, delivery);
    return json(200, { topic, outcome: result.outcome, ...(result.outcome !== 'duplicate' && { customerId: result.customer.id }) });
  }
  const order = validate(WooOrder, payload, what);
  const snapshot = wooOrderSnapshot(order);
  const delivery = { source: 'woocommerce', key: wooDeliveryKey('order', order.id, order.date_modified_gmt) };
  const result = await recordOrderChange(commercePorts(), ctx, snapshot, delivery);
  if (result.outcome === 'ignored') metrics.addMetric(`woocommerce_order_${result.reason}`, MetricUnit.Count, 1);
  return json(200, { topic, outcome: result.outcome, ...(result.outcome === 'recorded' && { orderId: result.order.orderId, status: result.order.status }) });
});
