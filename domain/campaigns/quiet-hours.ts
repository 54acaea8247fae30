/**
 * Quiet hours in the customer's time zone: a message due inside them is deferred to when they end, never dropped.
 */
export interface QuietHours {
  /** Local "HH:MM"; a window may cross midnight (21:00–08:00). */
  start: string;
  end: string;
  /** For customers whose own time zone is not known. */
  timeZone: string;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** undefined when `at` is outside the quiet hours; else the first minute after them (to the minute). */
export function quietUntil(at: Date, quiet: QuietHours, customerTimeZone?: string): Date | undefined {
  const zone = validZone(customerTimeZone) ?? quiet.timeZone;
  const now = localMinutes(at, zone);
  const [start, end] = [minutesOf(quiet.start), minutesOf(quiet.end)];
  if (start === end) return undefined;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const wait = (end - now + 24 * 60) % (24 * 60);
  const until = new Date(at.getTime() + wait * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
