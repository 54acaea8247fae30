/**
 * Business-hours calendars: when a service team works, in the tenant's IANA time zone.
 *
 * A calendar is data (several intervals per weekday, e.g. a lunch break, and holidays as local dates).
 * Everything here works on UTC instants (epoch ms) and converts local wall times through `Intl`, so a
 * daylight-saving change moves the UTC instants of "09:00" by an hour and nothing else.
 *
 * Wall times that do not exist (the skipped hour of a spring-forward change) map to the first instant after
 * the gap; wall times that happen twice (the repeated hour in autumn) map to the first of the two.
 */
import { z } from 'zod';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM (00:00 to 24:00)');
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DayIntervals = z
  .array(z.object({ start: HHMM, end: HHMM }))
  .max(12)
  .superRefine((intervals, ctx) => {
    const sorted = [...intervals].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    sorted.forEach((interval, i) => {
      if (minutesOf(interval.end) <= minutesOf(interval.start)) {
        ctx.addIssue({ code: 'custom', message: `interval ${interval.start}-${interval.end} ends before it starts` });
      }
      const next = sorted[i + 1];
      if (next && minutesOf(next.start) < minutesOf(interval.end)) {
        ctx.addIssue({ code: 'custom', message: `intervals ${interval.start}-${interval.end} and ${next.start}-${next.end} overlap` });
      }
    });
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const BusinessCalendar = z
  .object({
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
    week: z.object({
      sun: DayIntervals.default([]),
      mon: DayIntervals.default([]),
      tue: DayIntervals.default([]),
      wed: DayIntervals.default([]),
      thu: DayIntervals.default([]),
      fri: DayIntervals.default([]),
      sat: DayIntervals.default([]),
    }),
    /** Local dates (YYYY-MM-DD) with no business hours at all. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')).max(400).default([]),
  })
  .refine((c) => WEEKDAYS.some((d) => c.week[d].length > 0), { message: 'a calendar needs at least one open interval in the week', path: ['week'] });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** Open around the clock, in UTC: what a ticket gets when no calendar was configured. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC',
  week: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])) as BusinessCalendar['week'],
  holidays: [],
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of the zone at an instant, in ms (local wall time = instant + offset). */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of a local wall time (given as if it were UTC ms), resolving DST gaps and overlaps. */
export function wallToInstant(timeZone: string, wallMs: number): number {
  // Two candidate offsets: the one a few hours before and after; try the earlier instant first.
  const before = zoneOffsetMs(timeZone, wallMs - 12 * 3_600_000);
  const after = zoneOffsetMs(timeZone, wallMs + 12 * 3_600_000);
  const candidates = [wallMs - before, wallMs - after].sort((a, b) => a - b);
  for (const c of candidates) if (c + zoneOffsetMs(timeZone, c) === wallMs) return c;
  // In a spring-forward gap: the wall time never happens; the clocks jump to the first instant after it.
  return wallMs - before;
}

interface LocalDate {
  y: number;
  m: number; // 1-12
  d: number;
}
const localDateOf = (timeZone: string, instant: number): LocalDate => {
  const wall = new Date(instant + zoneOffsetMs(timeZone, instant));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate() };
};
const isoDate = ({ y, m, d }: LocalDate) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const addDays = ({ y, m, d }: LocalDate, n: number): LocalDate => {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

export interface Interval {
  start: number;
  end: number;
}

/** The open intervals (UTC ms) of one local date, in order. */
function openIntervalsOfDay(calendar: BusinessCalendar, date: LocalDate): Interval[] {
  if (calendar.holidays.includes(isoDate(date))) return [];
  const weekday = WEEKDAYS[new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay()]!;
  const midnight = Date.UTC(date.y, date.m - 1, date.d);
  return [...calendar.week[weekday]]
    .sort((a, b) => minutesOf(a.start) - minutesOf(b.start))
    .map((i) => ({
      start: wallToInstant(calendar.timeZone, midnight + minutesOf(i.start) * 60_000),
      end: wallToInstant(calendar.timeZone, midnight + minutesOf(i.end) * 60_000),
    }))
    .filter((i) => i.end > i.start);
}

/** Never walk further than this looking for open time (a calendar with every day a holiday, say). */
const MAX_DAYS = 3 * 366;

/** Open intervals from the local day of `from` on, lazily, clipped to start at `from`. */
export function* openIntervalsFrom(calendar: BusinessCalendar, from: number): Generator<Interval> {
  let date = addDays(localDateOf(calendar.timeZone, from), -1);
  for (let i = 0; i < MAX_DAYS; i++, date = addDays(date, 1)) {
    for (const interval of openIntervalsOfDay(calendar, date)) {
      if (interval.end <= from) continue;
      yield { start: Math.max(interval.start, from), end: interval.end };
    }
  }
  throw new Error('the calendar has no open time in the next three years');
}

/** Business time (ms) between two instants. */
export function businessMsBetween(calendar: BusinessCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (const interval of openIntervalsFrom(calendar, from)) {
    if (interval.start >= to) break;
    total += Math.min(interval.end, to) - interval.start;
    // the interval that holds `to` is the last one that counts: looking for the next could walk past the horizon
    if (interval.end >= to) break;
  }
  return total;
}

/**
 * The instant at which `durationMs` of business time has passed since `from`. A positive duration always
 * ends inside an open interval or at its closing instant, never in closed time.
 */
export function addBusinessMs(calendar: BusinessCalendar, from: number, durationMs: number): number {
  let left = durationMs;
  for (const interval of openIntervalsFrom(calendar, from)) {
    const length = interval.end - interval.start;
    if (left <= length) return interval.start + left;
    left -= length;
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

/** Whether an instant is business time (inside an open interval, its end included). */
export function isOpenAt(calendar: BusinessCalendar, instant: number): boolean {
  for (const interval of openIntervalsFrom(calendar, instant - 1)) {
    return interval.start <= instant; // the first interval that has not ended by instant - 1 ms
  }
  return false;
}
