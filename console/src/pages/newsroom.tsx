/** Newsroom: what customers say across networks, filterable, refreshing while open; each item links to its customer. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { formatDateTime, formatNumber, sentimentLabel } from '../format';
import { Chart } from '../ui/chart';
import { ErrorNotice } from '../ui/errors';
import { useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

type Query = NonNullable<NonNullable<import('../api/schema').paths['/v1/newsroom']['get']['parameters']['query']>>;
const CHANNELS: NonNullable<Query['channel']>[] = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'web', 'email', 'sms'];
const SENTIMENTS: NonNullable<Query['sentiment']>[] = ['positive', 'neutral', 'negative'];
const INTENTS: NonNullable<Query['intent']>[] = ['complaint', 'question', 'praise', 'purchase_intent', 'other'];
const REFRESH_MS = 15_000;

function Newsroom(_: PageProps) {
  const [filters, setFilters] = useState<Query>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const page = useApi(() => must(api.GET('/v1/newsroom', { params: { query: { ...filters, limit: 50 } } })), [JSON.stringify(filters), tick]);
  const [items, setItems] = useState<Schemas['NewsroomItem'][]>([]);
  useEffect(() => page.data && setItems(page.data.items), [page.data]);

  const set = (key: keyof Query) => (event: Event) => {
    const value = (event.target as HTMLSelectElement).value;
    setFilters((f) => {
      const next = { ...f };
      if (value) (next as Record<string, string>)[key] = value;
      else delete next[key];
      return next;
    });
  };

  const chart = useMemo(() => {
    const scored = items.filter((i) => i.sentiment !== undefined).reverse();
    return {
      data: [scored.map((i) => Date.parse(i.occurredAt) / 1000), scored.map((i) => i.sentiment ?? null)] as [number[], (number | null)[]],
      options: { series: [{}, { label: 'sentiment', stroke: '#2563eb', points: { show: true } }], scales: { y: { range: [-1, 1] as [number, number] } } },
    };
  }, [items]);

  return (
    <section>
      <h1>Newsroom</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Channel
          <select name="channel" aria-label="Channel" onChange={set('channel')} value={filters.channel ?? ''}>
            <option value="">all</option>
            {CHANNELS.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
        <label>
          Sentiment
          <select name="sentiment" aria-label="Sentiment" onChange={set('sentiment')} value={filters.sentiment ?? ''}>
            <option value="">all</option>
            {SENTIMENTS.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
        <label>
          Intent
          <select name="intent" aria-label="Intent" onChange={set('intent')} value={filters.intent ?? ''}>
            <option value="">all</option>
            {INTENTS.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
        <span class="muted" aria-live="polite">
          {page.loading ? 'refreshing…' : `refreshes every ${REFRESH_MS / 1000} s`}
        </span>
      </form>
      {page.error !== undefined && <ErrorNotice error={page.error} action="read the newsroom" onRetry={page.reload} />}
      {chart.data[0].length > 1 && <Chart label="Sentiment of the listed items over time" data={chart.data} options={chart.options} />}
      <ul class="feed" data-testid="newsroom-items">
        {items.map((item) => (
          <li key={item.id} class="card">
            <div class="meta">
              <span class="badge">{item.channel}</span> <span class="badge">{item.kind}</span>{' '}
              {item.sentiment !== undefined && (
                <span class={`badge ${sentimentLabel(item.sentiment)}`} title={`score ${formatNumber(item.sentiment)}`}>
                  {sentimentLabel(item.sentiment)}
                </span>
              )}{' '}
              {item.intent && <span class="badge">{item.intent}</span>} <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt)}</time>
            </div>
            <p>{item.text ?? <em class="muted">(no text)</em>}</p>
            <a href={`#/customers/${encodeURIComponent(item.customerId)}`}>Open customer</a>
          </li>
        ))}
      </ul>
      {!page.loading && items.length === 0 && page.error === undefined && <p class="muted">Nothing said yet that matches.</p>}
    </section>
  );
}

export const newsroomPage: PageModule = {
  id: 'newsroom',
  title: 'Newsroom',
  routes: ['/newsroom'],
  roles: ['admin', 'marketer', 'agent'],
  component: Newsroom,
};
