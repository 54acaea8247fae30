/**
 * The activity figures (last seen, interactions per channel) kept on the knowledge record: once per event, whatever
 * the consent, never moving "last seen" back, seeded from a profile that kept them before, and added up by a merge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeCustomerKnowledge, mergeCustomerKnowledge, updateCustomerKnowledge } from '../../../domain/knowledge/knowledge.js';
import { customer, fakeKnowledgePorts } from '../../support/knowledge-fakes.js';

const NOW = '2026-06-01T12:00:00.000Z';
const interaction = (eventId: string, channel: string, occurredAt: string) => ({ tenantId: 't1', customerId: 'a', eventId, activity: { channel, occurredAt } });

describe('activity on the knowledge record', () => {
  it('counts each event once per channel and keeps the latest time, for a person without consent too', async () => {
    const f = fakeKnowledgePorts(NOW, [customer('a')]);
    await updateCustomerKnowledge(f.ports, interaction('e1', 'facebook', '2026-05-01T10:00:00Z'));
    await updateCustomerKnowledge(f.ports, interaction('e2', 'x', '2026-05-03T10:00:00Z'));
    // a redelivery, and an older interaction delivered late
    expect((await updateCustomerKnowledge(f.ports, interaction('e2', 'x', '2026-05-03T10:00:00Z'))).outcome).toBe('duplicate');
    await updateCustomerKnowledge(f.ports, interaction('e3', 'facebook', '2026-04-01T10:00:00Z'));
    const { activity } = await describeCustomerKnowledge(f.ports, f.profiles.get('a')!);
    expect(activity).toEqual({ lastInteractionAt: '2026-05-03T10:00:00Z', interactionsByChannel: { facebook: 2, x: 1 } });
  });

  it('starts from the figures a profile kept before the record had any', async () => {
    const f = fakeKnowledgePorts(NOW, [customer('a', { activity: { lastInteractionAt: '2026-01-02T00:00:00Z', interactionsByChannel: { facebook: 7 } } })]);
    await updateCustomerKnowledge(f.ports, interaction('e1', 'facebook', '2026-05-01T10:00:00Z'));
    expect((await describeCustomerKnowledge(f.ports, f.profiles.get('a')!)).activity).toEqual({ lastInteractionAt: '2026-05-01T10:00:00Z', interactionsByChannel: { facebook: 8 } });
  });

  it('adds the merged record to the survivor once', async () => {
    const f = fakeKnowledgePorts(NOW, [customer('a'), customer('b')]);
    await updateCustomerKnowledge(f.ports, interaction('e1', 'facebook', '2026-05-01T10:00:00Z'));
    await updateCustomerKnowledge(f.ports, { ...interaction('e2', 'facebook', '2026-05-02T10:00:00Z'), customerId: 'b' });
    await updateCustomerKnowledge(f.ports, { ...interaction('e3', 'x', '2026-05-04T10:00:00Z'), customerId: 'b' });
    await mergeCustomerKnowledge(f.ports, { tenantId: 't1', eventId: 'm1', survivorId: 'a', mergedId: 'b' });
    expect((await mergeCustomerKnowledge(f.ports, { tenantId: 't1', eventId: 'm1', survivorId: 'a', mergedId: 'b' })).outcome).not.toBe('updated');
    expect((await describeCustomerKnowledge(f.ports, f.profiles.get('a')!)).activity).toEqual({ lastInteractionAt: '2026-05-04T10:00:00Z', interactionsByChannel: { facebook: 2, x: 1 } });
  });

  it('ends the same whatever order the events arrive in, redeliveries included', async () => {
    const event = fc.record({ channel: fc.constantFrom('facebook', 'x', 'instagram'), day: fc.integer({ min: 1, max: 28 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), async (events, repeats) => {
        const f = fakeKnowledgePorts(NOW, [customer('a')]);
        const deliveries = events.map((e, i) => interaction(`e${i}`, e.channel, `2026-05-${String(e.day).padStart(2, '0')}T10:00:00Z`));
        for (const r of repeats) deliveries.push(deliveries[r % deliveries.length]!);
        for (const d of [...deliveries].reverse()) await updateCustomerKnowledge(f.ports, d);
        const counts: Record<string, number> = {};
        for (const e of events) counts[e.channel] = (counts[e.channel] ?? 0) + 1;
        const last = events.map((e) => e.day).sort((a, b) => b - a)[0]!;
        expect((await describeCustomerKnowledge(f.ports, f.profiles.get('a')!)).activity).toEqual({
          lastInteractionAt: `2026-05-${String(last).padStart(2, '0')}T10:00:00Z`,
          interactionsByChannel: counts,
        });
      }),
      { numRuns: 50 },
    );
  });
});
