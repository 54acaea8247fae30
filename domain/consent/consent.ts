/**
 * Consent first: a provable permission per purpose and channel before a person is profiled or contacted.
 *
 * Every change is a record appended to the customer's consent ledger (never edited): what was decided,
 * for which purpose and channel, when, from which source, under which statement version, and who or what
 * captured it. The customer profile keeps the latest state of each (`consentSummary`) so other contexts
 * gate cheaply with `socialProfilingAllowed` and `marketingAllowed`.
 *
 * Purposes: `marketing` (offers on one channel: email, sms, whatsapp, facebook, instagram, x) and
 * `social_profiling` (using the person's social behaviour for analytics, segments and targeting: one
 * permission over every network, recorded with channel `all`).
 *
 * E-mail marketing grants are double opt-in unless the caller says `doubleOptIn: false`: the grant stays
 * `pending` until the person follows the signed link we e-mail them.
 */
import { buildEvent, ConsentChanged } from '../../events/catalog.js';
import { AUDIT_ACTIONS, recordAudit, type AuditDetails } from '../audit/index.js';
import {
  confirmationLink,
  ConsentTokenUsed,
  DEFAULT_CONFIRM_TTL_SECONDS,
  InvalidConsentToken,
  signConsentToken,
  type VerifiedConsentToken,
} from './consent-tokens.js';
import { Conflict, DomainError, InvalidInput, NotFound } from '../shared/errors.js';
import type { ConsentChannel, ConsentPurpose, ConsentState, ConsentStatus, ConsentSummary, Customer } from '../shared/model.js';
import type { AuditLog, Clock, ConsentRepository, CustomerRepository, EmailSender, EventPublisher, IdGenerator, TenantDirectory } from '../shared/ports.js';

import { CONSENT_CHANNELS, CONSENT_PURPOSES, EVERY_CHANNEL } from '../shared/vocabulary.js';
import { survivorOf } from '../shared/customer.js';
export { CONSENT_CHANNELS, CONSENT_PURPOSES, EVERY_CHANNEL };
/** Purposes that cover every channel: their records are for channel `all`. */
const WHOLE_PERSON_PURPOSES: readonly ConsentPurpose[] = ['social_profiling', 'loyalty'];
export type ConsentScope = ConsentChannel | typeof EVERY_CHANNEL;

export const SOURCE_KINDS = ['form', 'social_plugin', 'in_store', 'api', 'import', 'unsubscribe_link', 'other'] as const;
/** Where the person gave or withdrew consent. `url`: the form's page; `reference`: a store, a plugin, a campaign id. */
export interface ConsentSource {
  kind: (typeof SOURCE_KINDS)[number];
  url?: string;
  reference?: string;
}

/** The statement the person was shown: its version (and, optionally, its text and locale). */
export interface ConsentStatement {
  version: string;
  text?: string;
  locale?: string;
}

export const CAPTURE_KINDS = ['api', 'webhook', 'form', 'link', 'system'] as const;
/** Who or what captured the record: an API user (their subject), a webhook (its provider), a public link, ... */
export interface CapturedBy {
  kind: (typeof CAPTURE_KINDS)[number];
  id: string;
}

export interface ConsentRecord {
  id: string;
  tenantId: string;
  customerId: string;
  purpose: ConsentPurpose;
  channel: ConsentScope;
  status: ConsentStatus;
  /** When it was recorded (ISO 8601); the ledger's order. */
  at: string;
  source: ConsentSource;
  statement?: ConsentStatement;
  capturedBy: CapturedBy;
  /** E-mail grants: whether the double opt-in applies. */
  doubleOptIn?: boolean;
  /** The grant that completes a double opt-in: when the link was followed, and the pending record it confirms. */
  confirmedAt?: string;
  confirmsRecordId?: string;
}

/** The state of one purpose and channel, as the API shows it. */
export interface CurrentConsent {
  purpose: ConsentPurpose;
  channel: ConsentScope;
  status: ConsentStatus;
  at: string;
  recordId: string;
  confirmedAt?: string;
}

