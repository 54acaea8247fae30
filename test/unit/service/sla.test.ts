import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addBusinessMs,
  BusinessCalendar,
  businessMsBetween,
  isOpenAt,
  WEEKDAYS,
} from '../../../domain/service/calendar.js';
import { DEFAULT_POLICY, slaState, type SlaEvent, type SlaPolicy } from '../../../domain/service/sla.js';

const MIN = 60_000;
const madrid = BusinessCalendar.parse({
  timeZone: 'Europe/Madrid',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '14:00' }, { start: '15:00', end: '18:00' }]]),
  ),
  holidays: ['2026-12-08'],
});
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('business calendar (worked by hand)', () => {
  it('carries the rest of a duration over the weekend to Monday morning', () => {
    // Friday 4 Dec 2026, 17:30 Madrid (UTC+1) = 16:30Z: 30 min on Friday, 30 on Monday from 09:00 (08:00Z).
    expect(iso(addBusinessMs(madrid, t('2026-12-04T16:30:00Z'), 60 * MIN))).toBe('2026-12-07T08:30:00.000Z');
    expect(iso(addBusinessMs(madrid, t('2026-12-04T16:30:00Z'), 30 * MIN))).toBe('2026-12-04T17:00:00.000Z');
  });
  it('skips a holiday', () => {
    // Monday 7 Dec 17:00 Madrid: 60 min Monday, Tuesday 8 Dec is a holiday, 180 min Wednesday from 09:00 → 12:00.
    expect(iso(addBusinessMs(madrid, t('2026-12-07T16:00:00Z'), 240 * MIN))).toBe('2026-12-09T11:00:00.000Z');
  });
  it('skips the lunch break', () => {
    // Wednesday 13:30: 30 min to 14:00, closed until 15:00, 30 more → 15:30 Madrid = 14:30Z.
    expect(iso(addBusinessMs(madrid, t('2026-12-09T12:30:00Z'), 60 * MIN))).toBe('2026-12-09T14:30:00.000Z');
    expect(isOpenAt(madrid, t('2026-12-09T13:30:00Z'))).toBe(false); // 14:30 Madrid, lunch
    expect(isOpenAt(madrid, t('2026-12-09T14:30:00Z'))).toBe(true);
  });
  it('starts a ticket opened at night at the next opening', () => {
    // Saturday night: nothing until Monday 09:00.
    expect(iso(addBusinessMs(madrid, t('2026-12-05T22:00:00Z'), 15 * MIN))).toBe('2026-12-07T08:15:00.000Z');
  });
  it('follows daylight saving: 09:00 Madrid is 08:00Z in winter and 07:00Z in summer', () => {
    // Friday 27 Mar 2026 17:00 CET (16:00Z): 60 min Friday; clocks go forward on Sunday 29 Mar; Monday 09:00 CEST = 07:00Z.
    expect(iso(addBusinessMs(madrid, t('2026-03-27T16:00:00Z'), 120 * MIN))).toBe('2026-03-30T08:00:00.000Z');
    expect(businessMsBetween(madrid, t('2026-03-27T16:00:00Z'), t('2026-03-30T08:00:00Z'))).toBe(120 * MIN);
  });
  it('counts a 23-hour day when the clocks go forward', () => {
    const newYork = BusinessCalendar.parse({
      timeZone: 'America/New_York',
      week: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
    });
    // Sunday 8 Mar 2026: midnight EST (05:00Z) to midnight EDT (04:00Z next day).
    expect(businessMsBetween(newYork, t('2026-03-08T05:00:00Z'), t('2026-03-09T04:00:00Z'))).toBe(23 * 60 * MIN);
  });
  it('refuses a calendar without open time, an unknown zone and overlapping intervals', () => {
    expect(BusinessCalendar.safeParse({ timeZone: 'UTC', week: {} }).success).toBe(false);
    expect(BusinessCalendar.safeParse({ timeZone: 'Mars/Olympus', week: { mon: [{ start: '09:00', end: '10:00' }] } }).success).toBe(false);
    expect(
      BusinessCalendar.safeParse({ timeZone: 'UTC', week: { mon: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } }).success,
    ).toBe(false);
  });
});

const policy: SlaPolicy = {
  id: 'p1',
  targets: {
    urgent: { firstResponseMinutes: 30, nextResponseMinutes: 30, resolutionMinutes: 60 },
    high: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 90 },
    normal: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 120 },
    low: { firstResponseMinutes: 120, nextResponseMinutes: 120, resolutionMinutes: 240 },
  },
  warnBeforeMinutes: 10,
};
// Monday 7 Dec 2026, Madrid = UTC+1.
const at = (hhmm: string) => `2026-12-07T${String(Number(hhmm.slice(0, 2)) - 1).padStart(2, '0')}:${hhmm.slice(3)}:00.000Z`;
const clock = (state: ReturnType<typeof slaState>, name: string) => state.clocks.find((c) => c.clock === name)!;

