/**
 * Signing and sending store webhooks (Shopify, WooCommerce, Standard Webhooks) the way each sender does,
 * and variants of the verbatim samples, for the commerce integration tests.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../adapters/dynamo/client.js';
import { secretStore, setSecretStore } from '../../adapters/shared/secrets.js';
import type { SecretStore, TenantSecrets } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { sample } from './webhooks.js';

let sequence = 0;
/** A fresh 18-digit id above 2^53 (Shopify-sized), unique within the run; odd, so no float can hold it. */
export function bigId(): string {
  sequence += 1;
  const digits = `9${String(Date.now()).slice(-9)}${String(sequence).padStart(4, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return `${digits.slice(0, 17)}7`;
}
export const uniqueEmail = (who = 'buyer') => `${who}.${Date.now()}.${++sequence}@example.com`;

// ---------------------------------------------------------------------------------------------------
// Shopify

export const shopifySignature = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('base64');

export async function postShopify(
  apiUrl: string,
  tenantId: string,
  secret: string,
  topic: string,
  body: string,
  headers: Record<string, string | undefined> = {},
) {
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-hmac-sha256': shopifySignature(secret, body),
    'x-shopify-shop-domain': 'acme-outdoor.myshopify.com',
    'x-shopify-api-version': '2026-07',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
    ...headers,
  };
  return fetch(`${apiUrl}/webhooks/${tenantId}/shopify`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body,
  });
}

export interface ShopifyOrderVariant {
  orderId?: string;
  /** null: a guest order (no customer object). */
  customerId?: string | null;
  email?: string;
  financialStatus?: string;
  cancelled?: boolean;
  total?: string;
  updatedAt?: string;
  /** Raw JSON text of the `refunds` array. */
  refunds?: string;
}

/**
 * The verbatim orders/create sample with text edits only, so ids stay unquoted JSON numbers beyond 2^53
 * exactly as Shopify sends them.
 */
export function shopifyOrderBody(v: ShopifyOrderVariant = {}): string {
  let text = sample('shopify-orders-create.json');
  if (v.orderId) text = text.replaceAll('820982911946154508', v.orderId);
  if (v.customerId === null) text = text.replace(/"customer": \{[\s\S]*?\n {2}\},\n {2}"discount_applications"/, '"customer": null,\n  "discount_applications"');
  else if (v.customerId) text = text.replaceAll('115310627314723954', v.customerId);
  if (v.email) text = text.replaceAll('john@example.com', v.email).replaceAll('jon@example.com', v.email);
  if (v.financialStatus) text = text.replace('"financial_status": "voided"', `"financial_status": "${v.financialStatus}"`);
  if (v.cancelled === false) text = text.replace('"cancelled_at": "2021-12-31T19:00:00-05:00"', '"cancelled_at": null');
  if (v.total) text = text.replaceAll('"404.95"', `"${v.total}"`);
  if (v.updatedAt) text = text.replace('"updated_at": "2021-12-31T19:00:00-05:00"', `"updated_at": "${v.updatedAt}"`);
  if (v.refunds) text = text.replace('"refunds": []', `"refunds": ${v.refunds}`);
  return text;
}

/** A refunds/create body in Shopify's structure (ids as unquoted numbers). */
export function shopifyRefundBody(o: { refundId: string; orderId: string; amount: string; currency?: string; at?: string }): string {
  const at = o.at ?? '2022-01-02T10:00:00-05:00';
  return `{
  "id": ${o.refundId},
  "order_id": ${o.orderId},
  "created_at": "${at}",
  "note": "Things were damaged",
  "user_id": 548380009,
  "processed_at": "${at}",
  "restock": false,
  "duties": [],
  "admin_graphql_api_id": "gid://shopify/Refund/${o.refundId}",
  "refund_line_items": [],
  "transactions": [
    {
      "id": ${o.refundId}1,
      "order_id": ${o.orderId},
      "kind": "refund",
      "gateway": "bogus",
      "status": "success",
      "message": null,
      "created_at": "${at}",
      "test": true,
      "authorization": null,
      "parent_id": null,
      "amount": "${o.amount}",
      "currency": "${o.currency ?? 'USD'}",
      "admin_graphql_api_id": "gid://shopify/OrderTransaction/${o.refundId}1"
    }
  ],
  "order_adjustments": []
}`;
}

// ---------------------------------------------------------------------------------------------------
// WooCommerce

export const wooSignature = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('base64');

export async function postWoo(apiUrl: string, tenantId: string, secret: string, topic: string, body: string, headers: Record<string, string> = {}) {
  const [resource, action] = topic.split('.');
  return fetch(`${apiUrl}/webhooks/${tenantId}/woocommerce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.0 Hookshot (WordPress/6.5)',
      'x-wc-webhook-source': 'https://example.com/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource ?? '',
      'x-wc-webhook-event': action ?? '',
      'x-wc-webhook-signature': wooSignature(secret, body),
      'x-wc-webhook-id': '31',
      'x-wc-webhook-delivery-id': String(Math.floor(Math.random() * 1e6)),
      ...headers,
    },
    body,
  });
}

