/**
 * Costs (finance, admin): what the tenant's work cost in cloud spend and channel fees for a period. The cost per
 * day stacked by feature (one call: groupBy=day&thenBy=feature), per feature with the units and prices behind
 * each figure, per campaign, the unit costs, the budgets as bars, and any table as CSV with the API's own figures.
 */
import { useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, downloadCsv, must, type Schemas } from '../api/client';
import { formatCost, formatDate, formatMoney, formatNumber } from '../format';
import { Chart } from '../ui/chart';
import { ErrorNotice } from '../ui/errors';
import { useApi } from '../ui/use-api';
import type { PageModule, PageProps } from './registry';

type Report = Schemas['CostReport'];
type Group = Report['groups'][number];

const COLOURS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];
const today = () => new Date().toISOString().slice(0, 10);
type Period = { from: string; to: string };
const monthStart = () => `${today().slice(0, 7)}-01`;

/**
 * The days as x, one series per feature holding the running sum up to it, drawn tallest first so each bar's
 * visible slice is that feature's share (uPlot has no stacking of its own).
 */
export function stackedByFeature(report: Report): { features: string[]; days: string[]; x: number[]; stacks: number[][] } {
  const features = [...new Set(report.groups.flatMap((g) => (g.breakdown ?? []).map((b) => b.key)))].sort();
  const x = report.groups.map((_, i) => i);
  const stacks = features.map(() => report.groups.map(() => 0));
  report.groups.forEach((g, day) => {
    let running = 0;
    features.forEach((feature, i) => {
      running += Number(g.breakdown?.find((b) => b.key === feature)?.exactAmount ?? 0);
      stacks[i]![day] = running;
    });
  });
  return { features, days: report.groups.map((g) => g.key), x, stacks };
}

function DailyChart({ report }: { report: Report }) {
  const { options, data, features } = useMemo(() => {
    const { features, days, x, stacks } = stackedByFeature(report);
    const order = features.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars!({ size: [0.7, 48] });
    return {
      features,
      data: [x, ...order.map((i) => stacks[i]!)] as uPlot.AlignedData,
      options: {
        series: [
          {},
          ...order.map((i) => ({ label: features[i], fill: COLOURS[i % COLOURS.length], stroke: COLOURS[i % COLOURS.length], paths: bars, points: { show: false } })),
        ],
        axes: [{ splits: () => x, values: () => days.map((d) => formatDate(`${d}T00:00:00Z`)) }, { size: 96, values: (_: uPlot, ticks: number[]) => ticks.map((t) => formatCost(String(t), report.currency)) }],
        // the days as categories: a time scale would stretch one day over years of axis
        scales: { x: { time: false, range: (): uPlot.Range.MinMax => [-0.5, days.length - 0.5] }, y: { range: (_: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1] } },
        legend: { show: false },
      },
    };
  }, [report]);
  if (report.groups.length === 0) return <p class="muted">Nothing metered in this period.</p>;
  return (
    <>
      <Chart label={`Cost per day stacked by feature: ${features.join(', ')}`} data={data} options={options} />
      <p class="legend" aria-hidden="true">
        {features.map((f, i) => (
          <span key={f}>
            <span class="swatch" style={{ background: COLOURS[i % COLOURS.length] }} /> {f}{' '}
          </span>
        ))}
      </p>
    </>
  );
}