// ---- gates for other contexts (pure, from the profile alone) ----

/**
 * May the person's social behaviour feed analytics, segments and targeting? Only with a granted consent,
 * and never for a person erased before (`suppressed`, domain/privacy/erasure.ts).
 */
export function socialProfilingAllowed(customer: Pick<Customer, 'consentSummary' | 'suppressed'> | undefined): boolean {
  return !customer?.suppressed && customer?.consentSummary?.social_profiling?.status === 'granted';
}

/** May we send the person offers on this channel? Only with a granted (for e-mail: confirmed) consent; never when suppressed. */
export function marketingAllowed(customer: Pick<Customer, 'consentSummary' | 'suppressed'> | undefined, channel: ConsentChannel): boolean {
  return !customer?.suppressed && customer?.consentSummary?.marketing?.[channel]?.status === 'granted';
}

// ---- the ledger's order ----

/** Records are ordered by time, then id, so every reader and writer agrees on which one is latest. */
function isNewer(record: Pick<ConsentRecord, 'at' | 'id'>, state: ConsentState | undefined): boolean {
  if (!state) return true;
  return record.at > state.at || (record.at === state.at && record.id > (state.recordId ?? ''));
}

export function stateOf(summary: ConsentSummary | undefined, purpose: ConsentPurpose, channel: ConsentScope): ConsentState | undefined {
  if (purpose === 'marketing') return summary?.marketing?.[channel as ConsentChannel];
  return summary?.[purpose];
}

/** The summary with this record applied, when it is newer than what the summary holds (order-independent). */
export function applyToSummary(summary: ConsentSummary | undefined, record: ConsentRecord): ConsentSummary {
  const base = summary ?? {};
  if (!isNewer(record, stateOf(base, record.purpose, record.channel))) return base;
  const state: ConsentState = {
    status: record.status,
    at: record.at,
    recordId: record.id,
    ...(record.confirmedAt !== undefined && { confirmedAt: record.confirmedAt }),
  };
  if (record.purpose !== 'marketing') return { ...base, [record.purpose]: state };
  return { ...base, marketing: { ...base.marketing, [record.channel]: state } };
}

/** The current state per purpose and channel, from the ledger itself. */
export function currentConsents(records: readonly ConsentRecord[]): CurrentConsent[] {
  const summary = records.reduce<ConsentSummary>(applyToSummary, {});
  const view = (purpose: ConsentPurpose, channel: ConsentScope, s: ConsentState): CurrentConsent => ({
    purpose,
    channel,
    status: s.status,
    at: s.at,
    recordId: s.recordId ?? '',
    ...(s.confirmedAt !== undefined && { confirmedAt: s.confirmedAt }),
  });
  const current: CurrentConsent[] = [];
  for (const channel of CONSENT_CHANNELS) {
    const s = summary.marketing?.[channel];
    if (s) current.push(view('marketing', channel, s));
  }
  if (summary.social_profiling) current.push(view('social_profiling', EVERY_CHANNEL, summary.social_profiling));
  if (summary.loyalty) current.push(view('loyalty', EVERY_CHANNEL, summary.loyalty));
  return current;
}

// ---- use cases ----

export interface ConsentPorts {
  customers: Pick<CustomerRepository, 'get'>;
  consents: ConsentRepository;
  publisher: EventPublisher;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
}

export interface ConsentTokenConfig {
  /** Active signing keys: the first signs, any verifies. */
  keys: readonly string[];
  confirmTtlSeconds?: number;
}

export interface DoubleOptInPorts extends ConsentPorts {
  email: EmailSender;
  tenants: TenantDirectory;
  tokens: ConsentTokenConfig;
}

export interface ConsentContext {
  tenantId: string;
  correlationId: string;
  capturedBy: CapturedBy;
  /** The API's public base URL, for the confirmation link. */
  publicBaseUrl?: string;
}

