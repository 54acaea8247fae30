/**
 * Signed consent links: the double opt-in confirmation link and the one-click unsubscribe link (RFC 8058).
 *
 * A token is `<base64url payload>.<base64url HMAC-SHA256>`; the payload names the tenant, customer,
 * channel, purpose, expiry and a nonce, so the public endpoints need no session and no lookup to know
 * what the link is for. Several keys may be active (rotation): the first signs, any verifies.
 *
 * Rejections: a malformed, forged, altered or wrong-kind token is 400 `invalid_token`; an expired one is
 * 410 `token_expired`; a confirmation link used before is 410 `token_used`. None of them changes anything.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../shared/errors.js';
import type { ConsentPurpose } from '../shared/model.js';
import { CONSENT_PURPOSES } from '../shared/vocabulary.js';

export class InvalidConsentToken extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_token';
}
export class ConsentTokenExpired extends DomainError {
  readonly status = 410;
  readonly code = 'token_expired';
}
export class ConsentTokenUsed extends DomainError {
  readonly status = 410;
  readonly code = 'token_used';
}

export type ConsentTokenKind = 'confirm' | 'unsubscribe';

export interface ConsentTokenClaims {
  kind: ConsentTokenKind;
  tenantId: string;
  customerId: string;
  channel: string;
  purpose: ConsentPurpose;
  /** Epoch seconds. */
  expiresAt: number;
  /** Random per link; a confirmation link's nonce is the id of the pending record it confirms. */
  nonce: string;
  /** The campaign whose message carried an unsubscribe link, for the record and the audit trail. */
  campaignId?: string;
}

declare const verified: unique symbol;
/** Claims whose signature, kind and expiry were checked: only `verifyConsentToken` makes them. */
export type VerifiedConsentToken = Readonly<ConsentTokenClaims> & { readonly [verified]: true };

const KIND_CODES = { confirm: 'c', unsubscribe: 'u' } as const;

const Wire = z
  .object({
    v: z.literal(1),
    k: z.enum(['c', 'u']),
    t: z.string().min(1),
    c: z.string().min(1),
    ch: z.string().min(1),
    p: z.enum(CONSENT_PURPOSES),
    e: z.number().int().positive(),
    n: z.string().min(1),
    cp: z.string().min(1).optional(),
  })
  .strict();

/** Domain separation: a MAC made for anything else with the same key never verifies as a consent token. */
const CONTEXT = 'social-crm/consent-token/v1';
const MAX_TOKEN_LENGTH = 2048;

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`${CONTEXT}.${payload}`).digest();
}

export function signConsentToken(key: string, claims: ConsentTokenClaims): string {
  const wire: z.input<typeof Wire> = {
    v: 1,
    k: KIND_CODES[claims.kind],
    t: claims.tenantId,
    c: claims.customerId,
    ch: claims.channel,
    p: claims.purpose,
    e: claims.expiresAt,
    n: claims.nonce,
    ...(claims.campaignId !== undefined && { cp: claims.campaignId }),
  };
  const payload = Buffer.from(JSON.stringify(Wire.parse(wire)), 'utf8').toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Checks the signature (against every active key, in constant time), then the kind, then the expiry.
 * Throws InvalidConsentToken (400) or ConsentTokenExpired (410).
 */
export function verifyConsentToken(
  keys: readonly string[],
  token: string | undefined,
  kind: ConsentTokenKind,
  now: Date,
): VerifiedConsentToken {
  if (!token) throw new InvalidConsentToken('The link has no token');
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidConsentToken('The link token is not valid');
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
    throw new InvalidConsentToken('The link token is not valid');
  }
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  let matched = false;
  for (const key of keys) {
    const expected = mac(key, payload);
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (keys.length === 0 || !matched) throw new InvalidConsentToken('The link token is not valid');

  let wire: z.output<typeof Wire>;
  try {
    wire = Wire.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidConsentToken('The link token is not valid');
  }
  if (wire.k !== KIND_CODES[kind]) throw new InvalidConsentToken(`This is not ${kind === 'confirm' ? 'a confirmation' : 'an unsubscribe'} link`);
  if (wire.e * 1000 <= now.getTime()) throw new ConsentTokenExpired('The link has expired');
  return {
    kind,
    tenantId: wire.t,
    customerId: wire.c,
    channel: wire.ch,
    purpose: wire.p,
    expiresAt: wire.e,
    nonce: wire.n,
    ...(wire.cp !== undefined && { campaignId: wire.cp }),
  } as VerifiedConsentToken;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export function confirmationLink(baseUrl: string, token: string): string {
  return `${trimBase(baseUrl)}/consent/confirm?token=${encodeURIComponent(token)}`;
}

/** Unsubscribe links stay valid long after the message was sent (old e-mails still get clicked). */
export const DEFAULT_UNSUBSCRIBE_TTL_SECONDS = 400 * 86_400;
/** A double opt-in confirmation link is valid for two days. */
export const DEFAULT_CONFIRM_TTL_SECONDS = 2 * 86_400;

export interface UnsubscribeLinkOptions {
  campaignId?: string;
  ttlSeconds?: number;
  now?: Date;
}

/** The signed one-click unsubscribe link for one customer and channel (marketing). */
export function buildUnsubscribeLink(
  key: string,
  baseUrl: string,
  tenantId: string,
  customerId: string,
  channel: string,
  options: UnsubscribeLinkOptions = {},
): string {
  const now = options.now ?? new Date();
  const token = signConsentToken(key, {
    kind: 'unsubscribe',
    tenantId,
    customerId,
    channel,
    purpose: 'marketing',
    expiresAt: Math.floor(now.getTime() / 1000) + (options.ttlSeconds ?? DEFAULT_UNSUBSCRIBE_TTL_SECONDS),
    nonce: newNonce(),
    ...(options.campaignId !== undefined && { campaignId: options.campaignId }),
  });
  return `${trimBase(baseUrl)}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The RFC 8058 headers a marketing e-mail carries with its unsubscribe link. */
export function listUnsubscribeHeaders(link: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