export interface WooOrderVariant {
  orderId?: number;
  customerId?: number;
  email?: string;
  status?: string;
  modifiedGmt?: string;
  total?: string;
  datePaidGmt?: string | null;
  /** Raw JSON of the `refunds` array. */
  refunds?: string;
}

/** The verbatim WooCommerce order with text edits only. */
export function wooOrderBody(v: WooOrderVariant = {}): string {
  let text = sample('woocommerce-order-created.rest-api-docs.json');
  if (v.orderId !== undefined) text = text.replace('"id": 727,', `"id": ${v.orderId},`).replaceAll('orders/727', `orders/${v.orderId}`);
  if (v.customerId !== undefined) text = text.replace('"customer_id": 0,', `"customer_id": ${v.customerId},`);
  if (v.email) text = text.replace('"email": "john.doe@example.com"', `"email": "${v.email}"`);
  if (v.status) text = text.replace('"status": "processing"', `"status": "${v.status}"`);
  if (v.modifiedGmt) text = text.replace('"date_modified_gmt": "2017-03-22T19:28:08"', `"date_modified_gmt": "${v.modifiedGmt}"`);
  if (v.total) text = text.replace('"total": "29.35"', `"total": "${v.total}"`);
  if (v.datePaidGmt !== undefined) {
    text = text.replace('"date_paid_gmt": "2017-03-22T19:28:08"', `"date_paid_gmt": ${v.datePaidGmt === null ? 'null' : `"${v.datePaidGmt}"`}`);
  }
  if (v.refunds) text = text.replace('"refunds": []', `"refunds": ${v.refunds}`);
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Standard Webhooks (generic events endpoint)

export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface EventDelivery {
  id?: string;
  /** Epoch seconds; default now. */
  timestamp?: number;
  /** Replaces the computed header (rotation, tampering). */
  signature?: string;
}

export async function postRawEvent(apiUrl: string, tenantId: string, secret: string, body: string, delivery: EventDelivery = {}) {
  const id = delivery.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${apiUrl}/webhooks/${tenantId}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': delivery.signature ?? standardSignature(secret, id, timestamp, body),
    },
    body,
  });
}

export function postEvent(apiUrl: string, tenantId: string, secret: string, type: string, data: unknown, delivery: EventDelivery = {}) {
  return postRawEvent(apiUrl, tenantId, secret, JSON.stringify({ type, timestamp: new Date().toISOString(), data }), delivery);
}

// ---------------------------------------------------------------------------------------------------
// Secrets and storage

/** Runs `body` with the tenant's secrets changed (a rotation), then puts the runtime's store back. */
export async function withSecrets<T>(tenantId: string, change: (s: TenantSecrets) => TenantSecrets, body: () => Promise<T>): Promise<T> {
  const original = secretStore();
  const current = await original.getTenantSecrets(tenantId);
  if (!current) throw new Error(`no secrets for ${tenantId}`);
  const changed = change(current);
  const rotated: SecretStore = {
    getTenantSecrets: async (t) => (t === tenantId ? changed : original.getTenantSecrets(t)),
  };
  setSecretStore(rotated);
  try {
    return await body();
  } finally {
    setSecretStore(original);
  }
}

/** The stored order item as DynamoDB holds it (undefined: nothing was written). */
export async function storedOrder(tableName: string, tenantId: string, store: string, orderId: string) {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName, Key: keys.order(tenantId, store, orderId), ConsistentRead: true }));
  return Item;
}

// ---------------------------------------------------------------------------------------------------
// What this context published

/** Event id prefixes of the events the commerce and registration use cases publish (domain/commerce/orders.ts, registration.ts). */
const OWN_EVENT_IDS = ['order-placed:', 'order-refunded:', 'order-status:', 'customer-registered:', 'customer-updated:', 'customer-identified:', 'interaction-', 'customers-merged-'];

interface WatchedBus {
  recent: { id: string; 'detail-type': string; detail: { metadata: { eventId: string }; data: unknown } }[];
}

/**
 * Marks the bus now; the function answers what was published since: events of one detail-type, or every
 * event these use cases publish (other contexts' consumers react to them with events of their own, which
 * are theirs to test). Robust to the bus trimming its list of recent events.
 */
export function busMark(bus: WatchedBus) {
  const seen = new Set(bus.recent.map((e) => e.id));
  return (detailType?: string) =>
    bus.recent.filter(
      (e) =>
        !seen.has(e.id) &&
        (detailType ? e['detail-type'] === detailType : OWN_EVENT_IDS.some((prefix) => e.detail.metadata.eventId.startsWith(prefix))),
    );
}
