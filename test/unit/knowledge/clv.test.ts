/**
 * CLV in exact decimals, and the order inputs it is computed from (what counts as a purchase).
 */
import { describe, expect, it } from 'vitest';
import { computeClv, scaleDecimal } from '../../../domain/knowledge/clv.js';
import { applyOrderPlaced, applyOrderRefunded, applyOrderStatus, emptyInputs, orderSummary, type KnowledgeInputs } from '../../../domain/knowledge/knowledge.js';

const EUR = (amount: string) => ({ amount, currency: 'EUR' });
const order = (orderId: string, amount: string, at: string, extra: Partial<Parameters<typeof applyOrderPlaced>[1]> = {}) => ({
  store: 'shopify',
  orderId,
  total: EUR(amount),
  lineItems: [{ productId: 'p1', quantity: 1, price: EUR(amount) }],
  at,
  ...extra,
});

describe('scaleDecimal: value × multiplier ÷ divisor, one rounding at the end', () => {
  it('is exact where floats are not', () => {
    expect(scaleDecimal('0.10', '3', '1')).toBe('0.30');
    expect(scaleDecimal('19.99', '365', '400')).toBe('18.24'); // 18.240875
  });

  it('rounds half away from zero, for negative values too', () => {
    expect(scaleDecimal('684.375', '1', '1', 2)).toBe('684.38');
    expect(scaleDecimal('-684.375', '1', '1', 2)).toBe('-684.38');
    expect(scaleDecimal('1.005', '1', '1', 2)).toBe('1.01');
    expect(scaleDecimal('1.004', '1', '1', 2)).toBe('1.00');
  });

  it('keeps the value’s own decimals when it has more than two', () => {
    expect(scaleDecimal('1.250', '2', '1')).toBe('2.500');
  });
});

describe('computeClv', () => {
  it('C1: 480.00 over 5 orders in 50 days, 2.5 years expected → 480.00 × 365 × 2.5 ÷ 365 = 1200.00', () => {
    const clv = computeClv({ orders: 5, netSpend: EUR('480.00'), firstOrderAt: 'x', daysSinceFirstOrder: 50, expectedLifetimeYears: 2.5 });
    expect(clv).toEqual({
      historic: EUR('480.00'),
      predictive: EUR('1200.00'),
      averageOrderValue: EUR('96.00'),
      purchasesPerYear: 5,
      observedDays: 365,
    });
  });

  it('C8: 300.00 once, 400 days ago → 300.00 × 365 × 2.5 ÷ 400 = 684.375 → 684.38', () => {
    const clv = computeClv({ orders: 1, netSpend: EUR('300.00'), firstOrderAt: 'x', daysSinceFirstOrder: 400, expectedLifetimeYears: 2.5 });
    expect(clv.predictive).toEqual(EUR('684.38'));
    expect(clv.purchasesPerYear).toBe(0.9125); // 1 × 365 ÷ 400
    expect(clv.observedDays).toBe(400);
  });

  it('AOV × purchases per year × lifetime is the same product as the exact formula', () => {
    const clv = computeClv({ orders: 3, netSpend: EUR('100.00'), firstOrderAt: 'x', daysSinceFirstOrder: 730, expectedLifetimeYears: 3 });
    // AOV 33.333…, 1.5 purchases a year, 3 years → 150.00
    expect(clv.predictive).toEqual(EUR('150.00'));
    expect(clv.averageOrderValue).toEqual(EUR('33.33'));
  });
});

