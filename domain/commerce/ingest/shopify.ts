/**
 * Shopify webhooks: the topics we handle, their payloads' structure, and how an order, a refund or a
 * customer becomes a platform-neutral order snapshot, refund notice or person. Facts: shared/WEBHOOKS.md.
 *
 * Shopify ids exceed 2^53 (order 820982911946154508): bodies are parsed with parseJsonExact, so such an
 * id arrives here as its exact digits. Money is a decimal string with the shop's currency, never a float.
 */
import { z } from 'zod';
import { InvalidInput } from '../../shared/errors.js';
import type { IdentityInput } from '../../customers/identity.js';
import { absDecimal, isPositive, sumDecimals, type Money } from '../../shared/money.js';
import { CurrencyCode, DecimalText, OffsetTime, StoreId, type OrderLine, type OrderRefund, type OrderSnapshot, type RefundNotice } from '../orders.js';
import { contactIdentities } from '../../customers/index.js';
import type { PersonNames } from '../../shared/customer.js';

export const SHOPIFY_TOPICS = ['orders/create', 'orders/paid', 'orders/cancelled', 'refunds/create', 'customers/create', 'customers/update'] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

const MoneySet = z.object({ shop_money: z.object({ amount: DecimalText, currency_code: CurrencyCode }) });
const Text = z.string().nullish();

export const ShopifyCustomer = z.object({
  id: StoreId,
  email: Text,
  phone: Text,
  first_name: Text,
  last_name: Text,
  updated_at: z.string().nullish(),
});
export type ShopifyCustomer = z.infer<typeof ShopifyCustomer>;

const Transaction = z.object({
  kind: z.string(),
  status: z.string().nullish(),
  amount: DecimalText,
  currency: CurrencyCode.nullish(),
});

export const ShopifyRefund = z.object({
  id: StoreId,
  order_id: StoreId,
  created_at: OffsetTime,
  processed_at: OffsetTime.nullish(),
  transactions: z.array(Transaction).nullish(),
  refund_line_items: z
    .array(z.object({ subtotal_set: MoneySet.nullish(), total_tax_set: MoneySet.nullish() }))
    .nullish(),
});
export type ShopifyRefund = z.infer<typeof ShopifyRefund>;

const LineItem = z.object({
  id: StoreId,
  product_id: StoreId.nullish(),
  sku: Text,
  quantity: z.number().int().nonnegative(),
  // optional, as `sku` is: the payload identifies the order and the buyer; a line's money may come as price_set alone
  price: DecimalText.nullish(),
  price_set: MoneySet.nullish(),
});

