/**
 * The segment rule language (validation), its three-valued evaluation, and membership kept current by
 * knowledge changes (with the knowledge store's transaction semantics, in memory).
 */
import { describe, expect, it } from 'vitest';
import {
  applyConsentChange,
  applyInteraction,
  applyOrderPlaced,
  computeKnowledge,
  DEFAULT_SETTINGS,
  emptyInputs,
  forgetCustomerKnowledge,
  mergeCustomerKnowledge,
  updateCustomerKnowledge,
  type KnowledgeInputs,
} from '../../../domain/knowledge/knowledge.js';
import { Conflict } from '../../../domain/shared/errors.js';
import {
  defineSegment,
  evaluateRule,
  MAX_SEGMENTS_PER_TENANT,
  SegmentRuleInput,
  segmentSubject,
  type SegmentDefinition,
  type SegmentRule,
  type SegmentSubject,
} from '../../../domain/segments/segments.js';
import { customer, fakeKnowledgePorts } from '../../support/knowledge-fakes.js';

const NOW = '2026-11-23T10:00:00.000Z';
const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

describe('rule language', () => {
  const valid: SegmentRule[] = [
    { field: 'stage', op: 'eq', value: 'loyal' },
    { field: 'stage', op: 'in', value: ['loyal', 'advocate'] },
    { field: 'rfm.class', op: 'notIn', value: ['hibernating', 'at_risk'] },
    { field: 'rfm.recency', op: 'gte', value: 4 },
    { field: 'clv.predictive', op: 'gt', value: '250.00' },
    { field: 'clv.historic', op: 'lte', value: 99.5 },
    { field: 'shares.voice', op: 'gt', value: 0.1 },
    { field: 'daysSinceLastOrder', op: 'lt', value: 30 },
    { field: 'daysSinceLastInteraction', op: 'lte', value: 7 },
    { field: 'tier', op: 'eq', value: 'gold' },
    { field: 'channels', op: 'has', value: 'instagram' },
    { field: 'channels', op: 'hasAny', value: ['email', 'whatsapp'] },
    { field: 'tags', op: 'hasNone', value: ['vip'] },
    { field: 'consent.social_profiling', op: 'eq', value: 'granted' },
    { field: 'consent.marketing.email', op: 'ne', value: 'withdrawn' },
    { and: [{ or: [{ field: 'orders', op: 'gte', value: 2 }, { not: { field: 'churnRisk', op: 'eq', value: 'high' } }] }] },
  ];

  it.each(valid.map((r) => [JSON.stringify(r), r]))('accepts %s', (_, rule) => {
    expect(SegmentRuleInput.safeParse(rule).success).toBe(true);
  });

  it.each([
    ['an unknown field', { field: 'favouriteColour', op: 'eq', value: 'red' }],
    ['a stage that does not exist', { field: 'stage', op: 'eq', value: 'vip' }],
    ['a list for eq', { field: 'stage', op: 'eq', value: ['loyal'] }],
    ['one value for in', { field: 'stage', op: 'in', value: 'loyal' }],
    ['a comparison on a choice', { field: 'stage', op: 'gt', value: 'lead' }],
    ['a string for a number', { field: 'rfm.recency', op: 'gte', value: '4' }],
    ['a float for money', { field: 'clv.historic', op: 'gt', value: '1e3' }],
    ['an unknown channel', { field: 'channels', op: 'has', value: 'myspace' }],
    ['an unknown consent value', { field: 'consent.social_profiling', op: 'eq', value: 'maybe' }],
    ['an extra key', { field: 'orders', op: 'gt', value: 1, weight: 2 }],
    ['an empty and', { and: [] }],
    ['and with or at once', { and: [{ field: 'orders', op: 'gt', value: 1 }], or: [{ field: 'orders', op: 'gt', value: 1 }] }],
  ])('refuses %s', (_, rule) => {
    expect(SegmentRuleInput.safeParse(rule).success).toBe(false);
  });

  it('refuses rules nested deeper than 6 or with more than 50 conditions', () => {
    let deep: SegmentRule = { field: 'orders', op: 'gt', value: 1 };
    for (let i = 0; i < 6; i++) deep = { not: deep };
    expect(SegmentRuleInput.safeParse(deep).success).toBe(false);
    const wide = { or: Array.from({ length: 3 }, () => ({ and: Array.from({ length: 20 }, () => ({ field: 'orders', op: 'gt', value: 1 })) })) };
    const result = SegmentRuleInput.safeParse(wide);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('50 conditions');
  });
});

