import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../domain/shared/errors.js';
import {
  isShopifyTopic,
  ShopifyCustomer,
  shopifyDeliveryKey,
  ShopifyOrder,
  shopifyOrderSnapshot,
  shopifyPerson,
  ShopifyRefund,
  shopifyRefund,
  shopifyRefundNotice,
} from '../../../domain/commerce/ingest/shopify.js';
import { parseJsonExact } from '../../../domain/shared/money.js';
import { sample } from '../../support/webhooks.js';

const order = () => ShopifyOrder.parse(parseJsonExact(sample('shopify-orders-create.json')));

describe('Shopify orders/create sample', () => {
  it('reads ids beyond 2^53 exactly and money as decimal strings', () => {
    const snapshot = shopifyOrderSnapshot(order());
    expect(snapshot.orderId).toBe('820982911946154508');
    expect(snapshot.buyer.identities).toEqual([
      { channel: 'shopify', externalId: '115310627314723954' },
      { channel: 'email', externalId: 'john@example.com' },
      { channel: 'email', externalId: 'jon@example.com' },
    ]);
    expect(snapshot.total).toEqual({ amount: '404.95', currency: 'USD' });
    expect(snapshot.lineItems.map((l) => l.productId)).toEqual(['788032119674292922', 'LENS-PROTECT-2YR', 'CASE-LEATHER-PREM', '788032119674292922', '788032119674292922']);
    expect(snapshot.lineItems[3]).toEqual({ productId: '788032119674292922', quantity: 1, price: { amount: '159.99', currency: 'USD' } });
  });

  it('reads times with offsets as UTC and a voided, cancelled order as cancelled and unpaid', () => {
    const snapshot = shopifyOrderSnapshot(order());
    expect(snapshot.placedAt).toBe('2022-01-01T00:00:00.000Z');
    expect(snapshot).toMatchObject({ cancelledAt: '2022-01-01T00:00:00.000Z', storeStatus: 'voided', orderNumber: '#9999' });
    expect(snapshot.paidAt).toBeUndefined();
    expect(snapshot.buyer.displayName).toBe('John Smith');
  });

  it('leaves out a phone that is not a phone number ("555-555-SHIP"), and takes a guest from the e-mail', () => {
    const guest = shopifyOrderSnapshot({ ...order(), customer: null, phone: '555-555-SHIP' });
    expect(guest.buyer.identities).toEqual([{ channel: 'email', externalId: 'jon@example.com' }]);
    expect(guest.buyer.displayName).toBe('Steve Shipper');
  });

  it('refuses a float-looking money string or an id given as an unsafe number', () => {
    expect(ShopifyOrder.safeParse({ ...order(), total_price: '404,95' }).success).toBe(false);
    expect(ShopifyOrder.safeParse({ ...order(), id: 820982911946154500 }).success).toBe(false);
    expect(ShopifyOrder.safeParse({ ...order(), id: 727 }).success).toBe(true);
  });
});

describe('Shopify refunds', () => {
  const refund = (transactions: unknown[], lines: unknown[] = []) =>
    ShopifyRefund.parse(
      parseJsonExact(
        JSON.stringify({ id: 1, order_id: 2, created_at: '2022-01-02T10:00:00-05:00', transactions, refund_line_items: lines }).replace('"order_id":2', '"order_id":820982911946154508'),
      ),
    );

  it('adds up the successful refund transactions exactly', () => {
    const r = refund([
      { kind: 'refund', status: 'success', amount: '0.10', currency: 'USD' },
      { kind: 'refund', status: 'success', amount: '0.20', currency: 'USD' },
      { kind: 'refund', status: 'failure', amount: '99.00', currency: 'USD' },
      { kind: 'sale', status: 'success', amount: '5.00', currency: 'USD' },
    ]);
    expect(shopifyRefundNotice(r)).toEqual({ store: 'shopify', orderId: '820982911946154508', refund: { refundId: '1', amount: { amount: '0.30', currency: 'USD' }, at: '2022-01-02T15:00:00.000Z' } });
  });

  it('falls back to the refunded lines, and ignores a refund of no money', () => {
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' } });
    expect(shopifyRefund(refund([], [{ subtotal_set: set('10.00'), total_tax_set: set('2.10') }]))?.amount).toEqual({ amount: '12.10', currency: 'EUR' });
    expect(shopifyRefund(refund([]))).toBeUndefined();
  });

  it('refuses refund money without any currency', () => {
    expect(() => shopifyRefund(refund([{ kind: 'refund', status: 'success', amount: '1.00' }]))).toThrow(InvalidInput);
  });
});

describe('Shopify customers and delivery keys', () => {
  it('reads the customers/create sample', () => {
    const person = shopifyPerson(ShopifyCustomer.parse(parseJsonExact(sample('shopify-customers-create.json'))));
    expect(person).toEqual({ identities: [{ channel: 'shopify', externalId: '706405506930370084' }, { channel: 'email', externalId: 'bob@biller.com' }], displayName: 'Bob Biller', givenName: 'Bob', familyName: 'Biller' });
  });

  it('dedupes on the event id, else on the resource and topic (and update time for customers)', () => {
    expect(shopifyDeliveryKey('59d6d79c', 'orders/paid', { id: '1' })).toBe('event:59d6d79c');
    expect(shopifyDeliveryKey(undefined, 'orders/paid', { id: '1' })).toBe('orders/paid:1');
    expect(shopifyDeliveryKey(' ', 'customers/update', { id: '7', updated_at: '2022-02-01T00:00:00-05:00' })).toBe('customers/update:7:2022-02-01T00:00:00-05:00');
    expect(isShopifyTopic('refunds/create')).toBe(true);
    expect(isShopifyTopic('products/update')).toBe(false);
  });
});

describe('a Shopify order missing fields we can do without', () => {
  it('is read without line skus and without a line price when price_set is there', () => {
    const raw = JSON.parse(sample('shopify-orders-create.json'));
    for (const line of raw.line_items) {
      delete line.sku;
      if (line.price_set) delete line.price;
    }
    const snapshot = shopifyOrderSnapshot(ShopifyOrder.parse(parseJsonExact(JSON.stringify(raw))));
    expect(snapshot.lineItems.length).toBe(raw.line_items.length);
    expect(snapshot.lineItems.every((l) => /^\d+(\.\d+)?$/.test(l.price.amount))).toBe(true);
  });
});