describe('orderSummary: what counts as a purchase', () => {
  const base = '2026-11-01T00:00:00.000Z';
  const later = '2026-11-10T00:00:00.000Z';

  it('subtracts refunds; a fully refunded, cancelled, failed or pending order does not count', () => {
    let inputs: KnowledgeInputs = emptyInputs();
    inputs = applyOrderPlaced(inputs, order('a', '100.00', base));
    inputs = applyOrderPlaced(inputs, order('b', '50.00', later));
    inputs = applyOrderRefunded(inputs, { store: 'shopify', orderId: 'a', amount: EUR('20.00'), at: later });
    inputs = applyOrderPlaced(inputs, order('c', '70.00', later));
    inputs = applyOrderRefunded(inputs, { store: 'shopify', orderId: 'c', amount: EUR('70.00'), at: later });
    inputs = applyOrderPlaced(inputs, order('d', '10.00', later, { status: 'pending' }));
    inputs = applyOrderPlaced(inputs, order('e', '10.00', later));
    inputs = applyOrderStatus(inputs, { store: 'shopify', orderId: 'e', to: 'cancelled', total: EUR('10.00'), at: later });
    const s = orderSummary(inputs);
    expect(s).toMatchObject({ orders: 2, notCounted: 3, currency: 'EUR', netSpend: '130.00', grossSpend: '150.00', refunded: '20.00', firstOrderAt: base, lastOrderAt: later });
  });

  it('counts a pending order once the store reports it paid', () => {
    let inputs = applyOrderPlaced(emptyInputs(), order('d', '10.00', base, { status: 'pending' }));
    expect(orderSummary(inputs).orders).toBe(0);
    inputs = applyOrderStatus(inputs, { store: 'shopify', orderId: 'd', to: 'paid', total: EUR('10.00'), at: later });
    expect(orderSummary(inputs)).toMatchObject({ orders: 1, netSpend: '10.00' });
  });

  it('keeps a refund that arrives before its order, and the same order placed twice counts once', () => {
    let inputs = applyOrderRefunded(emptyInputs(), { store: 'shopify', orderId: 'a', amount: EUR('5.00'), at: later });
    expect(orderSummary(inputs).orders).toBe(0);
    inputs = applyOrderPlaced(inputs, order('a', '30.00', base));
    inputs = applyOrderPlaced(inputs, order('a', '30.00', base));
    expect(orderSummary(inputs)).toMatchObject({ orders: 1, netSpend: '25.00', refunded: '5.00' });
  });

  it('takes the cumulative refunded total when the store sends it (order of refunds does not matter)', () => {
    let inputs = applyOrderPlaced(emptyInputs(), order('a', '30.00', base));
    inputs = applyOrderRefunded(inputs, { store: 'shopify', orderId: 'a', amount: EUR('10.00'), refundedTotal: EUR('15.00'), at: later });
    inputs = applyOrderRefunded(inputs, { store: 'shopify', orderId: 'a', amount: EUR('5.00'), refundedTotal: EUR('5.00'), at: base });
    // refunds only accumulate: the largest cumulative total seen (15.00) stands, whatever arrived last
    expect(orderSummary(inputs).netSpend).toBe('15.00');
  });

  it('sums one currency; other currencies are shown apart, not converted', () => {
    let inputs = applyOrderPlaced(emptyInputs(), order('a', '30.00', base));
    inputs = applyOrderPlaced(inputs, order('b', '40.00', later));
    inputs = applyOrderPlaced(inputs, { ...order('c', '99.99', later), total: { amount: '99.99', currency: 'USD' } });
    expect(orderSummary(inputs)).toMatchObject({ orders: 3, currency: 'EUR', netSpend: '70.00', otherCurrencies: { USD: '99.99' } });
    expect(orderSummary(inputs, 'USD')).toMatchObject({ netSpend: '99.99', otherCurrencies: { EUR: '70.00' } });
  });

  it('keeps orders apart per store: the same order id in two stores is two orders', () => {
    let inputs = applyOrderPlaced(emptyInputs(), order('1001', '10.00', base));
    inputs = applyOrderPlaced(inputs, { ...order('1001', '20.00', later), store: 'woocommerce' });
    expect(orderSummary(inputs)).toMatchObject({ orders: 2, netSpend: '30.00', stores: ['shopify', 'woocommerce'] });
  });
});
