/**
 * The SLA model: a pure function over a ticket's event log.
 *
 * Three clocks run in business time (the calendar's open intervals):
 * - first response: from the ticket's opening to the first agent reply that reached the channel;
 * - next response: from each customer message that arrives after an agent's reply to the next delivered reply
 *   (one cycle per such message; breaches are per cycle);
 * - resolution: from the opening to the resolution; a reopened ticket resumes it, keeping what it had used.
 * Every clock is paused while the ticket waits for the customer (status `pending_customer`), and resumes when the
 * customer writes or an agent sets the ticket open again.
 *
 * A clock's due time is the instant at which its *active* business time (running, not paused) reaches the target
 * of the ticket's current priority. Nothing but the log, the policy and the calendar goes in, so a change of
 * priority or of policy recomputes every due time from the same active spans: the paused time is never lost,
 * and the explanation (spans, business ms used, paused) can be shown beside the result.
 */
import { z } from 'zod';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './calendar.js';

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

const Minutes = z.number().int().positive().max(60 * 24 * 365);
export const SlaTargets = z.object({
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Minutes,
  resolutionMinutes: Minutes,
});
export type SlaTargets = z.infer<typeof SlaTargets>;

export const SlaPolicy = z.object({
  id: z.string().min(1).max(64),
  targets: z.object({ urgent: SlaTargets, high: SlaTargets, normal: SlaTargets, low: SlaTargets }),
  /** A warning is due this many business minutes before each due time. */
  warnBeforeMinutes: z.number().int().min(0).max(24 * 60).default(15),
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

/** What a tenant gets until it declares its own policy. */
export const DEFAULT_POLICY: SlaPolicy = {
  id: 'default',
  targets: {
    urgent: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 4 * 60 },
    high: { firstResponseMinutes: 60, nextResponseMinutes: 2 * 60, resolutionMinutes: 8 * 60 },
    normal: { firstResponseMinutes: 4 * 60, nextResponseMinutes: 8 * 60, resolutionMinutes: 3 * 8 * 60 },
    low: { firstResponseMinutes: 8 * 60, nextResponseMinutes: 16 * 60, resolutionMinutes: 5 * 8 * 60 },
  },
  warnBeforeMinutes: 15,
};

/** The events of a ticket that matter to its clocks (ISO timestamps). */
export type SlaEvent =
  | { type: 'opened'; at: string; priority: Priority }
  | { type: 'customer_message'; at: string }
  /** An agent's reply that the channel accepted. Replies that failed to send are not SLA events. */
  | { type: 'reply_delivered'; at: string }
  | { type: 'status'; at: string; status: 'pending_customer' | 'open' | 'resolved' }
  | { type: 'priority_changed'; at: string; priority: Priority };

export type ClockName = 'first_response' | 'next_response' | 'resolution';

export interface ClockState {
  clock: ClockName;
  /** Stable id of this clock instance (breach events are published once per id). */
  id: string;
  startedAt: string;
  targetMinutes: number;
  /** Business ms the clock has run (paused time excluded), up to now or to when it stopped. */
  usedBusinessMs: number;
  /** Business ms that fell while the clock was paused. */
  pausedBusinessMs: number;
  /** null while paused: a paused clock has no due time until it resumes. */
  dueAt: string | null;
  warnAt: string | null;
  stoppedAt: string | null;
  status: 'running' | 'paused' | 'met' | 'breached';
}

export interface SlaState {
  priority: Priority;
  policyId: string;
  clocks: ClockState[];
  /** The earliest due time of a running clock (what the queue is ordered by); null if none runs. */
  nextDueAt: string | null;
  /** The earliest instant at which a warning or a breach of a running clock falls due. */
  nextAlertAt: string | null;
}

interface Span {
  start: number;
  end: number; // Infinity while running
}

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

/** Walks the spans until `target` business ms have been used: the instant it happens, or null if not yet. */
function instantOfUse(calendar: BusinessCalendar, spans: Span[], target: number): number | null {
  let left = target;
  for (const span of spans) {
    if (span.end === Infinity) return addBusinessMs(calendar, span.start, left);
    const used = businessMsBetween(calendar, span.start, span.end);
    if (used >= left) return addBusinessMs(calendar, span.start, left);
    left -= used;
  }
  return null;
}

function clockState(
  calendar: BusinessCalendar,
  clock: ClockName,
  id: string,
  runs: Span[],
  pauses: Span[],
  stoppedAt: number | null,
  targetMinutes: number,
  warnBeforeMinutes: number,
  now: number,
): ClockState {
  const target = targetMinutes * 60_000;
  const upTo = (s: Span) => ({ start: s.start, end: Math.min(s.end, now) });
  const used = runs.map(upTo).reduce((sum, s) => sum + businessMsBetween(calendar, s.start, s.end), 0);
  const paused = pauses.map(upTo).reduce((sum, s) => sum + businessMsBetween(calendar, s.start, s.end), 0);
  const running = runs.length > 0 && runs[runs.length - 1]!.end === Infinity;
  // A stopped or paused clock still has a due time if its runs already used the whole target.
  const due = instantOfUse(calendar, runs, target);
  const warn = instantOfUse(calendar, runs, Math.max(1, target - warnBeforeMinutes * 60_000));
  let status: ClockState['status'];
  if (stoppedAt !== null) status = due !== null && due < stoppedAt ? 'breached' : 'met';
  else if (due !== null && due <= now) status = 'breached';
  else status = running ? 'running' : 'paused';
  return {
    clock,
    id,
    startedAt: iso(runs[0]?.start ?? pauses[0]?.start ?? now),
    targetMinutes,
    usedBusinessMs: used,
    pausedBusinessMs: paused,
    dueAt: due === null ? null : iso(due),
    warnAt: warn === null || stoppedAt !== null ? null : iso(warn),
    stoppedAt: stoppedAt === null ? null : iso(stoppedAt),
    status,
  };
}

/** Events in time order; events at the same instant keep their log order. Events after `now` are ignored. */
function ordered(log: readonly SlaEvent[], now: number): SlaEvent[] {
  return log
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => ms(e.at) <= now)
    .sort((a, b) => ms(a.e.at) - ms(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}

/** A clock instance under construction while the log is replayed. */
class Tracker {
  runs: Span[] = [];
  pauses: Span[] = [];
  stoppedAt: number | null = null;
  constructor(readonly clock: ClockName, readonly id: string) {}
  start(at: number, paused: boolean) {
    if (paused) this.pauses.push({ start: at, end: Infinity });
    else this.runs.push({ start: at, end: Infinity });
  }
  private close(list: Span[], at: number) {
    const last = list[list.length - 1];
    if (last && last.end === Infinity) last.end = at;
  }
  pause(at: number) {
    if (this.stoppedAt !== null) return;
    const last = this.runs[this.runs.length - 1];
    if (!last || last.end !== Infinity) return;
    this.close(this.runs, at);
    this.pauses.push({ start: at, end: Infinity });
  }
  resume(at: number) {
    if (this.stoppedAt !== null) return;
    const last = this.pauses[this.pauses.length - 1];
    if (!last || last.end !== Infinity) return;
    this.close(this.pauses, at);
    this.runs.push({ start: at, end: Infinity });
  }
  stop(at: number) {
    if (this.stoppedAt !== null) return;
    this.close(this.runs, at);
    this.close(this.pauses, at);
    this.stoppedAt = at;
  }
  /** Resolution resumes after a reopen: the same instance carries on. */
  restart(at: number, paused: boolean) {
    this.stoppedAt = null;
    this.start(at, paused);
  }
}

/**
 * The SLA state of a ticket at `now`.
 * 1. replay the log in time order, building each clock's running and paused spans;
 * 2. take the targets of the ticket's current priority from the policy;
 * 3. measure the spans in business time: used, paused, the instant the target is reached (due) and the warning.
 */
export function slaState(log: readonly SlaEvent[], policy: SlaPolicy, calendar: BusinessCalendar, nowIso: string): SlaState {
  const now = ms(nowIso);
  const events = ordered(log, now);
  const opened = events.find((e) => e.type === 'opened');
  if (!opened || opened.type !== 'opened') return { priority: 'normal', policyId: policy.id, clocks: [], nextDueAt: null, nextAlertAt: null };

  let priority: Priority = opened.priority;
  let waiting = false; // pending on the customer
  let resolved = false;
  let awaitingReply = true; // the customer spoke last
  const first = new Tracker('first_response', 'first_response');
  const resolution = new Tracker('resolution', 'resolution');
  const next: Tracker[] = [];
  const openTrackers = () => [first, resolution, ...next].filter((t) => t.stoppedAt === null);

  for (const event of events) {
    const at = ms(event.at);
    switch (event.type) {
      case 'opened':
        if (event !== opened) break;
        first.start(at, false);
        resolution.start(at, false);
        break;
      case 'priority_changed':
        priority = event.priority;
        break;
      case 'customer_message':
        if (waiting) {
          waiting = false;
          for (const t of openTrackers()) t.resume(at);
        }
        if (resolved) break; // a reopening is a status change; the message alone does not restart clocks
        if (!awaitingReply && first.stoppedAt !== null) {
          const cycle = new Tracker('next_response', `next_response:${event.at}`);
          cycle.start(at, false);
          next.push(cycle);
        }
        awaitingReply = true;
        break;
      case 'reply_delivered':
        if (resolved) break;
        first.stop(at);
        for (const t of next) t.stop(at);
        awaitingReply = false;
        break;
      case 'status':
        if (event.status === 'pending_customer' && !resolved && !waiting) {
          waiting = true;
          for (const t of openTrackers()) t.pause(at);
        } else if (event.status === 'open') {
          if (resolved) {
            resolved = false;
            waiting = false;
            resolution.restart(at, false);
          } else if (waiting) {
            waiting = false;
            for (const t of openTrackers()) t.resume(at);
          }
        } else if (event.status === 'resolved' && !resolved) {
          resolved = true;
          waiting = false;
          // A resolved ticket needs no answer: unanswered clocks end here (met unless already late).
          for (const t of [first, resolution, ...next]) t.stop(at);
        }
        break;
    }
  }

  const targets = policy.targets[priority];
  const warn = policy.warnBeforeMinutes;
  const clocks = [
    clockState(calendar, 'first_response', first.id, first.runs, first.pauses, first.stoppedAt, targets.firstResponseMinutes, warn, now),
    ...next.map((t) => clockState(calendar, 'next_response', t.id, t.runs, t.pauses, t.stoppedAt, targets.nextResponseMinutes, warn, now)),
    clockState(calendar, 'resolution', resolution.id, resolution.runs, resolution.pauses, resolution.stoppedAt, targets.resolutionMinutes, warn, now),
  ];
  const live = clocks.filter((c) => c.stoppedAt === null && c.dueAt !== null && (c.status === 'running' || c.status === 'breached'));
  const nextDueAt = live.map((c) => c.dueAt!).sort()[0] ?? null;
  return { priority, policyId: policy.id, clocks, nextDueAt, nextAlertAt: nextAlert(clocks, [], now) };
}

/**
 * The next instant a scheduled job must look at this ticket: the earliest warning or due time of a running clock
 * not yet announced (`announced` holds `"<clock id>:warning"` and `"<clock id>:breach"` already published).
 */
export function nextAlert(clocks: readonly ClockState[], announced: readonly string[], _now?: number): string | null {
  const times: string[] = [];
  for (const c of clocks) {
    if (c.stoppedAt !== null || c.status === 'paused' || c.dueAt === null) continue;
    if (c.warnAt && !announced.includes(`${c.id}:warning`)) times.push(c.warnAt);
    if (!announced.includes(`${c.id}:breach`)) times.push(c.dueAt);
  }
  return times.sort()[0] ?? null;
}

/** The alerts due at `now` and not yet announced: what the breach job publishes, once each. */
export function dueAlerts(state: SlaState, announced: readonly string[], nowIso: string): { clock: ClockState; kind: 'warning' | 'breach'; key: string }[] {
  const out: { clock: ClockState; kind: 'warning' | 'breach'; key: string }[] = [];
  for (const c of state.clocks) {
    if (c.stoppedAt !== null || c.dueAt === null || c.status === 'paused') continue;
    if (c.dueAt <= nowIso && !announced.includes(`${c.id}:breach`)) out.push({ clock: c, kind: 'breach', key: `${c.id}:breach` });
    else if (c.warnAt && c.warnAt <= nowIso && c.dueAt > nowIso && !announced.includes(`${c.id}:warning`))
      out.push({ clock: c, kind: 'warning', key: `${c.id}:warning` });
  }
  return out;
}