export const ShopifyOrder = z.object({
  id: StoreId,
  name: Text,
  email: Text,
  contact_email: Text,
  phone: Text,
  created_at: OffsetTime,
  updated_at: OffsetTime.nullish(),
  processed_at: OffsetTime.nullish(),
  cancelled_at: OffsetTime.nullish(),
  financial_status: Text,
  currency: CurrencyCode,
  total_price: DecimalText,
  total_price_set: MoneySet.nullish(),
  customer: ShopifyCustomer.nullish(),
  billing_address: z.object({ name: Text }).nullish(),
  line_items: z.array(LineItem),
  refunds: z.array(ShopifyRefund).nullish(),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;

const PAID = new Set(['paid', 'partially_refunded', 'refunded']);

const nameOf = (first?: string | null, last?: string | null) => [first, last].filter((p) => p && p.trim()).join(' ').trim() || undefined;
/** The store's first and last names as the record keeps them (given, family), beside the display name. */
const namesOf = (first?: string | null, last?: string | null) => ({ ...(first?.trim() && { givenName: first.trim() }), ...(last?.trim() && { familyName: last.trim() }) });

/** Shop customer id first, then the e-mails and phones the payload proves (unusable phones are left out). */
function buyerIdentities(customer: ShopifyCustomer | null | undefined, order?: ShopifyOrder): IdentityInput[] {
  const identities: IdentityInput[] = [];
  if (customer) identities.push({ channel: 'shopify', externalId: customer.id });
  const contacts = [
    { email: customer?.email ?? undefined, phone: customer?.phone ?? undefined },
    { email: order?.email ?? order?.contact_email ?? undefined, phone: order?.phone ?? undefined },
  ];
  for (const contact of contacts) {
    for (const identity of contactIdentities(contact, false)) {
      if (!identities.some((i) => i.channel === identity.channel && i.externalId === identity.externalId)) identities.push(identity);
    }
  }
  return identities;
}

/**
 * A refund's money: its successful refund transactions; without any, its refunded lines (subtotal and tax).
 * Undefined when it refunds no money (a restock only).
 */
export function shopifyRefund(refund: ShopifyRefund, orderCurrency?: string): OrderRefund | undefined {
  const paid = (refund.transactions ?? []).filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success');
  let money: Money | undefined;
  if (paid.length > 0) {
    const currency = paid[0]?.currency ?? orderCurrency;
    if (!currency) throw new InvalidInput(`refund ${refund.id} has no currency`);
    money = { amount: sumDecimals(paid.map((t) => absDecimal(t.amount)), '0.00'), currency };
  } else {
    const sets = (refund.refund_line_items ?? []).flatMap((l) => [l.subtotal_set, l.total_tax_set]).filter((s) => s != null);
    const currency = sets[0]?.shop_money.currency_code ?? orderCurrency;
    if (sets.length > 0 && currency) money = { amount: sumDecimals(sets.map((s) => absDecimal(s.shop_money.amount)), '0.00'), currency };
  }
  if (!money || !isPositive(money)) return undefined;
  return { refundId: refund.id, amount: money, at: refund.processed_at ?? refund.created_at };
}

/** orders/create, orders/paid and orders/cancelled all carry the whole order: one snapshot each. */
export function shopifyOrderSnapshot(order: ShopifyOrder): OrderSnapshot {
  const shopTotal = order.total_price_set?.shop_money;
  const total: Money = shopTotal ? { amount: shopTotal.amount, currency: shopTotal.currency_code } : { amount: order.total_price, currency: order.currency };
  const lineItems: OrderLine[] = order.line_items.map((line) => ({
    productId: line.product_id ?? line.sku ?? line.id,
    quantity: line.quantity,
    price: line.price_set ? { amount: line.price_set.shop_money.amount, currency: line.price_set.shop_money.currency_code } : { amount: line.price ?? '0', currency: total.currency },
  }));
  const status = order.financial_status ?? undefined;
  const changedAt = order.updated_at ?? order.processed_at ?? order.created_at;
  const refunds = (order.refunds ?? []).map((r) => shopifyRefund(r, total.currency)).filter((r): r is OrderRefund => r !== undefined);
  const cancelledAt = order.cancelled_at ?? (status === 'voided' ? changedAt : undefined);
  const name = nameOf(order.customer?.first_name, order.customer?.last_name) ?? order.billing_address?.name ?? undefined;
  return {
    store: 'shopify',
    orderId: order.id,
    ...(order.name ? { orderNumber: order.name } : {}),
    buyer: { identities: buyerIdentities(order.customer, order), ...(name !== undefined && { displayName: name }), ...namesOf(order.customer?.first_name, order.customer?.last_name) },
    total,
    lineItems,
    placedAt: order.created_at,
    ...(status !== undefined && { storeStatus: status }),
    ...(status !== undefined && PAID.has(status) && { paidAt: changedAt }),
    ...(cancelledAt !== undefined && { cancelledAt }),
    refunds,
    ...(order.updated_at ? { updatedAt: order.updated_at } : {}),
  };
}

/** refunds/create: the refund alone; it adds to the order only when that order is known. */
export function shopifyRefundNotice(refund: ShopifyRefund): RefundNotice | undefined {
  const money = shopifyRefund(refund);
  return money && { store: 'shopify', orderId: refund.order_id, refund: money };
}

/** customers/create and customers/update: who the person is. */
export function shopifyPerson(customer: ShopifyCustomer): { identities: IdentityInput[] } & PersonNames {
  const name = nameOf(customer.first_name, customer.last_name);
  return { identities: buyerIdentities(customer), ...(name !== undefined && { displayName: name }), ...namesOf(customer.first_name, customer.last_name) };
}

/**
 * The delivery's dedupe key: X-Shopify-Event-Id is shared by every delivery of one merchant action. Without
 * it, the resource id and topic (and the customer's update time, as a customer is updated many times).
 */
export function shopifyDeliveryKey(eventId: string | undefined, topic: ShopifyTopic, resource: { id: string; updated_at?: string | null }): string {
  if (eventId?.trim()) return `event:${eventId.trim()}`;
  const suffix = topic === 'customers/update' && resource.updated_at ? `:${resource.updated_at}` : '';
  return `${topic}:${resource.id}${suffix}`;
}
