/**
 * Customer knowledge, the figures: RFM, CLV, lifecycle stage and churn risk, and the four shares, each computed
 * from the inputs, the tenant settings and the last tenant distribution, answered as { value, inputs, formula }.
 * 
 * Consent gate: without social_profiling consent, interactions are counted into the inputs (the retained
 * history) but no figure, segment or audience uses them: the social figures answer null with a note, and the
 * stage cannot be advocate.
 */
import { type Stage } from '../../events/catalog.js';
import { socialProfilingAllowed } from '../consent/index.js';
import { computeClv, CLV_FORMULA } from './clv.js';
import { churnRisk, lifecycleStage, LIFECYCLE_RULES, type ChurnRisk } from './lifecycle.js';
import { addDecimal, subtractDecimal, type Money } from '../shared/money.js';
import type { Customer } from '../shared/model.js';
import { computeThresholds, RFM_FORMULA, rfmScores, type RfmMeasures, type RfmScores } from './rfm.js';
import { heartAt, reachWeight, shareOfHeart, shareOfMind, shareOfVoice, shareOfWallet, VOICE_KINDS, type Figure } from '../social/index.js';
import { followersOf, mergeConsent } from './apply.js';
import { DAY_MS, type KnowledgeInputs, type KnowledgeSettings, type TenantKnowledgeStats, counts, earlier, later } from './inputs.js';

// ---------------------------------------------------------------------------------------------------------
// Order figures

export interface OrderSummary {
  orders: number;
  /** Orders seen that do not count (cancelled, failed, pending, fully refunded, refund-only). */
  notCounted: number;
  currency: string | null;
  netSpend: string;
  grossSpend: string;
  refunded: string;
  /** Net spend of counted orders in other currencies (not converted, not in the figures). */
  otherCurrencies: Record<string, string>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  stores: string[];
}

/** The currency most of the customer's counted orders use (ties: alphabetical). */
export function mainCurrency(inputs: KnowledgeInputs): string | null {
  const tally = new Map<string, number>();
  for (const o of Object.values(inputs.orders)) if (counts(o)) tally.set(o.currency, (tally.get(o.currency) ?? 0) + 1);
  for (const [c, v] of Object.entries(inputs.earlierOrders?.net ?? {})) tally.set(c, (tally.get(c) ?? 0) + (v ? 1 : 0));
  const ranked = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? null;
}

export function orderSummary(inputs: KnowledgeInputs, preferredCurrency?: string): OrderSummary {
  const currency = preferredCurrency ?? mainCurrency(inputs);
  let orders = inputs.earlierOrders?.count ?? 0;
  let notCounted = 0;
  let netSpend = currency ? (inputs.earlierOrders?.net[currency] ?? '0') : '0';
  let grossSpend = netSpend;
  let refunded = '0';
  const otherCurrencies: Record<string, string> = {};
  for (const [c, v] of Object.entries(inputs.earlierOrders?.net ?? {})) if (c !== currency) otherCurrencies[c] = v;
  let firstOrderAt = inputs.earlierOrders?.firstAt;
  let lastOrderAt = inputs.earlierOrders?.lastAt;
  const stores = new Set<string>();
  for (const o of Object.values(inputs.orders)) {
    if (!counts(o)) {
      notCounted += 1;
      continue;
    }
    orders += 1;
    stores.add(o.store);
    firstOrderAt = earlier(firstOrderAt, o.at);
    lastOrderAt = later(lastOrderAt, o.at);
    const net = subtractDecimal(o.total, o.refunded);
    if (o.currency === currency) {
      netSpend = addDecimal(netSpend, net);
      grossSpend = addDecimal(grossSpend, o.total);
      refunded = addDecimal(refunded, o.refunded);
    } else {
      otherCurrencies[o.currency] = addDecimal(otherCurrencies[o.currency] ?? '0', net);
    }
  }
  return {
    orders,
    notCounted,
    currency,
    netSpend,
    grossSpend,
    refunded,
    otherCurrencies,
    ...(firstOrderAt && { firstOrderAt }),
    ...(lastOrderAt && { lastOrderAt }),
    stores: [...stores].sort(),
  };
}

export function wholeDaysBetween(fromIso: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(fromIso)) / DAY_MS));
}

// ---------------------------------------------------------------------------------------------------------
// The figures

export interface KnowledgeContext {
  settings: KnowledgeSettings;
  stats?: TenantKnowledgeStats;
  now: Date;
}

