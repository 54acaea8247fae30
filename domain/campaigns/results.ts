/**
 * A campaign's results from its run counters and the orders attributed to it: per variant and for the holdout,
 * the uplift of the treated over the holdout with a two-proportion z-test, and a winner only when the test says so.
 */
import type { Campaign } from './model.js';
import { fromMicros, type RunCounters } from './run.js';
import { twoProportionZTest } from './statistics.js';

export interface Attribution {
  /** `conv_<arm>`, `rev_<arm>` (micro-units), `unsub_<arm>`, `delivered_<arm>`. */
  [counter: string]: number;
}

export function campaignResults(campaign: Campaign, counters: RunCounters | undefined, attribution: Attribution, channelFeesMicros: number, cloudCost: string | null) {
  const currency = campaign.brief.budget.currency;
  const money = (micros: number) => ({ amount: fromMicros(micros), currency });
  const perArm = counters?.perArm ?? {};
  const arm = (id: string) => {
    const recipients = perArm[id] ?? 0;
    const conversions = attribution[`conv_${id}`] ?? 0;
    return {
      recipients,
      sent: id === 'holdout' ? 0 : recipients,
      delivered: attribution[`delivered_${id}`] ?? 0,
      unsubscribed: attribution[`unsub_${id}`] ?? 0,
      conversions,
      conversionRate: recipients === 0 ? 0 : conversions / recipients,
      revenue: money(attribution[`rev_${id}`] ?? 0),
      revenueMicros: attribution[`rev_${id}`] ?? 0,
    };
  };
  const variantIds = [...new Set([...(campaign.creative?.variants ?? []).map((v) => v.id), ...Object.keys(perArm).filter((a) => a !== 'holdout')])];
  const variants = Object.fromEntries(variantIds.map((id) => [id, arm(id)]));
  const holdout = arm('holdout');
  const treated = Object.values(variants).reduce((t, v) => ({ conversions: t.conversions + v.conversions, trials: t.trials + v.recipients }), { conversions: 0, trials: 0 });
  const test = twoProportionZTest(treated, { conversions: holdout.conversions, trials: holdout.recipients });

  // a winner: the best variant against the runner-up, significant at 5%
  const ranked = Object.entries(variants).filter(([, v]) => v.recipients > 0).sort(([, a], [, b]) => b.conversionRate - a.conversionRate);
  let winner: { variant: string; test: string; pValue: number } | null = null;
  if (ranked.length >= 2) {
    const [[bestId, best], [, second]] = ranked as [[string, (typeof ranked)[0][1]], [string, (typeof ranked)[0][1]]];
    const duel = twoProportionZTest({ conversions: best.conversions, trials: best.recipients }, { conversions: second.conversions, trials: second.recipients });
    if (duel?.significant && duel.absolute > 0) winner = { variant: bestId, test: duel.test, pValue: duel.pValue };
  }

  const revenueMicros = Object.values(variants).reduce((n, v) => n + v.revenueMicros, 0);
  const feesMicros = channelFeesMicros;
  const cloudMicros = cloudCost ? Math.round(Number(cloudCost) * 1_000_000) : 0;
  const costMicros = feesMicros + cloudMicros;
  const strip = ({ revenueMicros: _r, ...rest }: ReturnType<typeof arm>) => rest;
  return {
    campaignId: campaign.id,
    status: campaign.status,
    audience: counters?.audience ?? 0,
    skipped: counters?.skipped ?? {},
    deferred: counters?.deferred ?? 0,
    sent: counters?.sent ?? 0,
    failed: counters?.failed ?? 0,
    delivered: Object.values(variants).reduce((n, v) => n + v.delivered, 0),
    unsubscribed: Object.values(variants).reduce((n, v) => n + v.unsubscribed, 0),
    conversions: Object.values(variants).reduce((n, v) => n + v.conversions, 0),
    revenue: money(revenueMicros),
    variants: Object.fromEntries(Object.entries(variants).map(([id, v]) => [id, strip(v)])),
    holdout: strip(holdout),
    uplift: test ? { test: test.test, absolute: test.absolute, confidenceInterval95: test.confidenceInterval95, zScore: test.zScore, pValue: test.pValue, significant: test.significant } : null,
    winner,
    cost: { channelFees: money(feesMicros), cloud: cloudCost === null ? null : { amount: cloudCost, currency }, total: money(costMicros) },
    roi: costMicros === 0 ? null : (revenueMicros - costMicros) / costMicros,
    attributionDays: campaign.brief.attributionDays,
    stopReason: counters?.stopReason ?? null,
  };
}
