/**
 * Customer 360: find a customer by e-mail, phone or a channel identity; then the profile, identities, consent
 * per channel and purpose, every knowledge figure with its why, segments, recommendations and the timeline
 * (more loads as it scrolls into view, or with the button, over the API's cursor).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, sentimentLabel } from '../format';
import { currentSession } from '../session';
import { ErrorNotice } from '../ui/errors';
import { useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

const IDENTITY_CHANNELS = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'web'];

function Search({ query }: { query: URLSearchParams }) {
  const [by, setBy] = useState(query.get('by') ?? 'name');
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const q = new URLSearchParams();
    for (const [k, v] of form) if (String(v).trim()) q.set(k, String(v).trim());
    location.hash = `#/customers?${q.toString()}`;
  };
  return (
    <form class="search" onSubmit={submit} role="search" aria-label="Find a customer">
      <label>
        Find by
        <select name="by" aria-label="Find by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value)}>
          <option value="name">name or handle</option>
          <option value="email">e-mail</option>
          <option value="phone">phone</option>
          <option value="identity">channel + handle / external id</option>
        </select>
      </label>
      {by === 'identity' && (
        <label>
          Channel
          <select name="channel" aria-label="Channel" value={query.get('channel') ?? 'facebook'}>
            {IDENTITY_CHANNELS.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
      )}
      <label>
        {by === 'name' ? 'Name' : by === 'email' ? 'E-mail' : by === 'phone' ? 'Phone (E.164)' : 'External id'}
        <input name="value" aria-label={by === 'name' ? 'Name' : by === 'email' ? 'E-mail' : by === 'phone' ? 'Phone' : 'External id'} minLength={by === 'name' ? 2 : undefined} required value={query.get('value') ?? ''} type="text" inputMode={by === 'email' ? 'email' : by === 'phone' ? 'tel' : 'text'} autoComplete="off" />
      </label>
      <button type="submit" class="primary">
        Search
      </button>
    </form>
  );
}

function Results({ query }: { query: URLSearchParams }) {
  const by = query.get('by');
  const value = query.get('value') ?? '';
  const params =
    by === 'phone' ? { phone: value } : by === 'identity' ? { channel: query.get('channel') ?? '', externalId: value } : by === 'name' ? { name: value } : { email: value };
  const found = useApi(() => must(api.GET('/v1/customers', { params: { query: params } })), [query.toString()]);
  if (found.loading) return <p class="muted">Searching…</p>;
  if (found.error !== undefined) return <ErrorNotice error={found.error} action="search customers" onRetry={found.reload} />;
  const items = found.data?.items ?? [];
  if (items.length === 0) return <p class="notice">{by === 'name' ? 'No customer’s name or handle starts with that.' : 'No customer has that identity.'}</p>;
  return (
    <ul class="results">
      {items.map((c) => (
        <li key={c.id}>
          <a href={`#/customers/${encodeURIComponent(c.id)}`}>{c.displayName ?? c.id}</a> <span class="badge">{c.stage}</span>{' '}
          <span class="muted">{c.identities.map((i) => `${i.channel}:${i.handle ?? i.externalId}`).join(', ')}</span>
        </li>
      ))}
    </ul>
  );
}

interface Figure {
  inputs: Record<string, unknown>;
  formula: string;
  note?: string;
}

/** A figure's value with its why: the formula and the inputs it was computed from. */
function Explained({ name, value, figure }: { name: string; value: string; figure: Figure }) {
  return (
    <div class="figure">
      <dt>{name}</dt>
      <dd>
        <strong>{value}</strong>
        <details>
          <summary>why</summary>
          <p>
            <code>{figure.formula}</code>
          </p>
          {figure.note && <p class="muted">{figure.note}</p>}
          <table class="inputs">
            <tbody>
              {Object.entries(figure.inputs).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : JSON.stringify(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </dd>
    </div>
  );
}

function Knowledge({ k }: { k: Schemas['CustomerKnowledge'] | undefined }) {
  if (!k) return <p class="muted">No figures computed yet.</p>;
  const rfm = k.rfm.value;
  const clv = k.clv.value;
  const life = k.lifecycle.value;
  return (
    <>
      <p class="muted">
        Computed {formatDateTime(k.computedAt)} · {formatNumber(k.orders.count, 0)} orders ({formatMoney(k.orders.netSpend)}) ·{' '}
        {formatNumber(k.interactions?.count ?? 0, 0)} interactions {k.tier && <>· tier {k.tier}</>}
      </p>
      <dl class="figures" data-testid="knowledge">
        <Explained name="RFM" value={rfm ? `${rfm.class} (R${rfm.recency} F${rfm.frequency} M${rfm.monetary})` : '—'} figure={k.rfm} />
        <Explained name="CLV" value={clv ? `${formatMoney(clv.historic)} so far · ${formatMoney(clv.predictive)} predicted` : '—'} figure={k.clv} />
        <Explained name="Lifecycle" value={life ? `${life.stage}${life.churnRisk ? ` · churn risk ${life.churnRisk}` : ''}` : '—'} figure={k.lifecycle} />
        <Explained name="Share of voice" value={formatPercent(k.shares.voice.value)} figure={k.shares.voice} />
        <Explained name="Share of wallet" value={formatPercent(k.shares.wallet.value)} figure={k.shares.wallet} />
        <Explained name="Share of mind" value={formatPercent(k.shares.mind.value)} figure={k.shares.mind} />
        <Explained name="Share of heart" value={formatPercent(k.shares.heart.value)} figure={k.shares.heart} />
      </dl>
    </>
  );
}

function Consents({ customerId }: { customerId: string }) {
  const consents = useApi(() => must(api.GET('/v1/customers/{customerId}/consents', { params: { path: { customerId } } })), [customerId]);
  if (consents.error !== undefined) return <ErrorNotice error={consents.error} action="see consent" onRetry={consents.reload} />;
  const current = consents.data?.current ?? [];
  if (!consents.loading && current.length === 0) return <p class="muted">No consent recorded: nothing may be sent for marketing.</p>;
  return (
    <table data-testid="consents">
      <thead>
        <tr>
          <th scope="col">Purpose</th>
          <th scope="col">Channel</th>
          <th scope="col">Status</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {current.map((c) => (
          <tr key={c.recordId}>
            <td>{c.purpose}</td>
            <td>{c.channel}</td>
            <td>
              <span class={`badge ${c.status}`}>{c.status}</span>
            </td>
            <td>{formatDateTime(c.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Recommendations({ customerId }: { customerId: string }) {
  const recs = useApi(() => must(api.GET('/v1/customers/{customerId}/recommendations', { params: { path: { customerId } } })), [customerId]);
  if (recs.error !== undefined) return <ErrorNotice error={recs.error} action="see recommendations" onRetry={recs.reload} />;
  const items = recs.data?.items ?? [];
  if (!recs.loading && items.length === 0) return <p class="muted">No recommendation yet (too few orders in the tenant to learn from).</p>;
  return (
    <ul>
      {items.map((r) => (
        <li key={r.productId}>
          <strong>{r.productId}</strong> <span class="badge">{r.kind}</span> {formatMoney(r.price)} · score {formatNumber(r.score)}{' '}
          <span class="muted">
            because of {r.because.map((b) => `${b.productId} (${formatPercent(b.confidence)} of ${formatNumber(b.buyers, 0)} buyers)`).join(', ')}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Pages of members read per segment when looking for this customer (the API has no per-customer segment list). */
const MEMBER_PAGES = 5;

function Segments({ customerId }: { customerId: string }) {
  const role = currentSession()?.role;
  const mayList = role === 'admin' || role === 'marketer';
  const found = useApi(async () => {
    if (!mayList) return undefined;
    const segments = (await must(api.GET('/v1/segments'))).items.filter((s) => s.status === 'ready');
    const memberOf: Schemas['Segment'][] = [];
    for (const segment of segments) {
      let cursor: string | undefined;
      for (let page = 0; page < MEMBER_PAGES; page++) {
        const members = await must(
          api.GET('/v1/segments/{segmentId}/members', { params: { path: { segmentId: segment.id }, query: { limit: 1000, ...(cursor && { cursor }) } } }),
        );
        if (members.items.some((m) => m.customerId === customerId)) {
          memberOf.push(segment);
          break;
        }
        if (!members.nextCursor) break;
        cursor = members.nextCursor;
      }
    }
    return memberOf;
  }, [customerId]);
  if (!mayList) return <p class="muted">Segment membership is visible to marketers and admins.</p>;
  if (found.error !== undefined) return <ErrorNotice error={found.error} action="list segments" onRetry={found.reload} />;
  if (found.loading) return <p class="muted">Checking segments…</p>;
  if (!found.data?.length) return <p class="muted">In no ready segment.</p>;
  return (
    <ul>
      {found.data.map((s) => (
        <li key={s.id}>
          <a href={`#/segments/${encodeURIComponent(s.id)}`}>{s.name}</a>
        </li>
      ))}
    </ul>
  );
}

function describeItem(item: Schemas['TimelineItem']): { title: string; text?: string; sentiment?: number } {
  const i = item as Record<string, unknown>;
  if (item.type === 'interaction') {
    return {
      title: `${String(i.channel)} ${String(i.kind)}`,
      ...(typeof i.text === 'string' && { text: i.text }),
      ...(typeof i.sentiment === 'number' && { sentiment: i.sentiment }),
    };
  }
  if (item.type === 'order') {
    const total = i.total as { amount: string; currency: string } | undefined;
    return { title: `order ${String(i.orderId)} · ${formatMoney(total)}` };
  }
  return { title: item.type };
}

function Timeline({ customerId }: { customerId: string }) {
  const [items, setItems] = useState<Schemas['TimelineItem'][]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const end = useRef<HTMLDivElement>(null);

  const loadMore = async (from: string | undefined, reset = false) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await must(
        api.GET('/v1/customers/{customerId}/timeline', { params: { path: { customerId }, query: { limit: 25, ...(from && { cursor: from }) } } }),
      );
      setItems((old) => (reset ? page.items : [...old, ...page.items]));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setItems([]);
    setCursor(undefined);
    void loadMore(undefined, true);
  }, [customerId]);
  useEffect(() => {
    const el = end.current;
    if (!el || !cursor) return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && !loading && void loadMore(cursor));
    seen.observe(el);
    return () => seen.disconnect();
  }, [cursor, loading]);

  return (
    <>
      <ol class="timeline" data-testid="timeline">
        {items.map((item, n) => {
          const d = describeItem(item);
          return (
            <li key={n}>
              <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt)}</time> <strong>{d.title}</strong>{' '}
              {d.sentiment !== undefined && <span class={`badge ${sentimentLabel(d.sentiment)}`}>{sentimentLabel(d.sentiment)}</span>}
              {d.text && <p>{d.text}</p>}
            </li>
          );
        })}
      </ol>
      {error !== undefined && <ErrorNotice error={error} action="read the timeline" onRetry={() => void loadMore(cursor ?? undefined)} />}
      <div ref={end}>
        {cursor ? (
          <button type="button" disabled={loading} onClick={() => void loadMore(cursor)}>
            {loading ? 'Loading…' : 'Load older'}
          </button>
        ) : (
          !loading && <p class="muted">{items.length ? 'The beginning of the timeline.' : 'Nothing on the timeline yet.'}</p>
        )}
      </div>
    </>
  );
}

/** Balance, points pending and expiring, the tier and how far the next one is, badges, referral, the latest ledger lines. */
function Loyalty({ customerId }: { customerId: string }) {
  const account = useApi(() => must(api.GET('/v1/customers/{customerId}/loyalty', { params: { path: { customerId } } })), [customerId]);
  if (account.loading && !account.data) return <p class="muted">Loading…</p>;
  if (account.error !== undefined) return <ErrorNotice error={account.error} action="see loyalty points" onRetry={account.reload} />;
  const a = account.data!;
  const expiring = a.lots.filter((l) => l.status === 'available' && l.expiresAt).sort((x, y) => x.expiresAt!.localeCompare(y.expiresAt!));
  const next = a.tier.next;
  const progress = next ? Math.min(1, a.tier.qualifyingPoints / next.threshold) : 1;
  return (
    <div data-testid="loyalty">
      <dl class="figures">
        <div class="figure">
          <dt>Points to spend</dt>
          <dd data-testid="loyalty-available">{formatNumber(a.available, 0)}</dd>
        </div>
        <div class="figure">
          <dt>Pending (return window)</dt>
          <dd>{formatNumber(a.pending, 0)}</dd>
        </div>
        <div class="figure">
          <dt>Earned in all</dt>
          <dd>{formatNumber(a.lifetimeEarned, 0)}</dd>
        </div>
      </dl>
      <p>
        Tier <span class="badge" data-testid="loyalty-tier">{a.tier.name}</span>{' '}
        {next ? (
          <>
            <progress max={1} value={progress} aria-label={`Progress to ${next.name}`} /> {formatNumber(next.pointsToGo, 0)} points to {next.name}{' '}
            <span class="muted">(qualifying points of the last {a.tier.windowDays} days)</span>
          </>
        ) : (
          <span class="muted">the top tier</span>
        )}
        {!a.enrolled && <span class="badge pending">not enrolled</span>}
      </p>
      {expiring.length > 0 && (
        <p>
          Expiring first: {formatNumber(expiring[0]!.remaining, 0)} points on {formatDate(expiring[0]!.expiresAt)}
          {expiring.length > 1 && <span class="muted"> (and {expiring.length - 1} more lots)</span>}
        </p>
      )}
      {a.badges.length > 0 && (
        <p aria-label="Badges">
          {a.badges.map((b) => (
            <span key={b.badge} class="badge positive" title={`since ${formatDate(b.at)}`}>
              {b.badge}
            </span>
          ))}
        </p>
      )}
      {a.referralCode && <p class="muted">Referral code {a.referralCode}{a.referral && <> · referred, {a.referral.status}</>}</p>}
      {a.ledger.items.length > 0 && (
        <table>
          <caption class="muted">Latest points</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Points</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {a.ledger.items.slice(0, 5).map((e) => (
              <tr key={e.entryId}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.points > 0 ? `+${formatNumber(e.points, 0)}` : formatNumber(e.points, 0)}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The customer's tickets (the timeline's `ticket` items), newest first, each linking to its conversation. */
function Tickets({ customerId }: { customerId: string }) {
  const tickets = useApi(async () => {
    // a filtered page may hold fewer than asked: follow the cursor a few pages for the latest ones
    const found: Schemas['TimelineItem'][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5 && found.length < 10; page++) {
      const answer = await must(api.GET('/v1/customers/{customerId}/timeline', { params: { path: { customerId }, query: { type: 'ticket', limit: 50, ...(cursor && { cursor }) } } }));
      found.push(...answer.items);
      if (!answer.nextCursor) break;
      cursor = answer.nextCursor;
    }
    return found;
  }, [customerId]);
  if (tickets.error !== undefined) return <ErrorNotice error={tickets.error} action="see this customer's tickets" onRetry={tickets.reload} />;
  if (!tickets.data) return <p class="muted">Loading…</p>;
  if (tickets.data.length === 0) return <p class="muted">No tickets.</p>;
  return (
    <ul class="feed" data-testid="customer-tickets">
      {tickets.data.map((item) => {
        const t = item as Record<string, unknown>;
        return (
          <li key={String(t.ticketId)}>
            <a href={`#/service/tickets/${encodeURIComponent(String(t.ticketId))}`}>{String(t.subject ?? t.ticketId)}</a>{' '}
            <span class={`badge ${t.status === 'resolved' ? 'positive' : ''}`}>{String(t.status)}</span> <span class="badge">{String(t.priority)}</span>{' '}
            <span class="muted">
              {String(t.channel)} · {formatDateTime(item.occurredAt)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function Profile({ customerId }: { customerId: string }) {
  const customer = useApi(() => must(api.GET('/v1/customers/{customerId}', { params: { path: { customerId } } })), [customerId]);
  if (customer.loading && !customer.data) return <p class="muted">Loading…</p>;
  if (customer.error !== undefined) return <ErrorNotice error={customer.error} action="see this customer" onRetry={customer.reload} />;
  const c = customer.data!;
  return (
    <article class="c360">
      <header>
        <h1>{c.displayName ?? 'Unnamed customer'}</h1>
        <p>
          <span class="badge">{c.stage}</span> <span class="muted">id {c.id}</span> · first seen {formatDate(c.createdAt)}
          {c.activity.lastInteractionAt && <> · last interaction {formatDateTime(c.activity.lastInteractionAt)}</>}
          {c.suppressed && <span class="badge negative">suppressed</span>}
        </p>
        {c.tags?.length ? <p>{c.tags.map((t) => <span key={t} class="badge">{t}</span>)}</p> : null}
      </header>
      <div class="grid">
        <section class="card">
          <h2>Identities</h2>
          <ul data-testid="identities">
            {c.identities.map((i) => (
              <li key={`${i.channel}:${i.externalId}`}>
                <span class="badge">{i.channel}</span> {i.handle ?? i.name ?? i.externalId} <span class="muted">since {formatDate(i.firstSeenAt)}</span>
              </li>
            ))}
          </ul>
        </section>
        <section class="card">
          <h2>Consent</h2>
          <Consents customerId={c.id} />
        </section>
        <section class="card wide">
          <h2>What we know, and why</h2>
          <Knowledge k={c.knowledge} />
        </section>
        <section class="card">
          <h2>Loyalty</h2>
          <Loyalty customerId={c.id} />
        </section>
        <section class="card">
          <h2>Tickets</h2>
          <Tickets customerId={c.id} />
        </section>
        <section class="card">
          <h2>Segments</h2>
          <Segments customerId={c.id} />
        </section>
        <section class="card">
          <h2>Recommendations</h2>
          <Recommendations customerId={c.id} />
        </section>
        <section class="card wide">
          <h2>Timeline</h2>
          <Timeline customerId={c.id} />
        </section>
      </div>
    </article>
  );
}

function Customer360({ params, query }: PageProps) {
  if (params.customerId) return <Profile customerId={params.customerId} />;
  return (
    <section>
      <h1>Customer 360</h1>
      <Search query={query} />
      {query.get('value') && <Results query={query} />}
    </section>
  );
}

export const customer360Page: PageModule = {
  id: 'customers',
  title: 'Customer 360',
  routes: ['/customers', '/customers/:customerId'],
  roles: ['admin', 'marketer', 'agent'],
  component: Customer360,
};
