/**
 * Service: the queues and their tickets ordered by SLA due time (the API answers them in that order, one Query),
 * each with the clock counting down to its due time (computed by the API in business hours), and a ticket's
 * conversation, where an agent replies through the channel and resolves.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { formatDateTime } from '../format';
import { ErrorNotice } from '../ui/errors';
import { useAction, useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

type Ticket = Schemas['Ticket'];
type Status = 'waiting' | 'open' | 'pending_customer' | 'resolved';
const STATUSES: Status[] = ['waiting', 'open', 'pending_customer', 'resolved'];

/** Re-renders every `ms` so countdowns move while the page is open. */
function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The clock that is due next (running or paused), as the ticket's SLA says it. */
function nextClock(ticket: Ticket) {
  return ticket.sla.clocks.filter((c) => c.dueAt && (c.status === 'running' || c.status === 'paused')).sort((a, b) => a.dueAt!.localeCompare(b.dueAt!))[0];
}

/** "due in 1 h 20 min" / "2 h 5 min overdue": the wall time left to a due time the API set in business hours. */
export function countdown(dueAt: string, now: number): { text: string; overdue: boolean } {
  const ms = Date.parse(dueAt) - now;
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const parts = minutes >= 1440 ? `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h` : minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return ms >= 0 ? { text: `due in ${parts}`, overdue: false } : { text: `${parts} overdue`, overdue: true };
}

function Clock({ ticket, now }: { ticket: Ticket; now: number }) {
  const clock = nextClock(ticket);
  if (!clock) {
    const breached = ticket.sla.clocks.some((c) => c.status === 'breached');
    return <span class={`badge ${breached ? 'negative' : ''}`}>{breached ? 'SLA breached' : 'no clock running'}</span>;
  }
  const { text, overdue } = countdown(clock.dueAt!, now);
  return (
    <span class={`badge ${overdue ? 'negative' : ''}`} title={`${clock.clock.replace('_', ' ')} due ${formatDateTime(clock.dueAt)} (business hours)`} data-testid="sla-clock">
      {clock.clock.replace('_', ' ')}: {clock.status === 'paused' ? 'paused' : text}
    </span>
  );
}

function Queues(_: PageProps) {
  const queues = useApi(() => must(api.GET('/v1/service/queues')), []);
  const [queueId, setQueueId] = useState<string>('');
  const [status, setStatus] = useState<Status>('open');
  const now = useNow();
  useEffect(() => {
    if (!queueId && queues.data?.items[0]) setQueueId(queues.data.items[0].id);
  }, [queues.data]);
  const tickets = useApi(
    () => (queueId ? must(api.GET('/v1/service/queues/{queueId}/tickets', { params: { path: { queueId }, query: { status, limit: 50 } } })) : Promise.resolve({ items: [], nextCursor: null })),
    [queueId, status],
  );
  return (
    <section>
      <h1>Service</h1>
      {queues.error !== undefined && <ErrorNotice error={queues.error} action="list the queues" onRetry={queues.reload} />}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Queue filters">
        <label>
          Queue
          <select aria-label="Queue" value={queueId} onChange={(e) => setQueueId((e.target as HTMLSelectElement).value)}>
            {(queues.data?.items ?? []).map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select aria-label="Status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as Status)}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <span class="muted">ordered by SLA due time</span>
      </form>
      {tickets.error !== undefined && <ErrorNotice error={tickets.error} action="list the queue's tickets" onRetry={tickets.reload} />}
      <ul class="feed" data-testid="queue-tickets">
        {(tickets.data?.items ?? []).map((t) => (
          <li key={t.id} class="card">
            <div class="meta">
              <span class="badge">{t.priority.value}</span> <span class="badge">{t.channel}</span> <Clock ticket={t} now={now} />{' '}
              {t.assigneeId ? <span class="muted">assigned to {t.assigneeId}</span> : <span class="muted">waiting for an agent</span>}
            </div>
            <p>
              <a href={`#/service/tickets/${encodeURIComponent(t.id)}`}>{t.subject}</a>
            </p>
          </li>
        ))}
      </ul>
      {!tickets.loading && (tickets.data?.items.length ?? 0) === 0 && tickets.error === undefined && <p class="muted">No {status} tickets in this queue.</p>}
    </section>
  );
}

function TicketDetail({ params }: PageProps) {
  const ticketId = params.ticketId!;
  const ticket = useApi(() => must(api.GET('/v1/tickets/{ticketId}', { params: { path: { ticketId } } })), [ticketId]);
  const [text, setText] = useState('');
  const { act, busy, error } = useAction(ticket.reload);
  const now = useNow();
  const t = ticket.data;
  return (
    <section>
      <p>
        <a href="#/service">← Service</a>
      </p>
      {ticket.error !== undefined && <ErrorNotice error={ticket.error} action="open the ticket" onRetry={ticket.reload} />}
      {t && (
        <>
          <h1>{t.subject}</h1>
          <div class="meta" data-testid="ticket-meta">
            <span class="badge">{t.status}</span> <span class="badge" title={t.priority.rule}>{t.priority.value}</span> <Clock ticket={t} now={now} />{' '}
            <a href={`#/customers/${encodeURIComponent(t.customerId)}`}>Open customer</a>
          </div>
          <details>
            <summary>Why {t.priority.value}</summary>
            <code>{t.priority.rule}</code>
            <pre>{JSON.stringify({ points: t.priority.points, inputs: t.priority.inputs }, null, 2)}</pre>
          </details>
          <ol class="feed" data-testid="conversation">
            {[...t.messages.map((m) => ({ at: m.at, who: 'customer', text: m.removedAt ? '(deleted by its author)' : (m.text ?? '(no text)') })), ...t.replies.map((r) => ({ at: r.at, who: `agent ${r.by}`, text: r.text + (r.status === 'failed' ? ' (not delivered)' : '') }))]
              .sort((a, b) => a.at.localeCompare(b.at))
              .map((m, i) => (
                <li key={i} class="card">
                  <div class="meta">
                    {m.who} · <time dateTime={m.at}>{formatDateTime(m.at)}</time>
                  </div>
                  <p>{m.text}</p>
                </li>
              ))}
          </ol>
          {error !== undefined && <ErrorNotice error={error} action="do that" />}
          <form
            aria-label="Reply"
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return;
              void act(async () => {
                await must(api.POST('/v1/tickets/{ticketId}/replies', { params: { path: { ticketId } }, body: { text } }));
                setText('');
              });
            }}
          >
            <label>
              Reply through {t.channel}
              <textarea aria-label="Reply text" value={text} rows={3} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            </label>
            <button type="submit" disabled={busy || !text.trim()}>
              Send reply
            </button>{' '}
            {t.status !== 'resolved' && (
              <button type="button" disabled={busy} onClick={() => void act(() => must(api.POST('/v1/tickets/{ticketId}/status', { params: { path: { ticketId } }, body: { status: 'resolved' } })))}>
                Resolve
              </button>
            )}
          </form>
        </>
      )}
    </section>
  );
}

function Service(props: PageProps) {
  return props.params.ticketId ? <TicketDetail {...props} /> : <Queues {...props} />;
}

export const servicePage: PageModule = {
  id: 'service',
  title: 'Service',
  routes: ['/service', '/service/tickets/:ticketId'],
  roles: ['admin', 'agent', 'marketer'],
  component: Service,
};
