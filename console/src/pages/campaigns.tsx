/**
 * Campaigns: the lifecycle as a board (one column per status, each one Query), and a campaign's page: the brief,
 * the creative's variants, comments and every version, the actions the person's role may take (submit; approve
 * or reject as a second pair of eyes; launch; cancel), and the results with a chart per variant and the holdout.
 */
import { useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, must, type Schemas } from '../api/client';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../format';
import { currentSession } from '../session';
import { Chart } from '../ui/chart';
import { ErrorNotice } from '../ui/errors';
import { useAction, useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

type Campaign = Schemas['Campaign'];
type Status = Campaign['status'];
const STATUSES: Status[] = ['draft', 'submitted', 'approved', 'rejected', 'scheduled', 'running', 'completed', 'measured', 'cancelled'];
const LABELS: Record<Status, string> = {
  draft: 'Draft',
  submitted: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  scheduled: 'Scheduled',
  running: 'Sending',
  completed: 'Sent',
  measured: 'Measured',
  cancelled: 'Cancelled',
};

function Column({ status }: { status: Status }) {
  const page = useApi(() => must(api.GET('/v1/campaigns', { params: { query: { status, limit: 20 } } })), [status]);
  return (
    <section aria-label={LABELS[status]} data-testid={`board-${status}`}>
      <h2>
        {LABELS[status]} <span class="muted">{page.data ? page.data.items.length + (page.data.nextCursor ? '+' : '') : ''}</span>
      </h2>
      {page.error !== undefined && <ErrorNotice error={page.error} action="list campaigns" onRetry={page.reload} />}
      <ul>
        {(page.data?.items ?? []).map((c) => (
          <li key={c.id} class="card">
            <a href={`#/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</a>
            <div class="meta">
              {c.brief.channels.join(', ')} · budget {formatMoney(c.brief.budget)} · v{c.version}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Board(_: PageProps) {
  return (
    <section>
      <h1>Campaigns</h1>
      <div class="board">
        {STATUSES.map((s) => (
          <Column key={s} status={s} />
        ))}
      </div>
    </section>
  );
}

type Results = Awaited<ReturnType<typeof loadResults>>;
const loadResults = (campaignId: string) => must(api.GET('/v1/campaigns/{campaignId}/results', { params: { path: { campaignId } } }));

/** Conversion rate per variant and for the holdout, as bars. */
function ResultsChart({ results }: { results: Results }) {
  const { data, options, label } = useMemo(() => {
    const names = [...Object.keys(results.variants), 'holdout'];
    const rates = names.map((n) => (n === 'holdout' ? results.holdout.conversionRate : results.variants[n]!.conversionRate));
    return {
      label: `Conversion rate: ${names.map((n, i) => `${n} ${formatPercent(rates[i])}`).join(', ')}`,
      data: [names.map((_, i) => i), rates] as uPlot.AlignedData,
      options: {
        series: [{}, { label: 'conversion rate', fill: '#2563eb', stroke: '#2563eb', paths: uPlot.paths.bars!({ size: [0.6, 64] }), points: { show: false } }],
        scales: { x: { time: false, range: (): uPlot.Range.MinMax => [-0.5, names.length - 0.5] }, y: { range: (_: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(max * 1.2, 0.01)] } },
        axes: [
          { splits: () => names.map((_, i) => i), values: () => names },
          { values: (_: uPlot, ticks: number[]) => ticks.map((t) => formatPercent(t)) },
        ],
        legend: { show: false },
      },
    };
  }, [results]);
  return <Chart label={label} data={data} options={options} />;
}

function ResultsPanel({ campaignId }: { campaignId: string }) {
  const results = useApi(() => loadResults(campaignId), [campaignId]);
  if (results.error !== undefined) return <ErrorNotice error={results.error} action="read results" onRetry={results.reload} />;
  const r = results.data;
  if (!r) return <p class="muted">Loading…</p>;
  const rows = [...Object.entries(r.variants).map(([name, v]) => ({ name, ...v })), { name: 'holdout', ...r.holdout }];
  return (
    <div data-testid="campaign-results">
      <dl class="figures">
        <div class="figure">
          <dt>Audience</dt>
          <dd>{formatNumber(r.audience, 0)}</dd>
        </div>
        <div class="figure">
          <dt>Sent / delivered</dt>
          <dd>
            {formatNumber(r.sent, 0)} / {formatNumber(r.delivered, 0)}
            {r.failed > 0 && <span class="muted"> ({formatNumber(r.failed, 0)} failed)</span>}
          </dd>
        </div>
        <div class="figure">
          <dt>Conversions / revenue</dt>
          <dd>
            {formatNumber(r.conversions, 0)} / {formatMoney(r.revenue)}
          </dd>
        </div>
        <div class="figure">
          <dt>Cost (channel fees + cloud)</dt>
          <dd>
            {formatMoney(r.cost.total)} <span class="muted">ROI {r.roi === null ? '—' : formatPercent(r.roi)}</span>
          </dd>
        </div>
        <div class="figure">
          <dt>Uplift over the holdout</dt>
          <dd>
            {r.uplift ? (
              <>
                {formatPercent(r.uplift.absolute)} <span class="muted">(p = {formatNumber(r.uplift.pValue, 4)}, {r.uplift.significant ? 'significant' : 'not significant'}; {r.uplift.test})</span>
              </>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
      <ResultsChart results={r} />
      <table>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Recipients</th>
            <th scope="col">Sent</th>
            <th scope="col">Delivered</th>
            <th scope="col">Conversions</th>
            <th scope="col">Rate</th>
            <th scope="col">Revenue</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.name}>
              <th scope="row">{v.name}</th>
              <td class="num">{formatNumber(v.recipients, 0)}</td>
              <td class="num">{formatNumber(v.sent, 0)}</td>
              <td class="num">{formatNumber(v.delivered, 0)}</td>
              <td class="num">{formatNumber(v.conversions, 0)}</td>
              <td class="num">{formatPercent(v.conversionRate)}</td>
              <td class="num">{formatMoney(v.revenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.keys(r.skipped).length > 0 && (
        <p class="muted">
          Not sent: {Object.entries(r.skipped).map(([reason, n]) => `${reason} ${formatNumber(n, 0)}`).join(', ')}
          {r.stopReason && <> · stopped: {r.stopReason}</>}
        </p>
      )}
    </div>
  );
}

function Actions({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const session = currentSession();
  const role = session?.role;
  const [reason, setReason] = useState('');
  const { act, busy, error } = useAction(onDone);
  const campaignId = campaign.id;
  const path = { params: { path: { campaignId } } };
  const maker = role === 'admin' || role === 'marketer';
  const s = campaign.status;
  return (
    <div class="actions">
      {error !== undefined && <ErrorNotice error={error} action="do that to this campaign" onRetry={onDone} />}
      {maker && (s === 'draft' || s === 'rejected') && (
        <button type="button" class="primary" disabled={busy} onClick={() => void act(() => must(api.POST('/v1/campaigns/{campaignId}/submit', path)))}>
          Submit for approval
        </button>
      )}
      {role === 'approver' && s === 'submitted' && (
        <form
          aria-label="Decision"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => must(api.POST('/v1/campaigns/{campaignId}/reject', { ...path, body: { reason: reason.trim() } })));
          }}
        >
          <button type="button" class="primary" disabled={busy} onClick={() => void act(() => must(api.POST('/v1/campaigns/{campaignId}/approve', path)))}>
            Approve
          </button>{' '}
          <label>
            Reason to reject
            <input aria-label="Reason to reject" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} required />
          </label>{' '}
          <button type="submit" disabled={busy || !reason.trim()}>
            Reject
          </button>
        </form>
      )}
      {maker && s === 'approved' && (
        <button type="button" class="primary" disabled={busy} onClick={() => void act(() => must(api.POST('/v1/campaigns/{campaignId}/launch', { ...path, body: {} })))}>
          Launch now
        </button>
      )}
      {maker && (s === 'scheduled' || s === 'running') && (
        <button type="button" disabled={busy} onClick={() => void act(() => must(api.POST('/v1/campaigns/{campaignId}/cancel', path)))}>
          Cancel the run
        </button>
      )}
      {s === 'submitted' && role !== 'approver' && <p class="muted">Waiting for an approver other than its author and submitter (four eyes).</p>}
    </div>
  );
}

function Detail({ params }: PageProps) {
  const campaignId = params.campaignId!;
  const campaign = useApi(() => must(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } })), [campaignId]);
  const history = useApi(() => must(api.GET('/v1/campaigns/{campaignId}/history', { params: { path: { campaignId } } })), [campaignId, campaign.data?.version]);
  const c = campaign.data;
  const ran = c && ['running', 'completed', 'measured', 'cancelled'].includes(c.status);
  return (
    <section>
      <p>
        <a href="#/campaigns">← Campaigns</a>
      </p>
      {campaign.error !== undefined && <ErrorNotice error={campaign.error} action="open the campaign" onRetry={campaign.reload} />}
      {c && (
        <>
          <h1>{c.name}</h1>
          <p data-testid="campaign-status">
            <span class="badge">{LABELS[c.status]}</span> <span class="muted">version {c.version} · created by {c.createdBy} {formatDateTime(c.createdAt)}</span>
            {c.approval && <span class="badge positive">approved by {c.approval.by}</span>}
            {c.rejection && (
              <span class="badge negative" title={c.rejection.reason}>
                rejected by {c.rejection.by}: {c.rejection.reason}
              </span>
            )}
          </p>
          <Actions campaign={c} onDone={campaign.reload} />
          <div class="grid">
            <section class="card">
              <h2>Brief</h2>
              <dl class="figures">
                <div class="figure">
                  <dt>Objective</dt>
                  <dd>{c.brief.objective}</dd>
                </div>
                <div class="figure">
                  <dt>Audience</dt>
                  <dd>segment {c.brief.segmentId}, {c.brief.holdoutPercent} % held out</dd>
                </div>
                <div class="figure">
                  <dt>Channels</dt>
                  <dd>{c.brief.channels.join(', ')}</dd>
                </div>
                <div class="figure">
                  <dt>KPI / budget</dt>
                  <dd>
                    {c.brief.kpi} / {formatMoney(c.brief.budget)}
                  </dd>
                </div>
              </dl>
              {c.strategy && <p>{c.strategy}</p>}
            </section>
            <section class="card">
              <h2>Creative</h2>
              {(c.creative?.variants ?? []).map((v) => (
                <article key={v.id} class="variant">
                  <div class="meta">
                    variant {v.id} · {v.channel} · weight {v.weight}
                  </div>
                  {v.subject && <strong>{v.subject}</strong>}
                  <p>{v.body}</p>
                </article>
              ))}
              {!c.creative && <p class="muted">No creative yet.</p>}
              {(c.attachments ?? []).length > 0 && (
                <ul>
                  {c.attachments!.map((a) => (
                    <li key={a.id}>
                      {a.fileName} <span class="muted">({formatNumber(a.size / 1024, 0)} KiB)</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {ran && (
              <section class="card wide">
                <h2>Results</h2>
                <ResultsPanel campaignId={c.id} />
              </section>
            )}
            <section class="card">
              <h2>Comments</h2>
              <ul class="feed">
                {c.comments.map((m) => (
                  <li key={m.id}>
                    <div class="meta">
                      {m.by} · {formatDateTime(m.at)}
                    </div>
                    <p>{m.text}</p>
                  </li>
                ))}
              </ul>
              {c.comments.length === 0 && <p class="muted">No comments.</p>}
            </section>
            <section class="card">
              <h2>Versions</h2>
              {history.error !== undefined && <ErrorNotice error={history.error} action="read the history" onRetry={history.reload} />}
              <ol class="timeline" data-testid="campaign-history">
                {(history.data?.items ?? []).map((h) => (
                  <li key={h.version}>
                    v{h.version} {h.action} by {h.by} <span class="muted">{formatDateTime(h.at)}</span> → {LABELS[h.status]}
                    {h.changed.length > 0 && <span class="muted"> (changed {h.changed.join(', ')})</span>}
                  </li>
                ))}
              </ol>
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function Campaigns(props: PageProps) {
  return props.params.campaignId ? <Detail {...props} /> : <Board {...props} />;
}

export const campaignsPage: PageModule = {
  id: 'campaigns',
  title: 'Campaigns',
  routes: ['/campaigns', '/campaigns/:campaignId'],
  roles: ['admin', 'marketer', 'approver'],
  component: Campaigns,
};
