/**
 * The run of a campaign, one state-machine Task at a time (wiring/campaigns/state-machine.ts):
 *
 *   prepare  – snapshot the audience (segment members, 1,000 ids a page, recorded), scheduled → running;
 *   page     – one page: each recipient and channel through the rules below, the sends, one commit of counters;
 *   complete – running → completed (or stays cancelled), CampaignCompleted;
 *   measure  – completed|cancelled → measured once the attribution window closed.
 *
 * Per recipient and channel, in this order, the first that applies decides (each skip counted by reason):
 *   1. erased_or_suppressed  the person is gone (erased), merged away, or suppressed (an erased person came back);
 *   2. no_address            no e-mail / phone for the channel;
 *   3. no_consent            no granted marketing consent for the channel (`marketingAllowed`), read at send time;
 *   4. frequency_cap         the tenant's cap of messages per channel in a rolling window, across campaigns;
 *   5. deferred              inside quiet hours in the customer's time zone: tried again when they end;
 *   6. holdout               the deterministic holdout share: nothing sent, measured as the baseline;
 *   7. (variant)             the A/B variant by the variants' weights, deterministic by customer;
 *   8. budget                the message's price would pass the budget: the run stops here, and says so.
 * Then the send ledger entry (campaign × customer × channel) is written with a conditional put BEFORE the message
 * leaves: whoever runs the page again (a retried Task, a restarted runtime, a resumed execution) finds it and
 * never sends twice. A message whose provider refuses (after retries) counts as failed, never as sent.
 */
import { buildEvent, CampaignCompleted, MessageSent } from '../../events/catalog.js';
import { marketingAllowed } from '../consent/index.js';
import type { Customer } from '../shared/model.js';
import type { Clock, EventPublisher } from '../shared/ports.js';
import { PermanentSendError, sendWithRetry, type MessageSender, type OutgoingMessage } from '../shared/messaging.js';
import { inHoldout, variantFor } from './allocation.js';
import { advanceFromRun, type CampaignPorts } from './document.js';
import type { Campaign, CampaignChannel, Variant } from './model.js';
import { quietUntil, type QuietHours } from './quiet-hours.js';
import { fieldsUsed, parametersOf, render, templateValues, type TemplateExtras } from './templates.js';

export const PAGE_SIZE = 1000;
/** Quiet-hours rounds after the audience pass; a recipient still deferred after them is skipped. */
export const MAX_DEFER_ROUNDS = 3;

export const SKIP_REASONS = ['erased_or_suppressed', 'no_address', 'no_consent', 'frequency_cap', 'budget', 'quiet_hours_exhausted'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface CampaignSettings {
  frequencyCap: { maxMessages: number; windowHours: number };
  quietHours: QuietHours | null;
  /** Price of one message per channel, an exact decimal in the budget's currency. */
  channelFees: Record<CampaignChannel, string>;
}

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  frequencyCap: { maxMessages: 3, windowHours: 7 * 24 },
  quietHours: null,
  channelFees: { email: '0.0010', sms: '0.0500', whatsapp: '0.0300' },
};

/** The ledger entry of one campaign × customer × channel. `sending`: claimed, the message may have left. */
export interface LedgerEntry {
  tenantId: string;
  customerId: string;
  channel: CampaignChannel;
  campaignId: string;
  /** `holdout`: decided, nothing sent (the baseline). */
  status: 'sending' | 'sent' | 'failed' | 'holdout';
  arm: string;
  at: string;
  providerMessageId?: string;
}

/** What a page adds to the run's counters. Money in micro-units of the budget currency (exact integers). */
export interface PageTally {
  audience: number;
  sent: number;
  failed: number;
  holdout: number;
  deferred: number;
  skipped: Partial<Record<SkipReason, number>>;
  perArm: Record<string, number>;
  spentMicros: number;
}

export interface RunCounters extends PageTally {
  round: number;
  page: number;
  stopReason?: string;
}

/** Where the state machine is: what the Task returns and the Choice reads. */
export interface RunState {
  tenantId: string;
  campaignId: string;
  correlationId: string;
  /** Where unsubscribe links point: the API's public URL, handed over at launch. */
  linkBase?: string;
  round: number;
  page: number;
  pages: number;
  done: boolean;
  /** Set when the next page must wait for quiet hours to end (the Wait state reads it). */
  resumeAt?: string;
  /** When the attribution window closes (the measuring Wait reads it). */
  measureAt?: string;
}

