import { describe, expect, it } from 'vitest';
import { isWooPing, isWooTopic, WooCustomer, wooDeliveryKey, WooOrder, wooOrderSnapshot, wooPerson } from '../../../domain/commerce/ingest/woocommerce.js';
import { parseJsonExact } from '../../../domain/shared/money.js';
import { sample } from '../../support/webhooks.js';

const order = (edit: (text: string) => string = (t) => t) => WooOrder.parse(parseJsonExact(edit(sample('woocommerce-order-created.rest-api-docs.json'))));

describe('WooCommerce order sample (a guest)', () => {
  it('reads a paid guest order: billing e-mail, GMT times, exact money', () => {
    const snapshot = wooOrderSnapshot(order());
    expect(snapshot).toMatchObject({
      store: 'woocommerce',
      orderId: '727',
      orderNumber: '727',
      total: { amount: '29.35', currency: 'USD' },
      placedAt: '2017-03-22T19:28:02.000Z',
      paidAt: '2017-03-22T19:28:08.000Z',
      storeStatus: 'processing',
      updatedAt: '2017-03-22T19:28:08.000Z',
      refunds: [],
    });
    // customer_id 0 is a guest; "(555) 555-5555" is not international and is left out
    expect(snapshot.buyer).toEqual({ identities: [{ channel: 'email', externalId: 'john.doe@example.com' }], displayName: 'John Doe', givenName: 'John', familyName: 'Doe' });
    expect(snapshot.lineItems).toEqual([
      { productId: '93', quantity: 2, price: { amount: '3', currency: 'USD' } },
      { productId: '22', quantity: 1, price: { amount: '12', currency: 'USD' } },
    ]);
  });

  it('a registered buyer comes first by Woo id; refunds come as positive amounts; cancelled and failed are facts', () => {
    const refunded = wooOrderSnapshot(
      order((t) => t.replace('"customer_id": 0', '"customer_id": 25').replace('"refunds": []', '"refunds": [{"id": 801, "reason": "", "total": "-5.10"}, {"id": 802, "total": "0.00"}]')),
    );
    expect(refunded.buyer.identities[0]).toEqual({ channel: 'woocommerce', externalId: '25' });
    expect(refunded.refunds).toEqual([{ refundId: '801', amount: { amount: '5.10', currency: 'USD' }, at: '2017-03-22T19:28:08.000Z' }]);
    const cancelled = wooOrderSnapshot(order((t) => t.replace('"status": "processing"', '"status": "cancelled"').replace('"date_paid_gmt": "2017-03-22T19:28:08"', '"date_paid_gmt": null')));
    expect(cancelled).toMatchObject({ cancelledAt: '2017-03-22T19:28:08.000Z' });
    expect(cancelled.paidAt).toBeUndefined();
    const failed = wooOrderSnapshot(order((t) => t.replace('"status": "processing"', '"status": "failed"').replace('"date_paid_gmt": "2017-03-22T19:28:08"', '"date_paid_gmt": null')));
    expect(failed.failedAt).toBe('2017-03-22T19:28:08.000Z');
  });

  it('refuses a time with no GMT shape or money that is not exact', () => {
    expect(WooOrder.safeParse({ ...order(), date_modified_gmt: '22/03/2017' }).success).toBe(false);
    expect(WooOrder.safeParse(parseJsonExact(sample('woocommerce-order-created.rest-api-docs.json').replace('"total": "29.35"', '"total": "29,35"'))).success).toBe(false);
  });
});

describe('WooCommerce customers, pings and keys', () => {
  it('reads the customer sample', () => {
    const person = wooPerson(WooCustomer.parse(parseJsonExact(sample('woocommerce-customer-created.rest-api-docs.json'))));
    expect(person).toEqual({ identities: [{ channel: 'woocommerce', externalId: '25' }, { channel: 'email', externalId: 'john.doe@example.com' }], displayName: 'John Doe', givenName: 'John', familyName: 'Doe' });
  });

  it('knows the save-time ping', () => {
    expect(isWooPing(Buffer.from('webhook_id=31'))).toBe(true);
    expect(isWooPing(Buffer.from('webhook_id=31&x=1'))).toBe(false);
    expect(isWooPing(Buffer.from('{"webhook_id":31}'))).toBe(false);
  });

  it('keys a delivery by resource, id and modification time', () => {
    expect(wooDeliveryKey('order', '727', '2017-03-22T19:28:08.000Z')).toBe('order:727:2017-03-22T19:28:08.000Z');
    expect(isWooTopic('order.updated')).toBe(true);
    expect(isWooTopic('order.deleted')).toBe(false);
  });
});

describe('a WooCommerce order missing fields we can do without', () => {
  it('is read without a line price (the line total stands in for one unit) and without a sku', () => {
    const parsed = order((t) => {
      const o = JSON.parse(t);
      for (const line of o.line_items) {
        delete line.price;
        delete line.sku;
      }
      o.line_items[0].quantity = 1;
      return JSON.stringify(o);
    });
    const snapshot = wooOrderSnapshot(parsed);
    expect(snapshot.total).toEqual({ amount: '29.35', currency: 'USD' });
    expect(snapshot.lineItems[0]!.price.amount).toBe(String(parsed.line_items[0]!.total));
    expect(snapshot.lineItems.every((l) => l.price.currency === 'USD')).toBe(true);
  });
});