export interface ConsentChangeInput {
  purpose: ConsentPurpose;
  /** Required for marketing; for social_profiling omitted or `all`. */
  channel?: string;
  status: 'granted' | 'withdrawn';
  /** An object, or a string: a form's URL, or any other reference. */
  source: ConsentSource | string;
  /** An object, or a string naming the statement's version. */
  statement?: ConsentStatement | string;
  /** E-mail marketing grants default to true. */
  doubleOptIn?: boolean;
}

/** The record is stored and announced, but the confirmation e-mail did not go out: retrying sends a new one. */
export class ConfirmationNotSent extends DomainError {
  readonly status = 502;
  readonly code = 'confirmation_not_sent';
}

export function consentScope(purpose: ConsentPurpose, channel: string | undefined): ConsentScope {
  if (WHOLE_PERSON_PURPOSES.includes(purpose)) {
    if (channel === undefined || channel === EVERY_CHANNEL) return EVERY_CHANNEL;
    throw new InvalidInput(`${purpose} covers the whole person, not one channel: omit channel or send '${EVERY_CHANNEL}'`);
  }
  if (channel === undefined) throw new InvalidInput(`marketing consent needs a channel: ${CONSENT_CHANNELS.join(', ')}`);
  if (!(CONSENT_CHANNELS as readonly string[]).includes(channel)) {
    throw new InvalidInput(`marketing channel must be one of ${CONSENT_CHANNELS.join(', ')}`);
  }
  return channel as ConsentChannel;
}

function normaliseSource(source: ConsentSource | string): ConsentSource {
  if (typeof source !== 'string') return source;
  return /^https?:\/\//i.test(source) && URL.canParse(source) ? { kind: 'form', url: source } : { kind: 'other', reference: source };
}

function normaliseStatement(statement: ConsentStatement | string | undefined): ConsentStatement | undefined {
  return typeof statement === 'string' ? { version: statement } : statement;
}

/** Strictly after the latest record of the same purpose and channel, even if clocks disagree. */
function nextAt(now: Date, latest: ConsentState | undefined): string {
  const at = now.toISOString();
  if (!latest || at > latest.at) return at;
  return new Date(Date.parse(latest.at) + 1).toISOString();
}

function emailOf(customer: Customer): string | undefined {
  return customer.identities.find((i) => i.channel === 'email')?.externalId;
}

/** Merges leave a tombstone pointing at the survivor: consent follows the person (an old unsubscribe link still works). */
async function customerOf(ports: Pick<ConsentPorts, 'customers'>, tenantId: string, customerId: string): Promise<Customer> {
  const customer = await survivorOf(ports.customers, tenantId, customerId);
  if (!customer) throw new NotFound('Customer not found');
  return customer;
}

/** Customers merged into this one are read too, so their consent history stays with the person. */
const MAX_MERGED_LEDGERS = 20;

/** The person's whole ledger in order: this customer's records and those of every customer merged into it. */
async function ledgerOf(ports: Pick<ConsentPorts, 'customers' | 'consents'>, customer: Customer): Promise<ConsentRecord[]> {
  const records = await ports.consents.history(customer.tenantId, customer.id);
  const seen = new Set([customer.id]);
  const queue = [...(customer.mergedFrom ?? [])];
  while (queue.length > 0 && seen.size < MAX_MERGED_LEDGERS) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    records.push(...(await ports.consents.history(customer.tenantId, id)));
    queue.push(...((await ports.customers.get(customer.tenantId, id))?.mergedFrom ?? []));
  }
  if (seen.size === 1) return records;
  return records.sort((x, y) => (x.at === y.at ? (x.id < y.id ? -1 : 1) : x.at < y.at ? -1 : 1));
}

async function appendAndSummarise(ports: ConsentPorts, record: ConsentRecord): Promise<void> {
  await ports.consents.append(record);
  await ports.consents.updateSummary(record.tenantId, record.customerId, (summary) => applyToSummary(summary, record));
}

