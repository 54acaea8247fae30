/**
 * Measuring: an order (OrderPlaced, minus its refunds) by a person a campaign reached within its attribution window
 * counts for that campaign and the person's arm (their variant, or the holdout: the baseline); a marketing
 * withdrawal on the channel within the window counts as an unsubscribe. Each is counted once, however often the
 * event is delivered: the attribution item per order and the marks on the ledger entry are conditional writes.
 */
import type { Campaign } from './model.js';
import { toMicros, type LedgerEntry } from './run.js';

export interface AttributionStore {
  /** The person's ledger entries on every channel (one Query of their partition). */
  ledgerOf(tenantId: string, customerId: string): Promise<LedgerEntry[]>;
  campaign(tenantId: string, campaignId: string): Promise<Campaign | undefined>;
  /** Records the order for the campaign once; false when it was recorded already. */
  attributeOrder(tenantId: string, campaignId: string, order: { store: string; orderId: string; customerId: string; arm: string; amountMicros: number; currency: string; at: string }): Promise<boolean>;
  /** Marks the ledger entry (convertedAt / unsubscribedAt) once; false when it was marked already. */
  markOnce(entry: LedgerEntry, mark: 'convertedAt' | 'unsubscribedAt', at: string): Promise<boolean>;
  /** Subtracts a refund from an attributed order once per refund id; the order's arm, or undefined when not attributed. */
  refundOrder(tenantId: string, campaignId: string, store: string, orderId: string, refundId: string, amountMicros: number): Promise<{ arm: string } | undefined>;
  addCounters(tenantId: string, campaignId: string, adds: Record<string, number>): Promise<void>;
}

const DAY_MS = 86_400_000;

/** The campaigns that reached the person within their window before `at`: one entry per campaign (the earliest). */
async function reachedBy(store: AttributionStore, tenantId: string, customerId: string, at: string, channel?: string): Promise<{ entry: LedgerEntry; campaign: Campaign }[]> {
  const entries = (await store.ledgerOf(tenantId, customerId)).filter((e) => e.status !== 'failed' && (!channel || e.channel === channel)).sort((a, b) => a.at.localeCompare(b.at));
  const found = new Map<string, { entry: LedgerEntry; campaign: Campaign }>();
  for (const entry of entries) {
    if (found.has(entry.campaignId) || entry.at > at) continue;
    const campaign = await store.campaign(tenantId, entry.campaignId);
    if (!campaign) continue;
    if (new Date(at).getTime() - new Date(entry.at).getTime() > campaign.brief.attributionDays * DAY_MS) continue;
    found.set(entry.campaignId, { entry, campaign });
  }
  return [...found.values()];
}

/** 1. the campaigns that reached the buyer in their window, 2. the order once per campaign, 3. conversions and revenue per arm. */
export async function attributeOrder(store: AttributionStore, tenantId: string, order: { customerId: string; store: string; orderId: string; total: { amount: string; currency: string }; placedAt: string }): Promise<number> {
  let attributed = 0;
  for (const { entry, campaign } of await reachedBy(store, tenantId, order.customerId, order.placedAt)) {
    const sameCurrency = order.total.currency === campaign.brief.budget.currency;
    const amountMicros = sameCurrency ? toMicros(order.total.amount.replace(/^(-?\d+\.\d{6})\d+$/, '$1')) : 0;
    const recorded = await store.attributeOrder(tenantId, campaign.id, { store: order.store, orderId: order.orderId, customerId: order.customerId, arm: entry.arm, amountMicros, currency: order.total.currency, at: order.placedAt });
    if (!recorded) continue;
    attributed++;
    const converted = await store.markOnce(entry, 'convertedAt', order.placedAt);
    await store.addCounters(tenantId, campaign.id, { [`rev_${entry.arm}`]: amountMicros, ...(converted && { [`conv_${entry.arm}`]: 1 }) });
  }
  return attributed;
}

export async function attributeRefund(store: AttributionStore, tenantId: string, refund: { customerId: string; store: string; orderId: string; refundId: string; amount: { amount: string; currency: string } }): Promise<void> {
  const entries = await store.ledgerOf(tenantId, refund.customerId);
  for (const campaignId of new Set(entries.map((e) => e.campaignId))) {
    const campaign = await store.campaign(tenantId, campaignId);
    if (!campaign || campaign.brief.budget.currency !== refund.amount.currency) continue;
    const micros = toMicros(refund.amount.amount.replace(/^(-?\d+\.\d{6})\d+$/, '$1'));
    const order = await store.refundOrder(tenantId, campaignId, refund.store, refund.orderId, refund.refundId, micros);
    if (order) await store.addCounters(tenantId, campaignId, { [`rev_${order.arm}`]: -micros });
  }
}

export async function attributeUnsubscribe(store: AttributionStore, tenantId: string, change: { customerId: string; channel: string; at: string }): Promise<void> {
  for (const { entry, campaign } of await reachedBy(store, tenantId, change.customerId, change.at, change.channel)) {
    if (entry.status === 'holdout') continue;
    if (await store.markOnce(entry, 'unsubscribedAt', change.at)) await store.addCounters(tenantId, campaign.id, { [`unsub_${entry.arm}`]: 1 });
  }
}
