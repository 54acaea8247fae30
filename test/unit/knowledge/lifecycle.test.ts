/**
 * Lifecycle stage and churn risk: the documented rules, and how orders, refunds and consent move a
 * customer through them (through computeKnowledge, as the consumer and the API compute them).
 */
import { describe, expect, it } from 'vitest';
import {
  applyConsentChange,
  applyInteraction,
  applyOrderPlaced,
  applyOrderRefunded,
  computeKnowledge,
  DEFAULT_SETTINGS,
  emptyInputs,
  type KnowledgeInputs,
} from '../../../domain/knowledge/knowledge.js';
import { churnRisk, lifecycleStage, type StageInputs } from '../../../domain/knowledge/lifecycle.js';
import { customer } from '../../support/knowledge-fakes.js';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const none: StageInputs = {
  orders: 0,
  previousStage: 'prospect',
  marketingConsent: false,
  contactIdentity: false,
  registered: false,
  socialProfiling: false,
  advocacySignals: 0,
  weightedSentiment: null,
};

describe('lifecycleStage', () => {
  it.each([
    [{}, 'prospect'],
    [{ contactIdentity: true }, 'lead'],
    [{ marketingConsent: true }, 'lead'],
    [{ registered: true }, 'lead'],
    [{ previousStage: 'lead' as const }, 'lead'],
    [{ orders: 1 }, 'customer'],
    [{ orders: 2 }, 'repeat'],
    [{ orders: 3 }, 'repeat'],
    [{ orders: 4 }, 'loyal'],
    [{ orders: 4, socialProfiling: true, advocacySignals: 2, weightedSentiment: 0.4 }, 'advocate'],
    [{ orders: 4, socialProfiling: true, advocacySignals: 2, weightedSentiment: null }, 'advocate'],
    [{ orders: 4, socialProfiling: true, advocacySignals: 2, weightedSentiment: -0.1 }, 'loyal'],
    [{ orders: 4, socialProfiling: true, advocacySignals: 1, weightedSentiment: 0.9 }, 'loyal'],
    [{ orders: 4, socialProfiling: false, advocacySignals: 9, weightedSentiment: 0.9 }, 'loyal'],
    [{ orders: 3, socialProfiling: true, advocacySignals: 9, weightedSentiment: 0.9 }, 'repeat'],
  ] as const)('%o → %s', (over, stage) => {
    expect(lifecycleStage({ ...none, ...over })).toBe(stage);
  });

  it('follows the counted orders down too: a previous stage only keeps a lead a lead', () => {
    expect(lifecycleStage({ ...none, previousStage: 'customer' })).toBe('prospect');
    expect(lifecycleStage({ ...none, previousStage: 'loyal', orders: 2 })).toBe('repeat');
  });
});

describe('churnRisk', () => {
  it.each([
    // 1 order: by days since it
    [{ orders: 1, daysSinceLastOrder: 89, daysBetweenFirstAndLast: 0 }, 'low'],
    [{ orders: 1, daysSinceLastOrder: 90, daysBetweenFirstAndLast: 0 }, 'medium'],
    [{ orders: 1, daysSinceLastOrder: 180, daysBetweenFirstAndLast: 0 }, 'high'],
    // C1: 5 orders over 40 days → every 10 days; 10 days since → ratio 1
    [{ orders: 5, daysSinceLastOrder: 10, daysBetweenFirstAndLast: 40 }, 'low'],
    // C7: 2 orders 100 days apart; 200 days since → ratio 2
    [{ orders: 2, daysSinceLastOrder: 200, daysBetweenFirstAndLast: 100 }, 'medium'],
    // C9: 3 orders over 20 days → every 10; 250 days since → ratio 25
    [{ orders: 3, daysSinceLastOrder: 250, daysBetweenFirstAndLast: 20 }, 'high'],
    // a year without an order is high whatever the rhythm
    [{ orders: 2, daysSinceLastOrder: 365, daysBetweenFirstAndLast: 700 }, 'high'],
  ] as const)('%o → %s', (inputs, risk) => {
    expect(churnRisk(inputs).risk).toBe(risk);
  });

  it('explains the ratio, and has none without orders', () => {
    expect(churnRisk({ orders: 2, daysSinceLastOrder: 200, daysBetweenFirstAndLast: 100 })).toEqual({ risk: 'medium', averageDaysBetweenOrders: 100, ratio: 2 });
    expect(churnRisk({ orders: 0, daysSinceLastOrder: 0, daysBetweenFirstAndLast: 0 })).toEqual({ risk: null, averageDaysBetweenOrders: null, ratio: null });
  });
});