export function auditActorOf(capturedBy: CapturedBy): string {
  return capturedBy.kind === 'api' ? capturedBy.id : `${capturedBy.kind}:${capturedBy.id}`;
}

function auditActionOf(record: ConsentRecord): string {
  if (record.status === 'pending') return AUDIT_ACTIONS.consentPending;
  if (record.status === 'withdrawn') return AUDIT_ACTIONS.consentWithdrawn;
  return record.confirmsRecordId ? AUDIT_ACTIONS.consentConfirmed : AUDIT_ACTIONS.consentGranted;
}

/** ConsentChanged for consumers; the audit entry for people. Ids and codes only, no personal data. */
async function announce(ports: ConsentPorts, correlationId: string, record: ConsentRecord): Promise<void> {
  const { tenantId, customerId, channel, purpose, status, at } = record;
  await ports.publisher.publish([
    buildEvent(ConsentChanged, { tenantId, eventId: ports.ids.next(), occurredAt: at, correlationId }, { customerId, channel, purpose, status }),
  ]);
  const details: AuditDetails = {
    recordId: record.id,
    purpose,
    channel,
    status,
    source: record.source.kind,
    ...(record.statement && { statementVersion: record.statement.version }),
    ...(record.confirmsRecordId && { confirmsRecordId: record.confirmsRecordId }),
    ...(record.source.kind === 'unsubscribe_link' && record.source.reference && { campaignId: record.source.reference }),
  };
  await recordAudit(ports.audit, {
    tenantId,
    actor: auditActorOf(record.capturedBy),
    action: auditActionOf(record),
    targetId: customerId,
    targetType: 'customer',
    at,
    details,
  });
}

/**
 * Record a consent change (the API, and later forms and webhooks).
 * 1. check the purpose, channel and double opt-in make sense together;
 * 2. load the customer (404 when missing or another tenant's; a suppressed person: no grant, 409);
 * 3. double opt-in: the address to confirm is the customer's e-mail identity (400 without one);
 * 4. append the record (`pending` for a double opt-in grant) and bring the profile's summary up to date;
 * 5. publish ConsentChanged and write the audit entry;
 * 6. double opt-in: e-mail the signed, expiring confirmation link.
 */
export async function recordConsentChange(
  ports: DoubleOptInPorts,
  ctx: ConsentContext,
  customerId: string,
  input: ConsentChangeInput,
): Promise<ConsentRecord> {
  const channel = consentScope(input.purpose, input.channel);
  const emailGrant = input.purpose === 'marketing' && channel === 'email' && input.status === 'granted';
  if (input.doubleOptIn === true && !emailGrant) throw new InvalidInput('doubleOptIn applies to granting e-mail marketing only');
  const doubleOptIn = emailGrant && input.doubleOptIn !== false;

  const customer = await customerOf(ports, ctx.tenantId, customerId);
  // an erased person who came back is never profiled or contacted again: nothing can be granted
  if (customer.suppressed && input.status === 'granted') {
    throw new Conflict('This person asked to be erased before: no consent can be granted', { suppressed: true });
  }

  const address = doubleOptIn ? emailOf(customer) : undefined;
  if (doubleOptIn && !address) throw new InvalidInput('The customer has no e-mail identity to send the confirmation link to');
  if (doubleOptIn && (!ctx.publicBaseUrl || ports.tokens.keys.length === 0)) {
    throw new Error('double opt-in needs a public base URL and a consent token key');
  }

  const statement = normaliseStatement(input.statement);
  const record: ConsentRecord = {
    id: ports.ids.next(),
    tenantId: ctx.tenantId,
    customerId: customer.id,
    purpose: input.purpose,
    channel,
    status: doubleOptIn ? 'pending' : input.status,
    at: nextAt(ports.clock.now(), stateOf(customer.consentSummary, input.purpose, channel)),
    source: normaliseSource(input.source),
    ...(statement && { statement }),
    capturedBy: ctx.capturedBy,
    ...(emailGrant && { doubleOptIn }),
  };
  await appendAndSummarise(ports, record);
  await announce(ports, ctx.correlationId, record);

  if (doubleOptIn) await sendConfirmation(ports, ctx, record, address as string);
  return record;
}

