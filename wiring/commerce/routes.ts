/**
 * The commerce routes (spread into ROUTES): the stores' signed webhooks and the signed generic events endpoint.
 */
import type { RouteDeclaration } from '../routes.js';
import { WebEventBody } from '../../domain/commerce/ingest/standard-webhooks.js';

export const COMMERCE_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/shopify',
    function: 'shopifyWebhook',
    auth: 'public',
    summary:
      'Shopify orders/create, orders/paid, orders/cancelled, refunds/create, customers/create, customers/update, signed with X-Shopify-Hmac-Sha256; other topics are acknowledged',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/woocommerce',
    function: 'woocommerceWebhook',
    auth: 'public',
    summary:
      'WooCommerce order.created, order.updated, customer.created, signed with X-WC-Webhook-Signature; the unsigned save-time ping (webhook_id=<id>) is answered 200',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/events',
    function: 'eventsWebhook',
    auth: 'public',
    summary:
      'Generic signed events from any store or the brand\'s site/app (Standard Webhooks: webhook-id, webhook-timestamp within 5 minutes, webhook-signature v1); other types are acknowledged',
    openapi: { tag: 'webhooks', body: WebEventBody, errors: [400, 401, 404, 413] },
  },
];