export interface Recipient {
  customer: Customer & { timeZone?: string };
  extras?: TemplateExtras;
}

export interface RunStore {
  settings(tenantId: string): Promise<CampaignSettings>;
  /** Takes the audience snapshot once (repeat: answers what was recorded). */
  snapshotAudience(tenantId: string, campaignId: string, segmentId: string, pageSize: number): Promise<{ pages: number; audience: number }>;
  audiencePage(tenantId: string, campaignId: string, round: number, page: number): Promise<string[]>;
  /** Pages of a deferred round (written by `deferTo`). */
  roundPages(tenantId: string, campaignId: string, round: number): Promise<number>;
  deferTo(tenantId: string, campaignId: string, round: number, fromPage: number, customerIds: string[], notBefore: string): Promise<void>;
  /** The latest time a deferred round's recipients may be sent at (the quiet hours' end). */
  roundNotBefore(tenantId: string, campaignId: string, round: number): Promise<string | undefined>;
  /** The counters as committed; undefined before the first page. */
  counters(tenantId: string, campaignId: string): Promise<RunCounters | undefined>;
  /** Adds the page's tally and moves the cursor on, only if the cursor is still at (round, page); false otherwise. */
  commitPage(tenantId: string, campaignId: string, at: { round: number; page: number }, next: { round: number; page: number }, tally: PageTally, stopReason?: string): Promise<boolean>;
  recipients(tenantId: string, customerIds: string[], fields: Set<string>): Promise<Map<string, Recipient>>;
  /** The person's ledger entries on a channel, every campaign (one Query). */
  ledgerOf(tenantId: string, customerId: string, channel: CampaignChannel): Promise<LedgerEntry[]>;
  /** Conditional put: false when the entry exists already. */
  claim(entry: LedgerEntry): Promise<boolean>;
  /** After the provider answered: the outbound message (for delivery statuses) or the failure on the entry. */
  recordSent(entry: LedgerEntry, providerMessageId: string): Promise<void>;
  recordFailed(entry: LedgerEntry, reason: string): Promise<void>;
}

export interface RunPorts extends CampaignPorts {
  store: RunStore;
  sender: MessageSender;
  /** The signed one-click unsubscribe link and its RFC 8058 headers, for a customer and channel. */
  unsubscribe(tenantId: string, customerId: string, channel: CampaignChannel, campaignId: string): { link: string; headers: Record<string, string> } | undefined;
  pageSize: number;
  sendConcurrency: number;
  retry?: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> };
  /** The product the knowledge context recommends first to a customer (read only when a template names it). */
  recommend?: (tenantId: string, customerId: string) => Promise<string | undefined>;
}

// ---- money as micro-units (exact) ----

export function toMicros(decimal: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(decimal);
  if (!match) throw new Error(`"${decimal}" is not a decimal with at most 6 places`);
  const value = Number(match[2]) * 1_000_000 + Number((match[3] ?? '').padEnd(6, '0'));
  return match[1] ? -value : value;
}

export function fromMicros(micros: number, places = 2): string {
  const negative = micros < 0;
  const abs = BigInt(Math.abs(Math.round(micros)));
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0');
  const kept = fraction.slice(0, Math.max(places, fraction.replace(/0+$/, '').length));
  return `${negative ? '-' : ''}${whole}${kept ? `.${kept}` : ''}`;
}

export function emptyTally(): PageTally {
  return { audience: 0, sent: 0, failed: 0, holdout: 0, deferred: 0, skipped: {}, perArm: {}, spentMicros: 0 };
}

function count(tally: PageTally, key: string) {
  tally.perArm[key] = (tally.perArm[key] ?? 0) + 1;
}

function addressOf(customer: Customer, channel: CampaignChannel): string | undefined {
  const wanted = channel === 'email' ? ['email'] : channel === 'sms' ? ['phone', 'sms'] : ['whatsapp', 'phone'];
  for (const w of wanted) {
    const identity = customer.identities.find((i) => i.channel === w);
    if (identity) return identity.externalId;
  }
  return undefined;
}