describe('three-valued evaluation', () => {
  const subject: SegmentSubject = {
    stage: 'loyal',
    choices: { 'rfm.class': 'champions', churnRisk: 'low', tier: null },
    numbers: {
      'rfm.recency': 5,
      'rfm.frequency': 4,
      'rfm.monetary': 3,
      'shares.voice': null,
      'shares.wallet': 0.3,
      'shares.mind': null,
      'shares.heart': null,
      daysSinceLastOrder: 12,
      daysSinceLastInteraction: null,
      orders: 4,
      interactions: null,
    },
    money: { 'clv.historic': '480.00', 'clv.predictive': '1200.00' },
    channels: ['facebook', 'shopify'],
    tags: ['vip'],
    consent: { 'consent.social_profiling': 'none', 'consent.marketing': 'granted' } as SegmentSubject['consent'],
  };
  const unknown: SegmentRule = { field: 'shares.voice', op: 'gt', value: 0.1 };
  const yes: SegmentRule = { field: 'orders', op: 'gte', value: 4 };
  const no: SegmentRule = { field: 'stage', op: 'eq', value: 'prospect' };

  it('compares numbers, exact money, choices, sets and consent', () => {
    expect(evaluateRule({ field: 'clv.historic', op: 'gte', value: '480' }, subject)).toBe(true);
    expect(evaluateRule({ field: 'clv.historic', op: 'gt', value: '480.00' }, subject)).toBe(false);
    expect(evaluateRule({ field: 'rfm.class', op: 'in', value: ['loyal', 'champions'] }, subject)).toBe(true);
    expect(evaluateRule({ field: 'channels', op: 'hasAll', value: ['facebook', 'shopify'] }, subject)).toBe(true);
    expect(evaluateRule({ field: 'channels', op: 'hasAll', value: ['facebook', 'email'] }, subject)).toBe(false);
    expect(evaluateRule({ field: 'tags', op: 'hasNone', value: ['vip'] }, subject)).toBe(false);
    expect(evaluateRule({ field: 'consent.marketing', op: 'eq', value: 'granted' }, subject)).toBe(true);
    expect(evaluateRule({ field: 'consent.social_profiling', op: 'ne', value: 'granted' }, subject)).toBe(true);
  });

  it('a figure that is not known is UNKNOWN, and not UNKNOWN is still UNKNOWN (never a member)', () => {
    expect(evaluateRule(unknown, subject)).toBeNull();
    expect(evaluateRule({ not: unknown }, subject)).toBeNull();
    expect(evaluateRule({ field: 'tier', op: 'ne', value: 'gold' }, subject)).toBeNull();
  });

  it('and/or follow Kleene: false wins an and, true wins an or', () => {
    expect(evaluateRule({ and: [unknown, no] }, subject)).toBe(false);
    expect(evaluateRule({ and: [unknown, yes] }, subject)).toBeNull();
    expect(evaluateRule({ or: [unknown, yes] }, subject)).toBe(true);
    expect(evaluateRule({ or: [unknown, no] }, subject)).toBeNull();
    expect(evaluateRule({ not: { or: [no, no] } }, subject)).toBe(true);
  });
});

const seg = (id: string, rule: SegmentRule): SegmentDefinition => ({ id, tenantId: 't1', name: id, rule, status: 'ready', createdAt: NOW, createdBy: 'u' });
const placed = (id: string, days: number, amount: string) => (inputs: KnowledgeInputs) =>
  applyOrderPlaced(inputs, {
    store: 'shopify',
    orderId: id,
    total: { amount, currency: 'EUR' },
    lineItems: [{ productId: 'p', quantity: 1, price: { amount, currency: 'EUR' } }],
    at: ago(days),
  });