export interface CustomerKnowledge {
  computedAt: string;
  socialProfiling: boolean;
  orders: {
    count: number;
    notCounted: number;
    netSpend: Money | null;
    otherCurrencies: Record<string, string>;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    daysSinceLastOrder: number | null;
    products: number;
  };
  /** null without social profiling consent: the interactions are withheld from every figure. */
  interactions: {
    count: number;
    byKind: Record<string, number>;
    byChannel: Record<string, number>;
    lastInteractionAt: string | null;
    daysSinceLastInteraction: number | null;
  } | null;
  rfm: Figure<RfmScores>;
  clv: Figure<{ historic: Money; predictive: Money }>;
  lifecycle: Figure<{ stage: Stage; churnRisk: ChurnRisk | null }>;
  shares: { voice: Figure<number>; wallet: Figure<number>; mind: Figure<number>; heart: Figure<number> };
  /** Channels the customer is present on: identities and the stores they bought in. */
  channels: string[];
  tier: string | null;
}

/** Every figure of one customer, from the inputs, the profile, the tenant settings and distribution. */
export function computeKnowledge(inputs: KnowledgeInputs, customer: Customer, ctx: KnowledgeContext): CustomerKnowledge {
  const now = ctx.now.toISOString();
  const consent = mergeConsent(inputs.consent, customer.consentSummary);
  const social = socialProfilingAllowed({ consentSummary: consent });
  const currency = ctx.stats?.rfm?.currency ?? ctx.settings.currency;
  const summary = orderSummary(inputs, currency);
  const netSpend: Money | null = summary.currency ? { amount: summary.netSpend, currency: summary.currency } : null;
  const daysSinceLastOrder = summary.lastOrderAt ? wholeDaysBetween(summary.lastOrderAt, ctx.now) : null;
  const daysSinceFirstOrder = summary.firstOrderAt ? wholeDaysBetween(summary.firstOrderAt, ctx.now) : null;
  const s = inputs.social;
  const heart = social && s.heart ? heartAt(s.heart, now) : undefined;
  const followers = Math.max(inputs.reach.followers, followersOf(customer));

  // RFM
  const measures: RfmMeasures | undefined =
    summary.orders > 0 && summary.lastOrderAt ? { lastOrderAt: summary.lastOrderAt, orders: summary.orders, netSpend: summary.netSpend } : undefined;
  const thresholds = ctx.stats?.rfm;
  const rfmInputs = {
    lastOrderAt: summary.lastOrderAt ?? null,
    daysSinceLastOrder,
    orders: summary.orders,
    netSpend,
    thresholds: thresholds ?? null,
  };
  const rfm: Figure<RfmScores> = !measures
    ? { value: null, inputs: rfmInputs, formula: RFM_FORMULA, note: 'no counted orders' }
    : !thresholds
      ? { value: null, inputs: rfmInputs, formula: RFM_FORMULA, note: 'tenant quintiles not computed yet (POST /v1/knowledge/recompute)' }
      : { value: rfmScores(measures, thresholds), inputs: rfmInputs, formula: RFM_FORMULA };

  // CLV
  const expectedLifetimeYears = ctx.settings.expectedLifetimeYears;
  const clvFigures =
    netSpend && summary.orders > 0 && summary.firstOrderAt && daysSinceFirstOrder !== null
      ? computeClv({ orders: summary.orders, netSpend, firstOrderAt: summary.firstOrderAt, daysSinceFirstOrder, expectedLifetimeYears })
      : undefined;
  const clv: Figure<{ historic: Money; predictive: Money }> = clvFigures
    ? {
        value: { historic: clvFigures.historic, predictive: clvFigures.predictive },
        inputs: {
          orders: summary.orders,
          netSpend,
          grossSpend: { amount: summary.grossSpend, currency: summary.currency },
          refunded: { amount: summary.refunded, currency: summary.currency },
          otherCurrencies: summary.otherCurrencies,
          firstOrderAt: summary.firstOrderAt,
          daysSinceFirstOrder,
          observedDays: clvFigures.observedDays,
          averageOrderValue: clvFigures.averageOrderValue,
          purchasesPerYear: clvFigures.purchasesPerYear,
          expectedLifetimeYears,
        },
        formula: `historic: ${CLV_FORMULA.historic}; predictive: ${CLV_FORMULA.predictive}`,
      }
    : { value: null, inputs: { orders: 0, expectedLifetimeYears }, formula: `historic: ${CLV_FORMULA.historic}; predictive: ${CLV_FORMULA.predictive}`, note: 'no counted orders' };

  // Lifecycle
  const marketingConsent = Object.values(consent.marketing ?? {}).some((state) => state?.status === 'granted');
  const contactIdentity = customer.identities.some((i) => i.channel === 'email' || i.channel === 'phone');
  const stageInputs = {
    orders: summary.orders,
    previousStage: customer.stage,
    marketingConsent,
    contactIdentity,
    registered: customer.registeredAt !== undefined,
    socialProfiling: social,
    advocacySignals: social ? s.advocacySignals : 0,
    weightedSentiment: heart?.weightedSentiment ?? null,
  };
  const churn = churnRisk({
    orders: summary.orders,
    daysSinceLastOrder: daysSinceLastOrder ?? 0,
    daysBetweenFirstAndLast: summary.firstOrderAt && summary.lastOrderAt ? wholeDaysBetween(summary.firstOrderAt, new Date(summary.lastOrderAt)) : 0,
  });
  const lifecycle: Figure<{ stage: Stage; churnRisk: ChurnRisk | null }> = {
    value: { stage: lifecycleStage(stageInputs), churnRisk: churn.risk },
    inputs: {
      ...stageInputs,
      advocacySignals: social ? s.advocacySignals : null,
      daysSinceLastOrder,
      averageDaysBetweenOrders: churn.averageDaysBetweenOrders,
      churnRatio: churn.ratio,
    },
    formula: LIFECYCLE_RULES,
  };

  // Shares
  const voiceInteractions = VOICE_KINDS.reduce((n, k) => n + (s.byKind[k] ?? 0), 0);
  const shares = {
    voice: shareOfVoice(
      social
        ? { voiceInteractions, followers, tenantVoice: ctx.stats ? ctx.stats.voice.total : null, tenantVoiceAt: ctx.stats?.computedAt ?? null }
        : null,
    ),
    wallet: shareOfWallet(
      netSpend && daysSinceFirstOrder !== null ? { netSpend, daysSinceFirstOrder, estimate: ctx.settings.categorySpendEstimate } : null,
    ),
    mind: shareOfMind(
      social ? { brandMentions: s.brandMentions, competitorMentions: s.competitorMentions, byCompetitor: s.byCompetitor, followers } : null,
    ),
    heart: shareOfHeart(social ? { heart: s.heart, now } : null),
  };

  const channels = new Set<string>([...customer.identities.map((i) => i.channel), ...summary.stores]);
  return {
    computedAt: now,
    socialProfiling: social,
    orders: {
      count: summary.orders,
      notCounted: summary.notCounted,
      netSpend,
      otherCurrencies: summary.otherCurrencies,
      firstOrderAt: summary.firstOrderAt ?? null,
      lastOrderAt: summary.lastOrderAt ?? null,
      daysSinceLastOrder,
      products: Object.keys(inputs.products).length,
    },
    interactions: social
      ? {
          count: s.interactions,
          byKind: s.byKind,
          byChannel: s.byChannel,
          lastInteractionAt: s.lastAt ?? null,
          daysSinceLastInteraction: s.lastAt ? wholeDaysBetween(s.lastAt, ctx.now) : null,
        }
      : null,
    rfm,
    clv,
    lifecycle,
    shares,
    channels: [...channels].sort(),
    tier: inputs.tier ?? null,
  };
}

