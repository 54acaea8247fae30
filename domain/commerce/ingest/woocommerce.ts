/**
 * WooCommerce webhooks: the topics we handle, the save-time ping, and how an order or a customer (the REST
 * v3 representation Woo posts) becomes an order snapshot or a person. Facts: shared/WEBHOOKS.md.
 *
 * Woo does not retry and has no stable delivery id: a delivery is known by the resource id and its
 * `date_modified_gmt`. `order.updated` carries the whole order, so status changes, cancellations and
 * refunds (the order's `refunds` list, negative totals) are all read from the same snapshot.
 */
import { z } from 'zod';
import type { IdentityInput } from '../../customers/identity.js';
import { absDecimal, compareDecimal } from '../../shared/money.js';
import { CurrencyCode, DecimalText, GmtTime, StoreId, type OrderLine, type OrderRefund, type OrderSnapshot } from '../orders.js';
import { contactIdentities } from '../../customers/index.js';
import type { PersonNames } from '../../shared/customer.js';

export const WOOCOMMERCE_TOPICS = ['order.created', 'order.updated', 'customer.created'] as const;
export type WooTopic = (typeof WOOCOMMERCE_TOPICS)[number];

export function isWooTopic(topic: string): topic is WooTopic {
  return (WOOCOMMERCE_TOPICS as readonly string[]).includes(topic);
}

/** The unsigned POST Woo makes when a webhook is saved: a form body `webhook_id=<id>`. */
export function isWooPing(body: Buffer): boolean {
  return /^webhook_id=\d+$/.test(body.toString('utf8').trim());
}

const Text = z.string().nullish();

const Billing = z.object({ first_name: Text, last_name: Text, email: Text, phone: Text }).partial();

export const WooOrder = z.object({
  id: StoreId,
  number: z.union([z.string(), z.number()]).nullish(),
  status: z.string().min(1),
  currency: CurrencyCode,
  date_created_gmt: GmtTime,
  date_modified_gmt: GmtTime,
  date_paid_gmt: GmtTime.nullish(),
  total: DecimalText,
  customer_id: StoreId,
  billing: Billing.nullish(),
  line_items: z.array(
    z.object({
      id: StoreId,
      product_id: StoreId.nullish(),
      sku: Text,
      quantity: z.number().int(),
      // optional: Woo leaves it out for some product types and extensions; the line's total stands in for it
      price: DecimalText.nullish(),
      total: DecimalText.nullish(),
    }),
  ),
  refunds: z.array(z.object({ id: StoreId, total: DecimalText })).nullish(),
});
export type WooOrder = z.infer<typeof WooOrder>;

export const WooCustomer = z.object({
  id: StoreId,
  date_modified_gmt: GmtTime.nullish(),
  email: Text,
  first_name: Text,
  last_name: Text,
  billing: Billing.nullish(),
});
export type WooCustomer = z.infer<typeof WooCustomer>;

const PAID = new Set(['processing', 'completed', 'refunded']);

const nameOf = (first?: string | null, last?: string | null) => [first, last].filter((p) => p && p.trim()).join(' ').trim() || undefined;
/** The store's first and last names as the record keeps them (given, family), beside the display name. */
const namesOf = (first?: string | null, last?: string | null) => ({ ...(first?.trim() && { givenName: first.trim() }), ...(last?.trim() && { familyName: last.trim() }) });

/** The registered customer's Woo id (0 is a guest), then the billing e-mail and phone (unusable phones left out). */
function identities(customerId: string, contact: { email?: string | null; phone?: string | null }): IdentityInput[] {
  return [
    ...(customerId !== '0' ? [{ channel: 'woocommerce' as const, externalId: customerId }] : []),
    ...contactIdentities({ email: contact.email ?? undefined, phone: contact.phone ?? undefined }, false),
  ];
}

export function wooOrderSnapshot(order: WooOrder): OrderSnapshot {
  const currency = order.currency;
  const modified = order.date_modified_gmt;
  const lineItems: OrderLine[] = order.line_items.map((line) => ({
    productId: line.product_id && line.product_id !== '0' ? line.product_id : (line.sku || line.id),
    quantity: line.quantity,
    price: { amount: line.price ?? (line.quantity === 1 && line.total ? line.total : '0'), currency },
  }));
  // Woo lists refunds without a date: they count from the modification that reported them
  const refunds: OrderRefund[] = (order.refunds ?? [])
    .filter((r) => compareDecimal(r.total, '0') !== 0)
    .map((r) => ({ refundId: r.id, amount: { amount: absDecimal(r.total), currency }, at: modified }));
  const paidAt = order.date_paid_gmt ?? (PAID.has(order.status) ? modified : undefined);
  const billing = order.billing ?? {};
  const name = nameOf(billing.first_name, billing.last_name);
  return {
    store: 'woocommerce',
    orderId: order.id,
    ...(order.number != null && order.number !== '' && { orderNumber: String(order.number) }),
    buyer: { identities: identities(order.customer_id, billing), ...(name !== undefined && { displayName: name }), ...namesOf(billing.first_name, billing.last_name) },
    total: { amount: order.total, currency },
    lineItems,
    placedAt: order.date_created_gmt,
    storeStatus: order.status,
    ...(paidAt !== undefined && { paidAt }),
    ...(order.status === 'cancelled' && { cancelledAt: modified }),
    ...(order.status === 'failed' && { failedAt: modified }),
    refunds,
    updatedAt: modified,
  };
}

export function wooPerson(customer: WooCustomer): { identities: IdentityInput[] } & PersonNames {
  const name = nameOf(customer.first_name, customer.last_name);
  const contact = { email: customer.email ?? customer.billing?.email, phone: customer.billing?.phone };
  return { identities: identities(customer.id, contact), ...(name !== undefined && { displayName: name }), ...namesOf(customer.first_name, customer.last_name) };
}

/** Resource id + date_modified_gmt: what one state of the resource is (Woo's delivery id is not stable). */
export function wooDeliveryKey(resource: 'order' | 'customer', id: string, modifiedAt: string | null | undefined): string {
  return `${resource}:${id}:${modifiedAt ?? 'unmodified'}`;
}