describe('stages computed from the inputs', () => {
  const ctx = { settings: DEFAULT_SETTINGS, now: NOW };
  const placed = (inputs: KnowledgeInputs, id: string, days: number, amount = '40.00') =>
    applyOrderPlaced(inputs, {
      store: 'shopify',
      orderId: id,
      total: { amount, currency: 'EUR' },
      lineItems: [{ productId: 'p', quantity: 1, price: { amount, currency: 'EUR' } }],
      at: ago(days),
    });
  const loyalAdvocate = () => {
    let inputs = emptyInputs();
    for (const [i, d] of [40, 30, 20, 10].entries()) inputs = placed(inputs, `o${i}`, d);
    inputs = applyInteraction(inputs, { channel: 'instagram', kind: 'review', sentiment: 0.8, at: ago(1) }, DEFAULT_SETTINGS);
    inputs = applyInteraction(inputs, { channel: 'instagram', kind: 'share', sentiment: null, at: ago(1) }, DEFAULT_SETTINGS);
    return applyConsentChange(inputs, { purpose: 'social_profiling', channel: 'all', status: 'granted', at: ago(2) });
  };
  const stageOf = (inputs: KnowledgeInputs, c = customer('c1')) => computeKnowledge(inputs, c, ctx).lifecycle.value?.stage;

  it('a loyal customer with consent and two advocacy signals is an advocate; withdrawing the consent makes them loyal at once', () => {
    const advocate = loyalAdvocate();
    expect(stageOf(advocate)).toBe('advocate');
    const withdrawn = applyConsentChange(advocate, { purpose: 'social_profiling', channel: 'all', status: 'withdrawn', at: ago(0) });
    expect(stageOf(withdrawn)).toBe('loyal');
    const k = computeKnowledge(withdrawn, customer('c1'), ctx);
    expect(k.lifecycle.inputs).toMatchObject({ socialProfiling: false, advocacySignals: null });
  });

  it('an older consent event does not override a newer one, from the profile or from events', () => {
    const advocate = loyalAdvocate();
    const stale = applyConsentChange(advocate, { purpose: 'social_profiling', channel: 'all', status: 'withdrawn', at: ago(30) });
    expect(stageOf(stale)).toBe('advocate');
    const profileWithdrew = customer('c1', { consentSummary: { social_profiling: { status: 'withdrawn', at: ago(0) } } });
    expect(stageOf(advocate, profileWithdrew)).toBe('loyal');
  });

  it('an e-mail identity makes a prospect a lead; a refunded only order makes a customer a lead again', () => {
    const withEmail = customer('c2', {
      identities: [{ channel: 'email', externalId: 'ana@example.com', firstSeenAt: ago(9) }],
    });
    expect(stageOf(emptyInputs(), withEmail)).toBe('lead');
    const bought = placed(emptyInputs(), 'only', 3);
    expect(stageOf(bought, withEmail)).toBe('customer');
    const refunded = applyOrderRefunded(bought, { store: 'shopify', orderId: 'only', amount: { amount: '40.00', currency: 'EUR' }, at: ago(1) });
    expect(stageOf(refunded, withEmail)).toBe('lead');
    expect(stageOf(refunded)).toBe('prospect');
  });
});