describe('membership kept current by knowledge changes', () => {
  function setup() {
    const f = fakeKnowledgePorts(NOW, [customer('c1'), customer('c2')]);
    f.segments.segments.push(
      seg('buyers', { field: 'stage', op: 'in', value: ['customer', 'repeat'] }),
      seg('repeat', { field: 'orders', op: 'gte', value: 2 }),
      seg('fans', { field: 'shares.heart', op: 'gte', value: 0.5 }),
      seg('not-fans', { not: { field: 'shares.heart', op: 'gte', value: 0.5 } }),
    );
    return f;
  }

  it('adds and removes members (and counters) as events change the customer, and moves the stage', async () => {
    const f = setup();
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'e1', change: placed('o1', 3, '10.00') });
    expect(f.knowledge.members.get('buyers')).toEqual(new Set(['c1']));
    expect(f.knowledge.members.get('repeat')).toBeUndefined();
    expect(f.stages.changes).toEqual([{ customerId: 'c1', stage: 'customer' }]);

    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'e2', change: placed('o2', 1, '10.00') });
    expect(f.knowledge.members.get('repeat')).toEqual(new Set(['c1']));
    expect(f.knowledge.counters.get('repeat')).toBe(1);
    expect((await f.knowledge.get('t1', 'c1'))!.record.segments).toEqual(['buyers', 'repeat']);
    expect(f.profiles.get('c1')!.stage).toBe('repeat');
  });

  it('applies an event once: a redelivery is a duplicate and changes nothing', async () => {
    const f = setup();
    const update = { tenantId: 't1', customerId: 'c1', eventId: 'e1', change: placed('o1', 3, '10.00') };
    expect((await updateCustomerKnowledge(f.ports, update)).outcome).toBe('updated');
    expect((await updateCustomerKnowledge(f.ports, { ...update, change: placed('o9', 3, '99.00') })).outcome).toBe('duplicate');
    expect((await f.knowledge.get('t1', 'c1'))!.record.inputs.orders).toHaveProperty(['shopify:o1']);
    expect((await f.knowledge.get('t1', 'c1'))!.record.inputs.orders).not.toHaveProperty(['shopify:o9']);
    expect(f.knowledge.counters.get('buyers')).toBe(1);
  });

  it('starts again from a fresh read when another writer got there first', async () => {
    const f = setup();
    f.knowledge.conflicts = 2;
    expect((await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'e1', change: placed('o1', 3, '10.00') })).outcome).toBe('updated');
    expect(f.knowledge.commits).toBe(1);
  });

  it('social figures decide membership only with consent; withdrawal removes the member at once, and `not` never takes them in', async () => {
    const f = setup();
    const review = (id: string) => (inputs: KnowledgeInputs) =>
      applyInteraction(inputs, { channel: 'instagram', kind: 'review', sentiment: 0.9, at: ago(0) }, DEFAULT_SETTINGS);
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'r1', change: review('r1') });
    expect(f.knowledge.members.get('fans')).toBeUndefined();
    expect(f.knowledge.members.get('not-fans')).toBeUndefined();

    const consent = (status: 'granted' | 'withdrawn', days: number) => (inputs: KnowledgeInputs) =>
      applyConsentChange(inputs, { purpose: 'social_profiling', channel: 'all', status, at: ago(days) });
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'g1', change: consent('granted', 1) });
    expect(f.knowledge.members.get('fans')).toEqual(new Set(['c1']));

    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'w1', change: consent('withdrawn', 0) });
    expect(f.knowledge.members.get('fans')).toEqual(new Set());
    expect(f.knowledge.counters.get('fans')).toBe(0);
    expect(f.knowledge.members.get('not-fans') ?? new Set()).toEqual(new Set());
  });

  it('a merge adds the inputs up on the survivor and takes the merged customer out of every segment', async () => {
    const f = setup();
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'e1', change: placed('o1', 3, '10.00') });
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c2', eventId: 'e2', change: placed('o2', 5, '15.00') });
    expect(f.knowledge.members.get('buyers')).toEqual(new Set(['c1', 'c2']));
    await mergeCustomerKnowledge(f.ports, { tenantId: 't1', eventId: 'm1', survivorId: 'c1', mergedId: 'c2' });
    expect(f.knowledge.members.get('buyers')).toEqual(new Set(['c1']));
    expect(f.knowledge.members.get('repeat')).toEqual(new Set(['c1']));
    expect(f.knowledge.counters.get('buyers')).toBe(1);
    expect(await f.knowledge.get('t1', 'c2')).toBeUndefined();
    expect(Object.keys((await f.knowledge.get('t1', 'c1'))!.record.inputs.orders).sort()).toEqual(['shopify:o1', 'shopify:o2']);
  });

  it('an erasure removes the record and every membership', async () => {
    const f = setup();
    await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: 'c1', eventId: 'e1', change: placed('o1', 3, '10.00') });
    await forgetCustomerKnowledge(f.ports, { tenantId: 't1', eventId: 'x1', customerId: 'c1' });
    expect(await f.knowledge.get('t1', 'c1')).toBeUndefined();
    expect(f.knowledge.members.get('buyers')).toEqual(new Set());
    expect(f.knowledge.counters.get('buyers')).toBe(0);
  });

  it('matches a brute-force evaluation of every customer', async () => {
    const f = setup();
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    for (const id of ids) f.profiles.set(id, customer(id));
    const orders: Record<string, number[]> = { c1: [1], c2: [1, 2, 3], c3: [], c4: [40, 50], c5: [9] };
    let n = 0;
    for (const id of ids) for (const d of orders[id]!) await updateCustomerKnowledge(f.ports, { tenantId: 't1', customerId: id, eventId: `e${++n}`, change: placed(`${id}-${d}`, d, '5.00') });
    for (const s of f.segments.segments) {
      const brute = [];
      for (const id of ids) {
        const stored = await f.knowledge.get('t1', id);
        const inputs = stored?.record.inputs ?? emptyInputs();
        const k = computeKnowledge(inputs, f.profiles.get(id)!, { settings: DEFAULT_SETTINGS, now: new Date(NOW) });
        if (evaluateRule(s.rule, segmentSubject(k, f.profiles.get(id)!, inputs.consent)) === true) brute.push(id);
      }
      expect([...(f.knowledge.members.get(s.id) ?? [])].sort()).toEqual(brute);
      expect(f.knowledge.counters.get(s.id) ?? 0).toBe(brute.length);
    }
    expect([...f.knowledge.members.get('repeat')!].sort()).toEqual(['c2', 'c4']);
  });
});

