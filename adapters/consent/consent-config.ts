/**
 * Configuration of the consent links: the signing key(s), the links' lifetimes and the public base URL.
 *
 * Key: `CONSENT_TOKEN_KEY` (one key, or several separated by commas during a rotation: the first signs,
 * any verifies), or else `CONSENT_TOKEN_SECRET_ID`, a Secrets Manager secret holding the same string (or
 * JSON `{ "keys": [...] }`), read with the function's `readsConsentKey` permission and cached briefly.
 * Locally the runtime generates a key once per data folder and sets CONSENT_TOKEN_KEY.
 *
 * Lifetimes: `CONSENT_CONFIRM_TTL_SECONDS` (default 2 days), `CONSENT_UNSUBSCRIBE_TTL_SECONDS` (default 400 days).
 * Public base URL: `PUBLIC_API_URL`, else the request's own host.
 */
import {
  buildUnsubscribeLink,
  DEFAULT_CONFIRM_TTL_SECONDS,
  DEFAULT_UNSUBSCRIBE_TTL_SECONDS,
  type UnsubscribeLinkOptions,
} from '../../domain/consent/consent-tokens.js';
import { secretString } from '../shared/secret-string.js';

export interface ConsentTokenSettings {
  keys: string[];
  confirmTtlSeconds: number;
  unsubscribeTtlSeconds: number;
}

const MIN_KEY_LENGTH = 32;
const SECRET_TTL_MS = 5 * 60_000;

function parseKeys(raw: string): string[] {
  let list: unknown = raw;
  try {
    const parsed = JSON.parse(raw) as { keys?: unknown; key?: unknown };
    list = parsed.keys ?? parsed.key ?? raw;
  } catch {
    // a plain string
  }
  const keys = (Array.isArray(list) ? list.map(String) : String(list).split(',')).map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0 || keys.some((k) => k.length < MIN_KEY_LENGTH)) {
    throw new Error(`consent token keys must be at least ${MIN_KEY_LENGTH} characters long`);
  }
  return keys;
}

async function keysFromSecret(secretId: string): Promise<string[]> {
  return parseKeys(await secretString(secretId, SECRET_TTL_MS));
}

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The active keys and lifetimes; read per call (cheap), so a local restart with another key is seen at once. */
export async function consentTokenSettings(): Promise<ConsentTokenSettings> {
  const fromEnv = process.env.CONSENT_TOKEN_KEY;
  const secretId = process.env.CONSENT_TOKEN_SECRET_ID;
  let keys: string[];
  if (fromEnv) keys = parseKeys(fromEnv);
  else if (secretId) keys = await keysFromSecret(secretId);
  else throw new Error('no consent token key: set CONSENT_TOKEN_KEY or CONSENT_TOKEN_SECRET_ID');
  return {
    keys,
    confirmTtlSeconds: seconds('CONSENT_CONFIRM_TTL_SECONDS', DEFAULT_CONFIRM_TTL_SECONDS),
    unsubscribeTtlSeconds: seconds('CONSENT_UNSUBSCRIBE_TTL_SECONDS', DEFAULT_UNSUBSCRIBE_TTL_SECONDS),
  };
}

/** Where public links point: PUBLIC_API_URL when set, else the host the request came to. */
export function publicApiUrl(requestDomain?: string): string | undefined {
  const configured = process.env.PUBLIC_API_URL;
  if (configured) return configured.replace(/\/+$/, '');
  return requestDomain ? `https://${requestDomain}` : undefined;
}

/**
 * The signed one-click unsubscribe link (RFC 8058) for a marketing message to one customer on one channel.
 * The campaign sender puts it in the message and in the List-Unsubscribe headers (`listUnsubscribeHeaders`
 * in domain/consent/consent-tokens.ts); a POST to it withdraws that channel's marketing consent at once.
 */
export async function unsubscribeLink(
  baseUrl: string,
  tenantId: string,
  customerId: string,
  channel: string,
  options: UnsubscribeLinkOptions = {},
): Promise<string> {
  const settings = await consentTokenSettings();
  return buildUnsubscribeLink(settings.keys[0] as string, baseUrl, tenantId, customerId, channel, {
    ttlSeconds: settings.unsubscribeTtlSeconds,
    ...options,
  });
}