async function sendConfirmation(ports: DoubleOptInPorts, ctx: ConsentContext, pending: ConsentRecord, address: string): Promise<void> {
  const ttlSeconds = ports.tokens.confirmTtlSeconds ?? DEFAULT_CONFIRM_TTL_SECONDS;
  const token = signConsentToken(ports.tokens.keys[0] as string, {
    kind: 'confirm',
    tenantId: pending.tenantId,
    customerId: pending.customerId,
    channel: pending.channel,
    purpose: pending.purpose,
    expiresAt: Math.floor(Date.parse(pending.at) / 1000) + ttlSeconds,
    // the link confirms exactly this pending record; a later change supersedes it
    nonce: pending.id,
  });
  const link = confirmationLink(ctx.publicBaseUrl as string, token);
  const brand = (await ports.tenants.get(pending.tenantId))?.name ?? pending.tenantId;
  const hours = Math.round(ttlSeconds / 3600);
  try {
    await ports.email.send({
      tenantId: pending.tenantId,
      to: address,
      subject: `Please confirm your subscription to ${brand}`,
      text: [
        'Hello,',
        '',
        `You asked to receive offers from ${brand} by e-mail. Please confirm by opening this link within ${hours} hours:`,
        '',
        link,
        '',
        'If it was not you, ignore this message: we will not write to you.',
      ].join('\n'),
      tags: { purpose: 'double_opt_in' },
    });
  } catch (error) {
    throw new ConfirmationNotSent('The consent is pending but the confirmation e-mail could not be sent; try again', {
      recordId: pending.id,
      cause: (error as Error).name,
    });
  }
}

/**
 * A member joined the loyalty program: the terms version they accepted goes on the consent ledger as purpose
 * `loyalty` (the basis for counting their social actions). Once per person and version, whatever the number of
 * deliveries: the record's id and time are the enrolment's, so a repeat finds it in the ledger (or loses the
 * conditional put to the first) and writes nothing.
 */
export async function recordProgramTerms(
  ports: ConsentPorts,
  ctx: { tenantId: string; correlationId: string },
  customerId: string,
  terms: { version: string; acceptedAt: string },
): Promise<ConsentRecord | undefined> {
  const customer = await customerOf(ports, ctx.tenantId, customerId);
  if (customer.suppressed) return undefined;
  const id = `loyalty-terms-${terms.version}`;
  if ((await ports.consents.history(ctx.tenantId, customer.id)).some((r) => r.id === id)) return undefined;
  const record: ConsentRecord = {
    id,
    tenantId: ctx.tenantId,
    customerId: customer.id,
    purpose: 'loyalty',
    channel: EVERY_CHANNEL,
    status: 'granted',
    at: terms.acceptedAt,
    source: { kind: 'other', reference: 'loyalty-enrolment' },
    statement: { version: terms.version },
    capturedBy: { kind: 'system', id: 'loyalty' },
  };
  if ((await ports.consents.append(record)) === 'exists') return undefined;
  await ports.consents.updateSummary(record.tenantId, record.customerId, (summary) => applyToSummary(summary, record));
  await announce(ports, ctx.correlationId, record);
  return record;
}

/** The ledger and the current state of one customer. */
export async function customerConsents(
  ports: Pick<ConsentPorts, 'customers' | 'consents'>,
  tenantId: string,
  customerId: string,
): Promise<{ customerId: string; current: CurrentConsent[]; history: ConsentRecord[] }> {
  const customer = await customerOf(ports, tenantId, customerId);
  const records = await ledgerOf(ports, customer);
  return { customerId: customer.id, current: currentConsents(records), history: [...records].reverse() };
}

