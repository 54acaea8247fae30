/**
 * Service reports per queue and per agent: tickets opened and resolved, median first-response and resolution
 * time in business minutes (what the clocks used, pauses excluded), and the share of finished clocks that met
 * their due time.
 */
import type { Ticket } from './model.js';

export interface ReportRow {
  id: string;
  opened: number;
  resolved: number;
  medianFirstResponseBusinessMinutes: number | null;
  medianResolutionBusinessMinutes: number | null;
  slaMetPercent: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const within = (at: string | null, from?: string, to?: string) => at !== null && (!from || at >= from) && (!to || at < to);
const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

function rowOf(id: string, tickets: readonly Ticket[], from?: string, to?: string): ReportRow {
  const opened = tickets.filter((t) => within(t.openedAt, from, to));
  const resolved = tickets.filter((t) => t.status === 'resolved' && within(t.resolvedAt, from, to));
  const firstResponses = opened.flatMap((t) => t.sla.clocks.filter((c) => c.clock === 'first_response' && c.stoppedAt && t.replies.some((r) => r.status === 'sent')));
  const resolutions = resolved.flatMap((t) => t.sla.clocks.filter((c) => c.clock === 'resolution' && c.stoppedAt));
  const finished = opened.flatMap((t) => t.sla.clocks.filter((c) => c.stoppedAt !== null || c.status === 'breached'));
  const met = finished.filter((c) => c.status === 'met').length;
  return {
    id,
    opened: opened.length,
    resolved: resolved.length,
    medianFirstResponseBusinessMinutes: nullableMinutes(median(firstResponses.map((c) => c.usedBusinessMs))),
    medianResolutionBusinessMinutes: nullableMinutes(median(resolutions.map((c) => c.usedBusinessMs))),
    slaMetPercent: finished.length === 0 ? null : Math.round((met / finished.length) * 1000) / 10,
  };
}
const nullableMinutes = (ms: number | null) => (ms === null ? null : minutes(ms));

/** Tickets must carry their SLA state as of now (withSla). */
export function serviceReport(tickets: readonly Ticket[], from?: string, to?: string): { queues: ReportRow[]; agents: ReportRow[] } {
  const group = (key: (t: Ticket) => string | null) => {
    const groups = new Map<string, Ticket[]>();
    for (const t of tickets) {
      const k = key(t);
      if (k) groups.set(k, [...(groups.get(k) ?? []), t]);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, list]) => rowOf(id, list, from, to));
  };
  return { queues: group((t) => t.queueId), agents: group((t) => t.assigneeId) };
}