/** The tenant's distribution, from every customer's inputs: RFM quintile cuts and the total voice. */
export function computeTenantStats(all: Iterable<KnowledgeInputs>, settings: KnowledgeSettings, now: Date, jobId?: string): TenantKnowledgeStats {
  const records = [...all];
  let currency = settings.currency;
  if (!currency) {
    const tally = new Map<string, number>();
    for (const inputs of records) {
      const c = mainCurrency(inputs);
      if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    currency = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  }
  const buyers: RfmMeasures[] = [];
  let voiceTotal = 0;
  let voiceCustomers = 0;
  for (const inputs of records) {
    const summary = orderSummary(inputs, currency);
    if (summary.orders > 0 && summary.lastOrderAt) buyers.push({ lastOrderAt: summary.lastOrderAt, orders: summary.orders, netSpend: summary.netSpend });
    if (socialProfilingAllowed({ consentSummary: inputs.consent })) {
      const voice = VOICE_KINDS.reduce((n, k) => n + (inputs.social.byKind[k] ?? 0), 0);
      if (voice > 0) {
        voiceTotal += voice * reachWeight(inputs.reach.followers);
        voiceCustomers += 1;
      }
    }
  }
  const rfm = currency ? computeThresholds(buyers, currency, now.toISOString()) : undefined;
  return {
    computedAt: now.toISOString(),
    ...(jobId && { jobId }),
    customers: records.length,
    ...(rfm && { rfm }),
    voice: { total: voiceTotal, customers: voiceCustomers },
  };
}
