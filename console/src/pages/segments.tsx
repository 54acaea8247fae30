/**
 * Segments: build a rule from the rule language's fields, save it, watch the preview count come in, list
 * the members. The fields, operators and values offered are the ones the API's SegmentCondition allows.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, must, type Schemas } from '../api/client';
import { formatDateTime, formatNumber } from '../format';
import { ErrorNotice } from '../ui/errors';
import { useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

type Condition = Schemas['SegmentCondition'];
type Field = Condition['field'];

const NUMERIC: Field[] = ['orders', 'interactions', 'daysSinceLastOrder', 'daysSinceLastInteraction', 'rfm.recency', 'rfm.frequency', 'rfm.monetary', 'shares.voice', 'shares.wallet', 'shares.mind', 'shares.heart', 'clv.historic', 'clv.predictive'];
const CHOICES: Partial<Record<Field, string[]>> = {
  stage: ['prospect', 'lead', 'customer', 'repeat', 'loyal', 'advocate'],
  'rfm.class': ['champions', 'loyal', 'new', 'potential_loyalist', 'needs_attention', 'at_risk', 'hibernating'],
  churnRisk: ['low', 'medium', 'high'],
  channels: ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'web', 'email', 'sms', 'phone'],
  'consent.marketing': ['granted', 'withdrawn', 'pending', 'none'],
  'consent.marketing.email': ['granted', 'withdrawn', 'pending', 'none'],
  'consent.social_profiling': ['granted', 'withdrawn', 'pending', 'none'],
};
const FIELDS: Field[] = [...NUMERIC, 'stage', 'rfm.class', 'churnRisk', 'channels', 'tags', 'tier', 'consent.marketing', 'consent.marketing.email', 'consent.social_profiling'];

function opsFor(field: Field): string[] {
  if (NUMERIC.includes(field)) return ['gte', 'gt', 'lte', 'lt', 'eq', 'ne'];
  if (field === 'channels' || field === 'tags') return ['has', 'hasNone'];
  return ['eq', 'ne'];
}

interface Row {
  field: Field;
  op: string;
  value: string;
}

/** A builder row as the API's condition; the API validates the combination and names a bad field. */
function toCondition(row: Row): Condition {
  const value = NUMERIC.includes(row.field) && !row.field.startsWith('clv.') ? Number(row.value) : row.value;
  return { field: row.field, op: row.op, value } as Condition;
}

function Builder({ onCreated }: { onCreated: (segment: Schemas['Segment']) => void }) {
  const [rows, setRows] = useState<Row[]>([{ field: 'interactions', op: 'gte', value: '1' }]);
  const [combine, setCombine] = useState<'and' | 'or'>('and');
  const [error, setError] = useState<unknown>();
  const update = (n: number, patch: Partial<Row>) =>
    setRows((rs) =>
      rs.map((r, i) => {
        if (i !== n) return r;
        const next = { ...r, ...patch };
        if (patch.field) {
          next.op = opsFor(patch.field)[0]!;
          next.value = CHOICES[patch.field]?.[0] ?? '';
        }
        return next;
      }),
    );
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const conditions = rows.map(toCondition);
    const rule: Schemas['SegmentRule'] = conditions.length === 1 ? conditions[0]! : combine === 'and' ? { and: conditions } : { or: conditions };
    setError(undefined);
    try {
      onCreated(await must(api.POST('/v1/segments', { body: { name: String(form.get('name')), rule } })));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form class="card builder" onSubmit={submit} aria-label="New segment">
      <h2>New segment</h2>
      <label>
        Name <input name="name" required maxLength={100} />
      </label>
      {rows.length > 1 && (
        <label>
          Match
          <select value={combine} onChange={(e) => setCombine((e.target as HTMLSelectElement).value as 'and' | 'or')}>
            <option value="and">all conditions</option>
            <option value="or">any condition</option>
          </select>
        </label>
      )}
      {rows.map((row, n) => (
        <fieldset key={n} class="condition">
          <legend>Condition {n + 1}</legend>
          <select aria-label="field" value={row.field} onChange={(e) => update(n, { field: (e.target as HTMLSelectElement).value as Field })}>
            {FIELDS.map((f) => <option key={f}>{f}</option>)}
          </select>
          <select aria-label="operator" value={row.op} onChange={(e) => update(n, { op: (e.target as HTMLSelectElement).value })}>
            {opsFor(row.field).map((o) => <option key={o}>{o}</option>)}
          </select>
          {CHOICES[row.field] ? (
            <select aria-label="value" value={row.value} onChange={(e) => update(n, { value: (e.target as HTMLSelectElement).value })}>
              {CHOICES[row.field]!.map((o) => <option key={o}>{o}</option>)}
            </select>
          ) : (
            <input aria-label="value" required value={row.value} inputMode={NUMERIC.includes(row.field) ? 'decimal' : 'text'} onInput={(e) => update(n, { value: (e.target as HTMLInputElement).value })} />
          )}
          {rows.length > 1 && (
            <button type="button" onClick={() => setRows((rs) => rs.filter((_, i) => i !== n))} aria-label={`Remove condition ${n + 1}`}>
              ✕
            </button>
          )}
        </fieldset>
      ))}
      <p>
        <button type="button" onClick={() => setRows((rs) => [...rs, { field: 'stage', op: 'eq', value: 'customer' }])}>
          Add condition
        </button>{' '}
        <button type="submit" class="primary">
          Save and preview
        </button>
      </p>
      {error !== undefined && <ErrorNotice error={error} action="create segments" />}
    </form>
  );
}