/** A group's amount with the units and prices behind it (every figure explains itself). */
function GroupRows({ groups, currency, link }: { groups: Group[]; currency: string; link?: (key: string) => string | undefined }) {
  return (
    <>
      {groups.map((g) => {
        const href = link?.(g.key);
        return (
          <tr key={g.key}>
            <th scope="row">{href ? <a href={href}>{g.key}</a> : g.key}</th>
            <td class="num" title={`${g.exactAmount} ${currency} exactly`}>
              {formatCost(g.exactAmount, currency)}
            </td>
            <td>
              <details>
                <summary>{g.prices.length} prices</summary>
                <table class="inputs">
                  <tbody>
                    {g.prices.map((p) => (
                      <tr key={`${p.dimension}|${p.version}`}>
                        <td>{p.dimension}</td>
                        <td class="num">{g.units[p.dimension]}</td>
                        <td>
                          × {p.price} {currency} per {p.per} {p.unit}
                        </td>
                        <td class="num">= {g.amounts[p.dimension]}</td>
                        <td>
                          <a href={p.source} rel="noreferrer noopener" target="_blank">
                            source
                          </a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </td>
          </tr>
        );
      })}
    </>
  );
}

/** One grouping of the period's costs as a table with the units and prices behind each amount, and its CSV. */
function GroupedCosts({ period, groupBy, title, link }: { period: Period; groupBy: 'feature' | 'campaign'; title: string; link?: (key: string) => string | undefined }) {
  const report = useApi(() => must(api.GET('/v1/costs', { params: { query: { ...period, groupBy } } })), [period.from, period.to, groupBy]);
  return (
    <section class="card">
      <h2>{title}</h2>
      {report.error !== undefined && <ErrorNotice error={report.error} action="read costs" onRetry={report.reload} />}
      {report.data && (
        <table data-testid={`costs-by-${groupBy}`}>
          <tbody>
            <GroupRows groups={report.data.groups} currency={report.data.currency} {...(link && { link })} />
          </tbody>
        </table>
      )}
      <CsvButton path="/v1/costs" query={{ ...period, groupBy }} name={`costs-by-${groupBy}`} />
    </section>
  );
}

function CsvButton({ path, query, name }: { path: string; query: Record<string, string>; name: string }) {
  const [error, setError] = useState<unknown>();
  return (
    <>
      <button type="button" onClick={() => downloadCsv(path, query, name).then(() => setError(undefined), setError)}>
        Download CSV
      </button>
      {error !== undefined && <ErrorNotice error={error} action="download costs" />}
    </>
  );
}

function Budgets({ currency }: { currency: string | undefined }) {
  const budgets = useApi(() => must(api.GET('/v1/budgets')), []);
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<unknown>();
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await must(api.PUT('/v1/budgets', { body: { scope: 'tenant', amount: amount.trim(), currency: currency ?? 'USD', thresholds: [50, 80, 100] } }));
      setAmount('');
      budgets.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card">
      <h2>Budgets</h2>
      {budgets.error !== undefined && <ErrorNotice error={budgets.error} action="read budgets" onRetry={budgets.reload} />}
      <ul class="budgets" data-testid="budgets">
        {(budgets.data?.items ?? []).map((b) => (
          <li key={`${b.scope}:${b.campaignId ?? ''}`}>
            <strong>{b.scope === 'tenant' ? `Monthly (${b.period})` : `Campaign ${b.campaignId}`}</strong>{' '}
            <meter min={0} max={100} low={80} high={99} optimum={0} value={Math.min(Number(b.percent), 100)} aria-label={`${b.percent} % of the budget spent`} />{' '}
            {formatMoney({ amount: b.spent.amount, currency: b.spent.currency })} of {formatMoney(b.budget)} ({formatNumber(Number(b.percent), 1)} %)
            {b.reached.length > 0 && <span class={`badge ${b.exhausted ? 'negative' : 'pending'}`}>reached {b.reached.join(', ')} %</span>}
          </li>
        ))}
      </ul>
      {budgets.data?.items.length === 0 && <p class="muted">No budget set.</p>}
      <form class="filters" aria-label="Set the monthly budget" onSubmit={save}>
        <label>
          Monthly budget ({currency ?? 'USD'})
          <input aria-label="Monthly budget amount" inputMode="decimal" placeholder="250.00" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} required />
        </label>
        <button type="submit">Set budget</button>
        <span class="muted">alerts at 50, 80 and 100 %</span>
      </form>
      {error !== undefined && <ErrorNotice error={error} action="set budgets" />}
    </section>
  );
}

const UNIT_LABELS: [keyof Omit<Schemas['UnitCosts'], 'from' | 'to' | 'currency' | 'total'>, string][] = [
  ['perThousandSocialEvents', 'per 1,000 social events'],
  ['perOrder', 'per order'],
  ['perMessage', 'per message sent'],
  ['perActiveCustomerMonth', 'per active customer per month'],
  ['perCampaignRecipient', 'per campaign recipient'],
];

function Costs(_: PageProps) {
  const [period, setPeriod] = useState<Period>({ from: monthStart(), to: today() });
  const daily = useApi(() => must(api.GET('/v1/costs', { params: { query: { ...period, groupBy: 'day', thenBy: 'feature' } } })), [period.from, period.to]);
  const units = useApi(() => must(api.GET('/v1/costs/unit', { params: { query: period } })), [period.from, period.to]);
  const report = daily.data;
  const reconciledDays = report ? Object.values(report.days).filter((d) => d === 'reconciled').length : 0;
  return (
    <section>
      <h1>Costs</h1>
      <form
        class="filters"
        aria-label="Period"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.target as HTMLFormElement);
          setPeriod({ from: String(form.get('from')), to: String(form.get('to')) });
        }}
      >
        <label>
          From
          <input type="date" name="from" aria-label="From" value={period.from} required />
        </label>
        <label>
          To
          <input type="date" name="to" aria-label="To" value={period.to} required />
        </label>
        <button type="submit">Show</button>
      </form>
      {daily.error !== undefined && <ErrorNotice error={daily.error} action="read costs" onRetry={daily.reload} />}
      {report && (
        <>
          <p>
            <strong data-testid="cost-total" title={`${report.total.exactAmount} ${report.currency} exactly`}>
              {formatCost(report.total.exactAmount, report.currency)}
            </strong> in {report.region},{' '}
            {reconciledDays > 0 ? `${reconciledDays} of ${Object.keys(report.days).length} days reconciled with the bill` : 'estimated from metering (no bill imported for these days)'}.{' '}
            <span class="muted">The account's free tier is not shared out to tenants.</span>
          </p>
          <section class="card wide">
            <h2>Cost per day, by feature</h2>
            <DailyChart report={report} />
            <CsvButton path="/v1/costs" query={{ ...period, groupBy: 'day', thenBy: 'feature' }} name="costs-by-day-and-feature" />
          </section>
        </>
      )}
      <div class="grid">
        <GroupedCosts period={period} groupBy="feature" title="By feature" />
        <GroupedCosts period={period} groupBy="campaign" title="By campaign" link={(key) => (key === '(none)' ? undefined : `#/campaigns/${encodeURIComponent(key)}`)} />
        <section class="card">
          <h2>Unit costs</h2>
          {units.error !== undefined && <ErrorNotice error={units.error} action="read unit costs" onRetry={units.reload} />}
          {units.data && (
            <table data-testid="unit-costs">
              <tbody>
                {UNIT_LABELS.map(([key, label]) => {
                  const u = units.data![key];
                  return (
                    <tr key={key}>
                      <th scope="row">{label}</th>
                      <td class="num">{u.amount === null ? '—' : formatCost(u.amount, units.data!.currency)}</td>
                      <td class="muted">
                        <span title={`${u.cost} ${units.data!.currency} exactly`}>{formatCost(u.cost, units.data!.currency)}</span> over {formatNumber(Number(u.units), 0)} ({u.basis})
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <CsvButton path="/v1/costs/unit" query={period} name="unit-costs" />
        </section>
        <Budgets currency={report?.currency} />
      </div>
    </section>
  );
}

export const costsPage: PageModule = {
  id: 'costs',
  title: 'Costs',
  routes: ['/costs'],
  roles: ['finance', 'admin'],
  component: Costs,
};
