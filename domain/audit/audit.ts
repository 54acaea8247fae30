/**
 * The audit trail: who did what to which target, and when. Consent changes write to it now; merges,
 * exports, erasures, role-protected changes and campaign approvals call `recordAudit` the same way.
 *
 * An entry holds ids and field names only, never personal data: `details` values that look like an
 * e-mail address, a phone number or free text are redacted before they are stored.
 */
import type { Actor } from '../shared/auth.js';
import { InvalidInput } from '../shared/errors.js';
import type { Page } from '../shared/model.js';
import type { AuditLog } from '../shared/ports.js';

export type AuditDetailValue = string | number | boolean | null | readonly string[];
export type AuditDetails = Record<string, AuditDetailValue>;

export interface AuditInput {
  tenantId: string;
  /**
   * Who: a user's JWT subject (`userActor`), or `<kind>:<name>` for anything else
   * (`link:unsubscribe`, `webhook:shopify`, `system:erasure`; see `systemActor`).
   */
  actor: string;
  /** What: `<area>.<verb>`, e.g. `consent.granted`, `customer.merged` (AUDIT_ACTIONS lists the known ones). */
  action: string;
  /** What it was done to: a customer id, campaign id, connection id... */
  targetId: string;
  /** What kind of thing the target is (`customer`, `campaign`, ...). */
  targetType?: string;
  /** When (ISO 8601). */
  at: string;
  /** Ids and field names only. */
  details?: AuditDetails;
}

export interface AuditEntry extends AuditInput {
  id: string;
  details: AuditDetails;
}

export interface AuditQuery {
  tenantId: string;
  targetId?: string;
  actor?: string;
  /** Oldest entry wanted (ISO 8601); see `listAudit` for the default. */
  since?: string;
  limit: number;
  cursor?: string;
}

/** The actions written so far and those the other contexts are expected to write. */
export const AUDIT_ACTIONS = {
  consentGranted: 'consent.granted',
  consentWithdrawn: 'consent.withdrawn',
  consentPending: 'consent.pending',
  consentConfirmed: 'consent.confirmed',
  customerMerged: 'customer.merged',
  customerExported: 'customer.exported',
  customerErased: 'customer.erased',
  connectionChanged: 'connection.changed',
  roleProtectedChange: 'settings.changed',
  campaignApproved: 'campaign.approved',
} as const;

/** A signed-in user as an audit actor: their token's subject (an id, never a name or e-mail). */
export function userActor(actor: Actor): string {
  return actor.subject;
}

/** Anything that is not a signed-in user: a public link, a platform webhook, a system component. */
export function systemActor(kind: 'link' | 'webhook' | 'form' | 'system', name: string): string {
  return `${kind}:${name}`;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE_LIKE = /^\+\d[\d\s().-]{6,}$/;
/** Ids, field names and codes are short and have no spaces; longer values are likely free text. */
const MAX_VALUE_LENGTH = 200;
export const REDACTED = '[redacted]';

function safeString(value: string): string {
  if (value.length > MAX_VALUE_LENGTH || EMAIL_LIKE.test(value) || PHONE_LIKE.test(value.trim())) return REDACTED;
  return value;
}

/** Keeps ids, field names, numbers and flags; redacts what looks like personal data or free text. */
export function sanitizeAuditDetails(details: AuditDetails): AuditDetails {
  const clean: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === null || typeof value === 'number' || typeof value === 'boolean') clean[key] = value;
    else if (typeof value === 'string') clean[key] = safeString(value);
    else if (Array.isArray(value)) clean[key] = value.map((v) => safeString(String(v)));
  }
  return clean;
}

/**
 * Record one audit entry. Call it from a use case, after the change it describes has been written:
 * `await recordAudit(ports.audit, { tenantId, actor: userActor(actor), action: 'customer.merged', targetId, at, details })`.
 */
export async function recordAudit(audit: AuditLog, entry: AuditInput): Promise<AuditEntry> {
  if (!ACTION.test(entry.action)) throw new Error(`audit action "${entry.action}" is not <area>.<verb>`);
  if (!entry.tenantId || !entry.targetId || !entry.actor) throw new Error('an audit entry needs a tenant, an actor and a target');
  return audit.record({ ...entry, details: sanitizeAuditDetails(entry.details ?? {}) });
}

/** How far back the tenant-wide listing looks when `since` is not given. */
export const DEFAULT_AUDIT_WINDOW_DAYS = 30;

/**
 * The audit trail, newest first, paginated. With `targetId`: that target's whole history (or from `since`);
 * without: the tenant's entries since `since` (default: the last 30 days). `actor` narrows either.
 */
export async function listAudit(audit: AuditLog, query: AuditQuery, now: Date): Promise<Page<AuditEntry>> {
  let since: string | undefined;
  if (query.since !== undefined) {
    const parsed = new Date(query.since);
    if (Number.isNaN(parsed.getTime())) throw new InvalidInput('since must be an ISO 8601 date or date-time');
    since = parsed.toISOString();
  } else if (query.targetId === undefined) {
    since = new Date(now.getTime() - DEFAULT_AUDIT_WINDOW_DAYS * 86_400_000).toISOString();
  }
  return audit.list({ ...query, ...(since !== undefined && { since }) });
}