// ---- the Tasks ----

/** 1. scheduled → running (a cancelled campaign ends here), 2. the audience snapshot, 3. the first page's state. */
export async function prepareRun(ports: RunPorts, input: { tenantId: string; campaignId: string; correlationId: string; linkBase?: string }): Promise<RunState> {
  const campaign = await ports.campaigns.get(input.tenantId, input.campaignId);
  const base = { ...input, round: 0, page: 0, pages: 0 };
  if (!campaign || campaign.status === 'cancelled') return { ...base, done: true };
  const { pages } = await ports.store.snapshotAudience(input.tenantId, input.campaignId, campaign.brief.segmentId, ports.pageSize);
  await advanceFromRun(ports, input.tenantId, input.campaignId, 'start');
  return { ...base, pages, done: pages === 0 };
}

interface Work {
  customerId: string;
  channel: CampaignChannel;
}

/**
 * One page: 1. stop if cancelled, 2. skip if already committed (a repeated Task), 3. each recipient and channel
 * through the rules, claiming the ledger before sending, 4. defer what falls in quiet hours to the next round,
 * 5. commit the counters and move the cursor, 6. MessageSent for what left, 7. the next state.
 */
export async function runPage(ports: RunPorts, state: RunState): Promise<RunState> {
  const { tenantId, campaignId } = state;
  const campaign = await ports.campaigns.get(tenantId, campaignId);
  if (!campaign || campaign.status !== 'running') return { ...state, done: true, resumeAt: undefined };
  const counters = await ports.store.counters(tenantId, campaignId);
  if (counters?.stopReason) return { ...state, done: true, resumeAt: undefined };
  if (counters && (counters.round > state.round || (counters.round === state.round && counters.page > state.page))) {
    return nextState(ports, state, counters.round, counters.page);
  }
  const now = ports.clock.now();
  const settings = await ports.store.settings(tenantId);
  const ids = await ports.store.audiencePage(tenantId, campaignId, state.round, state.page);
  const variants = campaign.creative?.variants ?? [];
  const fields = fieldsUsed(...variants.flatMap((v) => [v.subject, v.body]));
  const recipients = await ports.store.recipients(tenantId, ids, fields);
  const tally = emptyTally();
  if (state.round === 0) tally.audience = ids.length;
  const budgetMicros = toMicros(campaign.brief.budget.amount);
  let spent = counters?.spentMicros ?? 0;
  let stopReason: string | undefined;
  const deferred: { customerId: string; until: Date }[] = [];
  const planned: { entry: LedgerEntry; variant: Variant; address: string }[] = [];
  const skip = (reason: SkipReason) => (tally.skipped[reason] = (tally.skipped[reason] ?? 0) + 1);
  const windowStart = new Date(now.getTime() - settings.frequencyCap.windowHours * 3_600_000).toISOString();

  // 3. decide, in order; claims are written here, sends happen below in parallel
  const work: Work[] = ids.flatMap((customerId) => campaign.brief.channels.map((channel) => ({ customerId, channel })));
  for (const { customerId, channel } of work) {
    if (stopReason) break;
    const recipient = recipients.get(customerId);
    const customer = recipient?.customer;
    if (!recipient || !customer || customer.suppressed || customer.mergedInto) {
      skip('erased_or_suppressed');
      continue;
    }
    const address = addressOf(customer, channel);
    if (!address) {
      skip('no_address');
      continue;
    }
    if (!marketingAllowed(customer, channel)) {
      skip('no_consent');
      continue;
    }
    const ledger = await ports.store.ledgerOf(tenantId, customerId, channel);
    const mine = ledger.find((e) => e.campaignId === campaignId);
    if (mine) {
      // decided by an earlier attempt at this page: count it as it was, send nothing
      if (mine.status === 'holdout') tally.holdout++, count(tally, 'holdout');
      else if (mine.status === 'failed') tally.failed++;
      else {
        tally.sent++;
        count(tally, mine.arm);
        spent += toMicros(settings.channelFees[channel]);
        tally.spentMicros += toMicros(settings.channelFees[channel]);
      }
      continue;
    }
    const recent = ledger.filter((e) => e.status !== 'holdout' && e.status !== 'failed' && e.at >= windowStart).length;
    if (recent >= settings.frequencyCap.maxMessages) {
      skip('frequency_cap');
      continue;
    }
    const until = settings.quietHours ? quietUntil(now, settings.quietHours, customer.timeZone) : undefined;
    if (until) {
      if (state.round >= MAX_DEFER_ROUNDS) skip('quiet_hours_exhausted');
      else if (!deferred.some((d) => d.customerId === customerId)) deferred.push({ customerId, until }), tally.deferred++;
      continue;
    }
    const at = now.toISOString();
    if (inHoldout(campaignId, customerId, campaign.brief.holdoutPercent)) {
      await ports.store.claim({ tenantId, customerId, channel, campaignId, status: 'holdout', arm: 'holdout', at });
      tally.holdout++;
      count(tally, 'holdout');
      continue;
    }
    const variant = variantFor(campaignId, customerId, channel, variants);
    if (!variant) {
      skip('no_address');
      continue;
    }
    const fee = toMicros(settings.channelFees[channel]);
    if (spent + fee > budgetMicros) {
      skip('budget');
      stopReason = `budget: the next ${channel} message (${settings.channelFees[channel]} ${campaign.brief.budget.currency}) would pass the budget of ${campaign.brief.budget.amount} (spent ${fromMicros(spent)})`;
      break;
    }
    const entry: LedgerEntry = { tenantId, customerId, channel, campaignId, status: 'sending', arm: variant.id, at };
    spent += fee;
    tally.spentMicros += fee;
    planned.push({ entry, variant, address });
  }

  // recommendations cost a read or two each: only for the recipients a message goes to
  if (fields.has('recommendedProduct') && ports.recommend) await addRecommendations(ports.recommend, tenantId, recipients, planned.map((p) => p.entry.customerId), ports.sendConcurrency);
  const sends = planned.map((p) => ({ entry: p.entry, message: messageFor(ports, campaign, p.variant, recipients.get(p.entry.customerId)!, p.address, p.entry) }));

  // the sends, a few at a time; a refusal after retries is a failure, never a send
  const sentEvents: { customerId: string; channel: CampaignChannel; messageId: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sends.length) {
      const { entry, message } = sends[next++]!;
      // the ledger entry goes in just before the message leaves: a crash loses at most the sends in flight
      if (!(await ports.store.claim(entry))) {
        tally.spentMicros -= toMicros(settings.channelFees[entry.channel]); // a concurrent run of this page took it
        continue;
      }
      try {
        const { providerMessageId } = await sendWithRetry(ports.sender, message, ports.retry);
        await ports.store.recordSent(entry, providerMessageId);
        tally.sent++;
        count(tally, entry.arm);
        sentEvents.push({ customerId: entry.customerId, channel: entry.channel, messageId: providerMessageId });
      } catch (error) {
        await ports.store.recordFailed(entry, error instanceof PermanentSendError ? (error.code ?? 'permanent') : (error as Error).name);
        tally.failed++;
        tally.spentMicros -= toMicros(settings.channelFees[entry.channel]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ports.sendConcurrency, sends.length) }, worker));

  // 4. the deferred wait for the next round, 5. commit
  if (deferred.length > 0) {
    const latest = deferred.reduce((a, d) => (d.until > a ? d.until : a), deferred[0]!.until);
    await ports.store.deferTo(tenantId, campaignId, state.round + 1, state.page, deferred.map((d) => d.customerId), latest.toISOString());
  }
  const after = { round: state.round, page: state.page + 1 };
  await ports.store.commitPage(tenantId, campaignId, { round: state.round, page: state.page }, after, tally, stopReason);
  if (sentEvents.length > 0) {
    await ports.publisher.publish(
      sentEvents.map((e) =>
        buildEvent(MessageSent, { tenantId, eventId: `${campaignId}:${e.customerId}:${e.channel}`, occurredAt: now.toISOString(), correlationId: state.correlationId }, { customerId: e.customerId, campaignId, channel: e.channel, messageId: e.messageId }),
      ),
    );
  }
  if (stopReason) return { ...state, done: true, resumeAt: undefined };
  return nextState(ports, state, after.round, after.page);
}

