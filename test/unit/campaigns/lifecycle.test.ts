import { describe, expect, it } from 'vitest';
import { Conflict } from '../../../domain/shared/errors.js';
import { CAMPAIGN_STATUSES, Creative, transition } from '../../../domain/campaigns/model.js';
import { quietUntil } from '../../../domain/campaigns/quiet-hours.js';
import { render } from '../../../domain/campaigns/templates.js';
import { fromMicros, toMicros } from '../../../domain/campaigns/run.js';
import { part } from '../../../store/keys.js';
import { part as campaignPart } from '../../../store/keys/campaigns.js';

describe('the campaign lifecycle', () => {
  it('walks draft → submitted → approved → scheduled → running → completed → measured', () => {
    let s = transition('draft', 'submit');
    expect(s).toBe('submitted');
    s = transition(s, 'approve');
    s = transition(s, 'launch');
    expect(s).toBe('scheduled');
    s = transition(s, 'start');
    s = transition(s, 'complete');
    expect(transition(s, 'measure')).toBe('measured');
  });

  it('sends an edited approved or submitted campaign back to draft', () => {
    expect(transition('approved', 'edit')).toBe('draft');
    expect(transition('submitted', 'edit')).toBe('draft');
    expect(transition('rejected', 'edit')).toBe('rejected');
  });

  it('refuses every illegal transition with a 409 naming the current status', () => {
    const legal: Record<string, string[]> = { launch: ['approved'], approve: ['submitted'], cancel: ['scheduled', 'running'] };
    for (const [action, from] of Object.entries(legal)) {
      for (const status of CAMPAIGN_STATUSES.filter((s) => !from.includes(s))) {
        try {
          transition(status, action as 'launch');
          expect.unreachable(`${action} from ${status}`);
        } catch (error) {
          expect(error).toBeInstanceOf(Conflict);
          expect((error as Error).message).toContain(`is ${status}`);
        }
      }
    }
    expect(() => transition('running', 'edit')).toThrow(Conflict);
  });

  it('refuses unknown placeholders and an e-mail variant without subject', () => {
    expect(Creative.safeParse({ variants: [{ id: 'A', channel: 'email', subject: 'x', body: 'Hi {{firstname}}' }] }).success).toBe(false);
    expect(Creative.safeParse({ variants: [{ id: 'A', channel: 'email', body: 'Hi' }] }).success).toBe(false);
    expect(Creative.safeParse({ variants: [{ id: 'A', channel: 'email', subject: 's', body: 'Hi {{givenName}}' }] }).success).toBe(true);
  });
});

describe('quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00', timeZone: 'Europe/Madrid' };
  it('defers a message at 23:30 Madrid time (22:30 UTC in winter) to 08:00 Madrid (07:00 UTC)', () => {
    expect(quietUntil(new Date('2026-01-15T22:30:00Z'), quiet)?.toISOString()).toBe('2026-01-16T07:00:00.000Z');
  });
  it('lets a message at noon go, and reads the customer zone before the tenant default', () => {
    expect(quietUntil(new Date('2026-01-15T12:00:00Z'), quiet)).toBeUndefined();
    // 12:00 UTC is 21:00 in Tokyo: quiet there until 08:00 Tokyo (23:00 UTC)
    expect(quietUntil(new Date('2026-01-15T12:00:00Z'), quiet, 'Asia/Tokyo')?.toISOString()).toBe('2026-01-15T23:00:00.000Z');
  });
});

describe('templates and money', () => {
  it('fills known fields and falls back for unknown values, never leaving a placeholder', () => {
    expect(render('Hi {{givenName}}, {{ tier }} member', { givenName: 'Ana' })).toBe('Hi Ana, member member');
  });
  it('keeps budgets exact in micro-units', () => {
    expect(toMicros('100.00')).toBe(100_000_000);
    expect(toMicros('0.0015')).toBe(1_500);
    expect(fromMicros(toMicros('0.1') + toMicros('0.2'))).toBe('0.30');
    expect(fromMicros(1_500)).toBe('0.0015');
  });
  it('escapes key parts exactly like store/keys.ts', () => {
    for (const v of ['a#b', '100%#', 'plain']) expect(campaignPart(v)).toBe(part(v));
  });
});