describe('SLA state over the event log (worked by hand)', () => {
  const log: SlaEvent[] = [
    { type: 'opened', at: at('09:00'), priority: 'normal' },
    { type: 'reply_delivered', at: at('09:10') },
    { type: 'status', at: at('09:20'), status: 'pending_customer' },
    { type: 'customer_message', at: at('11:00') },
  ];

  it('pauses while waiting for the customer and resumes when the customer writes', () => {
    const state = slaState(log, policy, madrid, at('11:30'));
    expect(clock(state, 'first_response')).toMatchObject({ status: 'met', stoppedAt: at('09:10'), usedBusinessMs: 10 * MIN });
    // Resolution 120 min: 20 used before the pause, 100 paused, 100 more from 11:00 → 12:40.
    expect(clock(state, 'resolution')).toMatchObject({
      status: 'running',
      usedBusinessMs: 50 * MIN,
      pausedBusinessMs: 100 * MIN,
      dueAt: at('12:40'),
      warnAt: at('12:30'),
    });
    // The customer wrote after a reply: a next-response cycle of 60 min from 11:00.
    expect(clock(state, 'next_response')).toMatchObject({ status: 'running', dueAt: at('12:00') });
    expect(state.nextDueAt).toBe(at('12:00'));
  });

  it('has no due time while paused', () => {
    const state = slaState(log, policy, madrid, at('10:00'));
    expect(clock(state, 'resolution')).toMatchObject({ status: 'paused', dueAt: null, usedBusinessMs: 20 * MIN, pausedBusinessMs: 40 * MIN });
    expect(state.nextDueAt).toBeNull();
  });

  it('recomputes on a priority change without losing the paused time, and back again', () => {
    const urgent = slaState([...log, { type: 'priority_changed', at: at('11:10'), priority: 'urgent' }], policy, madrid, at('11:30'));
    // Urgent resolution 60: 20 used before the pause, 40 more from 11:00 → 11:40.
    expect(clock(urgent, 'resolution')).toMatchObject({ dueAt: at('11:40'), pausedBusinessMs: 100 * MIN });
    const back = slaState(
      [...log, { type: 'priority_changed', at: at('11:10'), priority: 'urgent' }, { type: 'priority_changed', at: at('11:20'), priority: 'normal' }],
      policy,
      madrid,
      at('11:30'),
    );
    expect(back.clocks).toEqual(slaState(log, policy, madrid, at('11:30')).clocks);
  });

  it('breaches a first response nobody sent, and keeps it breached after a late reply', () => {
    const opened: SlaEvent[] = [{ type: 'opened', at: at('09:00'), priority: 'urgent' }];
    expect(clock(slaState(opened, policy, madrid, at('09:45')), 'first_response')).toMatchObject({ status: 'breached', dueAt: at('09:30') });
    const late = [...opened, { type: 'reply_delivered' as const, at: at('09:40') }];
    expect(clock(slaState(late, policy, madrid, at('09:45')), 'first_response')).toMatchObject({ status: 'breached', stoppedAt: at('09:40') });
  });

  it('resumes resolution after a reopen with the time already used', () => {
    const reopened: SlaEvent[] = [
      { type: 'opened', at: at('09:00'), priority: 'normal' },
      { type: 'reply_delivered', at: at('09:05') },
      { type: 'status', at: at('09:30'), status: 'resolved' },
      { type: 'status', at: at('10:00'), status: 'open' },
    ];
    // 30 min used before resolving; 90 more from 10:00 → 11:30.
    expect(clock(slaState(reopened, policy, madrid, at('10:10')), 'resolution')).toMatchObject({ status: 'running', dueAt: at('11:30'), usedBusinessMs: 40 * MIN });
    expect(clock(slaState(reopened.slice(0, 3), policy, madrid, at('10:10')), 'resolution')).toMatchObject({ status: 'met', stoppedAt: at('09:30') });
  });

  it('ignores events after now', () => {
    expect(slaState(log, policy, madrid, at('09:05')).clocks).toEqual(slaState(log.slice(0, 1), policy, madrid, at('09:05')).clocks);
  });
});

// ---- properties ----

const ZONES = ['UTC', 'Europe/Madrid', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham'];
const hhmm = (m: number) => (m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
/** A day's intervals: an even number of distinct cut points in [0, 1440], paired. */
const dayArb = fc.uniqueArray(fc.integer({ min: 0, max: 96 }).map((q) => q * 15), { maxLength: 6 }).map((cuts) => {
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: { start: string; end: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push({ start: hhmm(sorted[i]!), end: hhmm(sorted[i + 1]!) });
  return out;
});
const calendarArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    week: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb]))),
    holidays: fc.array(fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10)), { maxLength: 20 }),
  })
  .map((c) => BusinessCalendar.safeParse(c))
  .filter((r) => r.success)
  .map((r) => r.data!);
const instantArb = fc.integer({ min: t('2026-01-01T00:00:00Z'), max: t('2026-12-31T00:00:00Z') }).map((x) => Math.floor(x / 1000) * 1000);

