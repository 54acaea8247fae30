/**
 * Dev tokens for the local runtime: HS256 JWTs signed with a key kept under the data folder. They carry
 * the same claims a Cognito ID token does (`custom:tenantId`, `cognito:groups`), so handlers read one
 * claim layout in both places. In AWS, API Gateway's JWT authorizer verifies Cognito's tokens instead.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLAIMS, type Role } from '../domain/shared/auth.js';

export const LOCAL_ISSUER = 'social-crm-local';
export const LOCAL_AUDIENCE = 'social-crm-api';
/** The local stand-in for the deployment's own admin pool: the platform operator's tokens come from it. */
export const LOCAL_OPERATOR_ISSUER = 'social-crm-local-operator';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function signToken(key: Buffer, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export function devToken(key: Buffer, tenantId: string, role: Role, ttlSeconds = 30 * 86400, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signToken(key, {
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: `${tenantId}-${role}`,
    iat,
    exp: iat + ttlSeconds,
    token_use: 'id',
    [CLAIMS.tenant]: tenantId,
    [CLAIMS.groups]: [role],
  });
}

/** The platform operator's dev token: the admin pool's issuer, the operator group, no tenant. */
export function devOperatorToken(key: Buffer, ttlSeconds = 30 * 86400, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signToken(key, { iss: LOCAL_OPERATOR_ISSUER, aud: LOCAL_AUDIENCE, sub: 'platform-operator', iat, exp: iat + ttlSeconds, token_use: 'id', [CLAIMS.groups]: ['operator'] });
}

/** Verifies signature, issuer, audience and expiry, as API Gateway's JWT authorizer does; undefined if any fails. */
export function verifyToken(key: Buffer, token: string, now = Date.now()): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if ((claims.iss !== LOCAL_ISSUER && claims.iss !== LOCAL_OPERATOR_ISSUER) || claims.aud !== LOCAL_AUDIENCE) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/**
 * API Gateway hands claims to the function as strings; arrays become "[a b]". Flattening the same way
 * locally keeps handlers honest about what they receive in AWS.
 */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