/** After the last page of a round: the next deferred round (waiting for quiet hours to end), or done. */
async function nextState(ports: RunPorts, state: RunState, round: number, page: number): Promise<RunState> {
  const pages = round === state.round ? state.pages : await ports.store.roundPages(state.tenantId, state.campaignId, round);
  if (page < pages) return { ...state, round, page, pages, resumeAt: undefined };
  const deferredPages = await ports.store.roundPages(state.tenantId, state.campaignId, round + 1);
  if (deferredPages === 0) return { ...state, round, page, pages, done: true, resumeAt: undefined };
  const resumeAt = (await ports.store.roundNotBefore(state.tenantId, state.campaignId, round + 1)) ?? ports.clock.now().toISOString();
  if (!(await ports.store.commitPage(state.tenantId, state.campaignId, { round, page }, { round: round + 1, page: 0 }, emptyTally()))) {
    // someone moved on already; continue from what is committed
  }
  return { ...state, round: round + 1, page: 0, pages: deferredPages, done: false, resumeAt };
}

/** These recipients' first recommended product, a few customers at a time (a miss keeps the template's fallback). */
async function addRecommendations(recommend: NonNullable<RunPorts['recommend']>, tenantId: string, recipients: Map<string, Recipient>, customerIds: string[], concurrency: number): Promise<void> {
  const ids = [...new Set(customerIds)];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, ids.length)) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const product = await recommend(tenantId, id).catch(() => undefined);
        const r = recipients.get(id)!;
        if (product) recipients.set(id, { ...r, extras: { ...r.extras, recommendedProduct: product } });
      }
    }),
  );
}