describe('SLA properties', () => {
  it('counts the business time up to a due time at the end of the last open interval before the horizon', () => {
    // 15 minutes a week: 2,326 minutes end on a Tuesday at 00:45 nearly three years on (fast-check found it)
    const sparse = BusinessCalendar.parse({ timeZone: 'UTC', week: { sun: [], mon: [], tue: [{ start: '00:30', end: '00:45' }], wed: [], thu: [], fri: [], sat: [] }, holidays: [] });
    const start = Date.UTC(2026, 0, 1);
    const due = addBusinessMs(sparse, start, 2326 * MIN);
    expect(businessMsBetween(sparse, start, due)).toBe(2326 * MIN);
  });

  it('a due time is never in closed time, and exactly the asked business time lies before it', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 1, max: 5000 }), (calendar, start, minutes) => {
        const due = addBusinessMs(calendar, start, minutes * MIN);
        expect(isOpenAt(calendar, due)).toBe(true);
        expect(businessMsBetween(calendar, start, due)).toBe(minutes * MIN);
      }),
      { numRuns: 150 },
    );
  });

  // A log of the opening, a reply, and pause windows (pending → open) cut from sorted random instants.
  const scenarioArb = fc.record({
    calendar: calendarArb,
    start: instantArb,
    offsets: fc.uniqueArray(fc.integer({ min: 1, max: 14 * 24 * 60 }), { minLength: 2, maxLength: 10 }),
    keep: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    priority: fc.constantFrom('urgent', 'high', 'normal', 'low' as const),
    nowOffset: fc.integer({ min: 0, max: 30 * 24 * 60 }),
  });
  const windows = (start: number, offsets: number[]) => {
    const sorted = [...offsets].sort((a, b) => a - b).map((o) => start + o * MIN);
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) out.push([sorted[i]!, sorted[i + 1]!]);
    return out;
  };
  const logOf = (start: number, priority: SlaEvent extends never ? never : 'urgent' | 'high' | 'normal' | 'low', pauses: [number, number][]): SlaEvent[] => [
    { type: 'opened', at: iso(start), priority },
    ...pauses.flatMap(([a, b]): SlaEvent[] => [
      { type: 'status', at: iso(a), status: 'pending_customer' },
      { type: 'status', at: iso(b), status: 'open' },
    ]),
  ];

  it('pausing never shortens: an added pause window never moves a due time earlier', () => {
    fc.assert(
      fc.property(scenarioArb, ({ calendar, start, offsets, keep, priority, nowOffset }) => {
        const all = windows(start, offsets);
        const some = all.filter((_, i) => keep[i % keep.length]);
        const now = iso(start + nowOffset * MIN);
        const fewer = slaState(logOf(start, priority, some), DEFAULT_POLICY, calendar, now);
        const more = slaState(logOf(start, priority, all), DEFAULT_POLICY, calendar, now);
        for (const name of ['first_response', 'resolution']) {
          const a = clock(fewer, name);
          const b = clock(more, name);
          expect(b.usedBusinessMs).toBeLessThanOrEqual(a.usedBusinessMs);
          expect(b.pausedBusinessMs).toBeGreaterThanOrEqual(a.pausedBusinessMs);
          if (a.dueAt && b.dueAt) expect(b.dueAt >= a.dueAt).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('recomputation is stable: same inputs same state, a priority round trip changes nothing, paused time ignores the policy', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom('urgent', 'high', 'normal', 'low' as const), ({ calendar, start, offsets, priority, nowOffset }, other) => {
        const pauses = windows(start, offsets);
        const log = logOf(start, priority, pauses);
        const now = iso(start + nowOffset * MIN);
        const base = slaState(log, DEFAULT_POLICY, calendar, now);
        expect(slaState(log, DEFAULT_POLICY, calendar, now)).toEqual(base);
        const changeAt = iso(start + 1);
        const roundTrip = slaState(
          [...log, { type: 'priority_changed', at: changeAt, priority: other }, { type: 'priority_changed', at: changeAt, priority }],
          DEFAULT_POLICY,
          calendar,
          now,
        );
        expect(roundTrip.clocks).toEqual(base.clocks);
        const changed = slaState([...log, { type: 'priority_changed', at: changeAt, priority: other }], DEFAULT_POLICY, calendar, now);
        expect(changed.clocks.map((c) => [c.usedBusinessMs, c.pausedBusinessMs])).toEqual(base.clocks.map((c) => [c.usedBusinessMs, c.pausedBusinessMs]));
        // A running clock's due time does not drift as time passes without events.
        const laterMs = start + (nowOffset + 60) * MIN;
        const quiet = !log.some((e) => Date.parse(e.at) > start + nowOffset * MIN && Date.parse(e.at) <= laterMs);
        const later = slaState(log, DEFAULT_POLICY, calendar, iso(laterMs));
        if (quiet) base.clocks.forEach((c, i) => {
          if (c.status === 'running') expect(later.clocks[i]!.dueAt).toBe(c.dueAt);
        });
      }),
      { numRuns: 60 },
    );
  });
});
