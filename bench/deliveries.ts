/**
 * Signed deliveries as each platform sends them, for the benchmark. Kept apart from test/ on purpose: the
 * benchmark must not change when a test helper does, and a test helper must not grow benchmark knobs.
 * Structures follow the platforms' documented payloads (shared/webhook-samples); only what our parsers read.
 */
import { createHmac, randomUUID } from 'node:crypto';

let sequence = 0;
const next = () => ++sequence;
const nowSeconds = () => Math.floor(Date.now() / 1000);
/**
 * A numeric id beyond 2^53, unique in this process (Shopify, X). It ends in 7: a double near 10^16 cannot, so
 * no float could have produced these digits (the parsers keep the source digits).
 */
export const bigId = (prefix = '9') => `${prefix}${String(Date.now()).slice(-9)}${String(next()).padStart(6, '0')}7`;

function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const hmac = (key: string | Buffer, data: string, encoding: 'hex' | 'base64') => createHmac('sha256', key).update(data).digest(encoding);

/** Meta (Facebook, Instagram, WhatsApp): X-Hub-Signature-256, hex HMAC of the body with the app secret. */
export function postMeta(apiUrl: string, tenantId: string, appSecret: string, body: string) {
  return post(`${apiUrl}/webhooks/${tenantId}/meta`, { 'x-hub-signature-256': `sha256=${hmac(appSecret, body, 'hex')}` }, body);
}

export function facebookComment(pageId: string, fromId: string, message: string, commentId = `${next()}_${bigId('1')}`): string {
  const postId = `${pageId}_${next()}`;
  const value = { item: 'comment', verb: 'add', comment_id: commentId, post_id: postId, parent_id: postId, from: { id: fromId, name: 'Ana' }, created_time: nowSeconds(), message };
  return JSON.stringify({ object: 'page', entry: [{ id: pageId, time: nowSeconds(), changes: [{ field: 'feed', value }] }] });
}

export function whatsappText(phoneNumberId: string, waId: string, text: string, id = `wamid.HBg${bigId('7')}=`): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: waId }],
    messages: [{ from: waId, id, timestamp: String(nowSeconds()), type: 'text', text: { body: text } }],
  };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] });
}

/** X Account Activity: x-twitter-webhooks-signature, base64 HMAC with the consumer secret. */
export function postX(apiUrl: string, tenantId: string, consumerSecret: string, body: string) {
  return post(`${apiUrl}/webhooks/${tenantId}/x`, { 'x-twitter-webhooks-signature': `sha256=${hmac(consumerSecret, body, 'base64')}` }, body);
}

export function xMention(brandId: string, userId: string, text: string, id = bigId('19')): string {
  const at = new Date();
  const createdAt = at.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4');
  const user = { id: 0, id_str: userId, name: 'Fan', screen_name: `fan${userId}`, protected: false, verified: false, followers_count: 10, friends_count: 20, statuses_count: 30, created_at: 'Wed Jan 28 18:41:09 +0000 2015' };
  const tweet = {
    created_at: createdAt,
    id: 0,
    id_str: id,
    text: `@brand ${text}`,
    truncated: false,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id_str: null,
    user,
    is_quote_status: false,
    entities: { hashtags: [], urls: [], symbols: [], user_mentions: [{ screen_name: 'brand', name: 'brand', id: 0, id_str: brandId, indices: [0, 6] }] },
    lang: 'und',
    timestamp_ms: String(at.getTime()),
  };
  return JSON.stringify({ for_user_id: brandId, tweet_create_events: [tweet] });
}

/** Shopify: X-Shopify-Hmac-Sha256, base64 HMAC of the body; the event id header names the delivery. */
export function postShopify(apiUrl: string, tenantId: string, secret: string, topic: string, body: string, eventId: string = randomUUID()) {
  return post(
    `${apiUrl}/webhooks/${tenantId}/shopify`,
    {
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': hmac(secret, body, 'base64'),
      'x-shopify-shop-domain': 'acme-outdoor.myshopify.com',
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
    },
    body,
  );
}

/** An orders/create body; ids are written as bare JSON integers beyond 2^53, as Shopify sends them. */
export function shopifyOrder(o: { orderId: string; customerId: string; email: string }): string {
  const at = new Date().toISOString();
  return `{"id":${o.orderId},"name":"#${o.orderId.slice(-4)}","email":"${o.email}","contact_email":"${o.email}","phone":null,"created_at":"${at}","updated_at":"${at}","processed_at":"${at}","cancelled_at":null,"financial_status":"paid","currency":"EUR","total_price":"404.95","total_price_set":{"shop_money":{"amount":"404.95","currency_code":"EUR"}},"customer":{"id":${o.customerId},"email":"${o.email}","phone":null,"first_name":"John","last_name":"Smith","updated_at":"${at}"},"billing_address":{"name":"John Smith"},"line_items":[{"id":${bigId('4')},"product_id":632910392,"sku":"IPOD2008PINK","quantity":1,"price":"199.00","price_set":{"shop_money":{"amount":"199.00","currency_code":"EUR"}}},{"id":${bigId('4')},"product_id":632910393,"sku":"IPOD2008BLUE","quantity":1,"price":"205.95","price_set":{"shop_money":{"amount":"205.95","currency_code":"EUR"}}}],"refunds":[]}`;
}

/** Standard Webhooks: webhook-id, webhook-timestamp, v1 signature with the decoded whsec_ key. */
export function postEvent(apiUrl: string, tenantId: string, secret: string, type: string, data: unknown, id = `msg_${randomUUID().replaceAll('-', '')}`) {
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const timestamp = nowSeconds();
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return post(`${apiUrl}/webhooks/${tenantId}/events`, { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${hmac(key, `${id}.${timestamp}.${body}`, 'base64')}` }, body);
}