function Members({ segmentId }: { segmentId: string }) {
  const members = useApi(() => must(api.GET('/v1/segments/{segmentId}/members', { params: { path: { segmentId }, query: { limit: 100 } } })), [segmentId]);
  if (members.error !== undefined) return <ErrorNotice error={members.error} action="list a segment's members" onRetry={members.reload} />;
  return (
    <ul data-testid="members">
      {(members.data?.items ?? []).map((m) => (
        <li key={m.customerId}>
          <a href={`#/customers/${encodeURIComponent(m.customerId)}`}>{m.customerId}</a>
        </li>
      ))}
      {members.data?.nextCursor && <li class="muted">…and more</li>}
    </ul>
  );
}

function SegmentDetail({ segmentId }: { segmentId: string }) {
  const [tick, setTick] = useState(0);
  const preview = useApi(() => must(api.GET('/v1/segments/{segmentId}/preview', { params: { path: { segmentId }, query: { sample: 10 } } })), [segmentId, tick]);
  const building = preview.data?.status === 'building';
  useEffect(() => {
    if (!building) return;
    const timer = setTimeout(() => setTick((t) => t + 1), 1000);
    return () => clearTimeout(timer);
  }, [building, preview.data]);
  const segment = useApi(() => must(api.GET('/v1/segments/{segmentId}', { params: { path: { segmentId } } })), [segmentId]);
  return (
    <section>
      <p>
        <a href="#/segments">← Segments</a>
      </p>
      <h1>{segment.data?.name ?? 'Segment'}</h1>
      {segment.data && (
        <pre class="rule" aria-label="rule">
          {JSON.stringify(segment.data.rule, null, 2)}
        </pre>
      )}
      {preview.error !== undefined && <ErrorNotice error={preview.error} action="preview segments" onRetry={preview.reload} />}
      {preview.data && (
        <p class="count" data-testid="preview-count" aria-live="polite">
          {building ? 'Counting… ' : ''}
          <strong>{formatNumber(preview.data.count, 0)}</strong> customers {building ? 'so far' : ''}
        </p>
      )}
      {!building && preview.data && (
        <div class="card">
          <h2>Members</h2>
          <Members segmentId={segmentId} />
        </div>
      )}
    </section>
  );
}

function SegmentsList() {
  const list = useApi(() => must(api.GET('/v1/segments')), []);
  return (
    <section>
      <h1>Segments</h1>
      <Builder onCreated={(s) => (location.hash = `#/segments/${encodeURIComponent(s.id)}`)} />
      {list.error !== undefined && <ErrorNotice error={list.error} action="list segments" onRetry={list.reload} />}
      <table data-testid="segments">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((s) => (
            <tr key={s.id}>
              <td>
                <a href={`#/segments/${encodeURIComponent(s.id)}`}>{s.name}</a>
              </td>
              <td>{s.status}</td>
              <td>{formatDateTime(s.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Segments({ params }: PageProps) {
  return params.segmentId ? <SegmentDetail segmentId={params.segmentId} /> : <SegmentsList />;
}

export const segmentsPage: PageModule = {
  id: 'segments',
  title: 'Segments',
  routes: ['/segments', '/segments/:segmentId'],
  roles: ['admin', 'marketer', 'agent'],
  component: Segments,
};