describe('defineSegment', () => {
  const input = { name: 'Loyal', rule: { field: 'stage', op: 'eq', value: 'loyal' } as SegmentRule };
  const repo = (existing: number) => {
    const created: SegmentDefinition[] = [];
    return {
      created,
      jobs: [] as string[],
      segments: {
        create: async (s: SegmentDefinition, max: number) => (existing + created.length >= max ? false : (created.push(s), true)),
        setJob: async () => undefined,
        get: async () => undefined,
        list: async () => created,
        count: async () => 0,
        members: async () => ({ items: [], nextCursor: null }),
      },
    };
  };

  it('stores the segment as building and starts its back-fill', async () => {
    const r = repo(0);
    const started: string[] = [];
    const segment = await defineSegment(
      { segments: r.segments, customers: { get: async () => undefined }, clock: { now: () => new Date(NOW) }, ids: { next: () => 's1' }, startBackfill: async (_t, id) => (started.push(id), 'job-1') },
      { tenantId: 't1', subject: 'ana' },
      input,
    );
    expect(segment).toMatchObject({ id: 's1', tenantId: 't1', status: 'building', jobId: 'job-1', createdBy: 'ana' });
    expect(started).toEqual(['s1']);
  });

  it(`refuses a tenant's ${MAX_SEGMENTS_PER_TENANT + 1}th segment with Conflict, starting nothing`, async () => {
    const r = repo(MAX_SEGMENTS_PER_TENANT);
    const started: string[] = [];
    await expect(
      defineSegment(
        { segments: r.segments, customers: { get: async () => undefined }, clock: { now: () => new Date(NOW) }, ids: { next: () => 's1' }, startBackfill: async (_t, id) => (started.push(id), 'j') },
        { tenantId: 't1', subject: 'ana' },
        input,
      ),
    ).rejects.toBeInstanceOf(Conflict);
    expect(started).toEqual([]);
  });
});
