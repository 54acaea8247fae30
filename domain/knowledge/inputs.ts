/**
 * Customer knowledge, its inputs: the raw, explainable facts one knowledge record keeps per customer (orders with
 * their totals and refunds as exact decimals, products, interactions by kind and channel, sentiment and passion,
 * mentions, consent, tier, reach), and the tenant settings and distribution the figures are computed against.
 */
import { type OrderStatus } from '../../events/catalog.js';
import { DEFAULT_EXPECTED_LIFETIME_YEARS } from './clv.js';
import { compareDecimal, subtractDecimal, type Money } from '../shared/money.js';
import type { ConsentSummary, CustomerActivity } from '../shared/model.js';
import { type RfmThresholds } from './rfm.js';
import { type HeartState } from '../social/index.js';

export const DAY_MS = 86_400_000;
/** Orders kept one by one; older ones are folded into `earlierOrders` (sums only). */
export const MAX_ORDERS = 1000;
/** Products remembered per customer (most recently bought). */
export const MAX_PRODUCTS = 500;
/** Order statuses that do not count as a purchase. */
const NOT_PURCHASES: readonly OrderStatus[] = ['pending', 'cancelled', 'failed'];

// ---------------------------------------------------------------------------------------------------------
// Inputs

export interface OrderFact {
  store: string;
  at: string;
  total: string;
  refunded: string;
  currency: string;
  status?: OrderStatus;
  /** A refund or status change seen before the order itself: it counts once OrderPlaced arrives. */
  placeholder?: boolean;
}

export interface EarlierOrders {
  count: number;
  /** Net spend per currency. */
  net: Record<string, string>;
  firstAt: string;
  lastAt: string;
}

export interface ProductFact {
  firstAt: string;
  lastAt: string;
  /** The unit price last paid. */
  price?: Money;
}

export interface SocialInputs {
  interactions: number;
  byKind: Record<string, number>;
  byChannel: Record<string, number>;
  firstAt?: string;
  lastAt?: string;
  /** Plain sum and count of sentiment scores (texts only). */
  sentiment: { sum: number; count: number };
  heart?: HeartState;
  brandMentions: number;
  competitorMentions: number;
  byCompetitor: Record<string, number>;
  /** Reviews, shares, content and referrals that were not negative. */
  advocacySignals: number;
}

export interface KnowledgeInputs {
  /** By `${store}:${orderId}`. */
  orders: Record<string, OrderFact>;
  earlierOrders?: EarlierOrders;
  products: Record<string, ProductFact>;
  social: SocialInputs;
  /** The effective consent: the later of the ConsentChanged events seen and the profile's summary. */
  consent: ConsentSummary;
  tier?: string;
  /** Followers across the person's identities, as the profile last showed them. */
  reach: { followers: number; at?: string };
}

/** Co-occurrence counts still to add for an order that brought new products (see domain/knowledge/recommendations.ts). */
export interface PendingAffinity {
  eventId: string;
  newProducts: string[];
  previousProducts: string[];
}

export interface KnowledgeRecord {
  tenantId: string;
  customerId: string;
  inputs: KnowledgeInputs;
  /** Ids of the segments the customer is in: the membership items mirror this list exactly. */
  segments: string[];
  pendingAffinity?: PendingAffinity[];
  /**
   * When the customer was last seen and how often they spoke on each channel, whatever their consent (kept here
   * by the same write as the rest of an interaction's effect; the profile's own `activity` is where older
   * records started from).
   */
  activity?: CustomerActivity;
  updatedAt: string;
}

export interface StoredKnowledge {
  record: KnowledgeRecord;
  rev: number;
}

export function emptyInputs(): KnowledgeInputs {
  return {
    orders: {},
    products: {},
    social: {
      interactions: 0,
      byKind: {},
      byChannel: {},
      sentiment: { sum: 0, count: 0 },
      brandMentions: 0,
      competitorMentions: 0,
      byCompetitor: {},
      advocacySignals: 0,
    },
    consent: {},
    reach: { followers: 0 },
  };
}

/** An order counts as a purchase unless it is cancelled, failed, pending, unseen (placeholder) or fully refunded. */
export function counts(o: OrderFact): boolean {
  if (o.placeholder) return false;
  if (o.status && NOT_PURCHASES.includes(o.status)) return false;
  return compareDecimal(subtractDecimal(o.total, o.refunded), '0') > 0;
}

/** Time helpers of the inputs: ISO 8601 strings compare in time order. */
export const orderKey = (store: string, orderId: string) => `${store}:${orderId}`;
export const iso = (at: string) => new Date(at).toISOString();
export const later = (a: string | undefined, b: string) => (a && a > b ? a : b);
export const earlier = (a: string | undefined, b: string) => (a && a < b ? a : b);

// ---------------------------------------------------------------------------------------------------------
// Tenant settings and distribution

export interface KnowledgeSettings {
  /** Currency of the monetary figures; default: the one most of the tenant's orders use. */
  currency?: string;
  brandKeywords: string[];
  competitorKeywords: string[];
  /** What a customer spends a year in the brand's category, everywhere (for Share of Wallet). */
  categorySpendEstimate?: Money;
  expectedLifetimeYears: number;
  updatedAt?: string;
}

export const DEFAULT_SETTINGS: KnowledgeSettings = {
  brandKeywords: [],
  competitorKeywords: [],
  expectedLifetimeYears: DEFAULT_EXPECTED_LIFETIME_YEARS,
};

export interface TenantKnowledgeStats {
  computedAt: string;
  jobId?: string;
  /** Knowledge records read. */
  customers: number;
  rfm?: RfmThresholds;
  /** Σ reach-weighted voice over customers with social profiling consent. */
  voice: { total: number; customers: number };
}