/**
 * The person followed the double opt-in link.
 * 1. the caller verified the token (signature, kind, expiry);
 * 2. load the customer of the token's tenant (404);
 * 3. the pending record the link was sent for must still be the latest e-mail marketing decision:
 *    confirmed before → 410 token_used; replaced by a later change → 409;
 * 4. append the confirmed grant and mark the link's nonce used, in one write (a second click → 410);
 * 5. update the summary, publish ConsentChanged, write the audit entry.
 */
export async function confirmDoubleOptIn(ports: ConsentPorts, token: VerifiedConsentToken, correlationId: string): Promise<ConsentRecord> {
  const customer = await customerOf(ports, token.tenantId, token.customerId);
  const history = await ledgerOf(ports, customer);
  const pending = history.find(
    (r) => r.id === token.nonce && r.status === 'pending' && r.purpose === token.purpose && r.channel === token.channel,
  );
  if (!pending) throw new NotFound('No subscription waits for this confirmation');
  if (history.some((r) => r.confirmsRecordId === pending.id)) throw new ConsentTokenUsed('This confirmation link was already used');
  const latest = stateOf(history.reduce<ConsentSummary>(applyToSummary, {}), pending.purpose, pending.channel);
  if (latest?.recordId !== pending.id) throw new Conflict('A later consent change replaced this request; nothing was confirmed');

  const at = nextAt(ports.clock.now(), latest);
  const record: ConsentRecord = {
    id: ports.ids.next(),
    tenantId: pending.tenantId,
    customerId: customer.id,
    purpose: pending.purpose,
    channel: pending.channel,
    status: 'granted',
    at,
    // the proof: the source and statement the person agreed to, then the click that confirmed it
    source: pending.source,
    ...(pending.statement && { statement: pending.statement }),
    capturedBy: { kind: 'link', id: 'confirmation' },
    doubleOptIn: true,
    confirmedAt: at,
    confirmsRecordId: pending.id,
  };
  const outcome = await ports.consents.append(record, { nonce: token.nonce, expiresAt: token.expiresAt });
  if (outcome === 'nonce-used') throw new ConsentTokenUsed('This confirmation link was already used');
  await ports.consents.updateSummary(record.tenantId, record.customerId, (summary) => applyToSummary(summary, record));
  await announce(ports, correlationId, record);
  return record;
}

/**
 * One-click unsubscribe (RFC 8058): withdraw marketing on the link's channel at once.
 * 1. the caller verified the token; 2. load the customer (404);
 * 3. already withdrawn → nothing changes (a second click is fine);
 * 4. append the withdrawal, update the summary, publish ConsentChanged, write the audit entry.
 */
export async function unsubscribeByLink(
  ports: ConsentPorts,
  token: VerifiedConsentToken,
  correlationId: string,
): Promise<{ channel: ConsentChannel; changed: boolean; record?: ConsentRecord }> {
  if (token.purpose !== 'marketing' || !(CONSENT_CHANNELS as readonly string[]).includes(token.channel)) {
    throw new InvalidConsentToken('The link token is not valid');
  }
  const channel = token.channel as ConsentChannel;
  const customer = await customerOf(ports, token.tenantId, token.customerId);
  const history = await ledgerOf(ports, customer);
  const latest = stateOf(history.reduce<ConsentSummary>(applyToSummary, {}), 'marketing', channel);
  if (latest?.status === 'withdrawn') return { channel, changed: false };

  const record: ConsentRecord = {
    id: ports.ids.next(),
    tenantId: token.tenantId,
    customerId: customer.id,
    purpose: 'marketing',
    channel,
    status: 'withdrawn',
    at: nextAt(ports.clock.now(), latest),
    source: { kind: 'unsubscribe_link', ...(token.campaignId !== undefined && { reference: token.campaignId }) },
    capturedBy: { kind: 'link', id: 'unsubscribe' },
  };
  await appendAndSummarise(ports, record);
  await announce(ports, correlationId, record);
  return { channel, changed: true, record };
}