function messageFor(ports: RunPorts, campaign: Campaign, variant: Variant, r: Recipient, to: string, entry: LedgerEntry): OutgoingMessage {
  const unsubscribe = ports.unsubscribe(campaign.tenantId, entry.customerId, entry.channel, campaign.id);
  const values = templateValues(r.customer, r.extras, unsubscribe?.link);
  const text = render(variant.body, values);
  return {
    tenantId: campaign.tenantId,
    channel: entry.channel,
    to,
    ...(variant.subject && { subject: render(variant.subject, values) }),
    text: entry.channel === 'email' && unsubscribe && !variant.body.includes('unsubscribeLink') ? `${text}\n\nUnsubscribe: ${unsubscribe.link}` : text,
    ...(entry.channel === 'email' && unsubscribe && { headers: unsubscribe.headers }),
    ...(variant.whatsappTemplate && {
      template: { name: variant.whatsappTemplate.name, language: variant.whatsappTemplate.language, parameters: parametersOf(variant.body, values) },
    }),
    purpose: 'marketing',
    tags: { kind: 'campaign', campaignId: campaign.id, variant: variant.id, customerId: entry.customerId },
    idempotencyKey: `${campaign.id}:${entry.customerId}:${entry.channel}`,
  };
}

/** running → completed (a cancelled campaign stays cancelled), CampaignCompleted, and when to measure. */
export async function completeRun(ports: RunPorts, state: RunState): Promise<RunState> {
  const { tenantId, campaignId } = state;
  const counters = await ports.store.counters(tenantId, campaignId);
  const now = ports.clock.now();
  const campaign = await advanceFromRun(ports, tenantId, campaignId, 'complete', (c, at) => {
    c.run = { ...c.run!, completedAt: at, ...(counters?.stopReason && { stopReason: counters.stopReason }) };
    return ['status', 'run'];
  });
  const current = campaign ?? (await ports.campaigns.get(tenantId, campaignId));
  if (current?.status === 'cancelled' || current?.status === 'completed') {
    await ports.publisher.publish([
      buildEvent(CampaignCompleted, { tenantId, eventId: `${campaignId}:completed`, occurredAt: now.toISOString(), correlationId: state.correlationId }, { campaignId, sent: counters?.sent ?? 0, failed: counters?.failed ?? 0 }),
    ]);
  }
  const days = current?.brief.attributionDays ?? 7;
  return { ...state, done: true, measureAt: new Date(now.getTime() + days * 86_400_000).toISOString() };
}

/** After the attribution window: completed|cancelled → measured (the results are final from here). */
export async function measureRun(ports: RunPorts, state: RunState): Promise<RunState> {
  await advanceFromRun(ports, state.tenantId, state.campaignId, 'measure');
  return state;
}
