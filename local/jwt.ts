/**
 * Dev tokens for the local runtime: HS256 JWTs signed with a key kept under the data folder. They carry
 * the same claims a Cognito ID token does (`custom:tenantId`, `cognito:groups`), so handlers read one
 * claim layout in both places. In AWS, API Gateway's JWT authorizer verifies Cognito's tokens instead.
 */
import { createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
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

/**
 * Verifies a token as API Gateway's JWT authorizer does (with `jose`): the signature (HS256 only, and only its
 * canonical encoding), issuer, audience, `exp` and `nbf`; an `iat` in the future is refused, and only ID tokens
 * (`token_use: "id"`) are taken, as the Cognito authorizer of the stack expects. Undefined if anything fails.
 */
export async function verifyToken(key: Buffer, token: string, now = Date.now()): Promise<Record<string, unknown> | undefined> {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  // a signature is one byte string: flipped unused bits, padding or stray characters make another encoding of it
  const signature = parts[2]!;
  if (!/^[A-Za-z0-9_-]+$/.test(signature) || Buffer.from(signature, 'base64url').toString('base64url') !== signature) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: [LOCAL_ISSUER, LOCAL_OPERATOR_ISSUER],
      audience: LOCAL_AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ['exp', 'iat'],
    });
    if (typeof payload.iat !== 'number' || payload.iat * 1000 > now + IAT_SKEW_MS) return undefined;
    if (payload.token_use !== 'id') return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** How far ahead of this clock an `iat` may be (clocks drift a little). */
const IAT_SKEW_MS = 60_000;

/**
 * API Gateway hands claims to the function as strings; arrays become "[a b]". Flattening the same way
 * locally keeps handlers honest about what they receive in AWS.
 */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
