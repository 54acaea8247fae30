import { Forbidden, Unauthorized } from './errors.js';

export const ROLES = ['admin', 'marketer', 'agent', 'finance', 'approver'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles above tenants. `operator` (platform chargeback) exists only in the deployment's own admin pool: its
 * tokens come from another issuer than the tenants' pool and carry no tenant. A tenant token is never an
 * operator, whatever groups it claims (domain/finance/operator.ts checks the issuer).
 */
export const PLATFORM_ROLES = ['operator'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];
/** What a route may ask for. */
export type RouteRole = Role | PlatformRole;

/** Who is calling: taken from the verified JWT claims, never from a request body. */
export interface Actor {
  tenantId: string;
  subject: string;
  roles: Role[];
}

/** Claim names: Cognito ID tokens carry custom attributes as `custom:*` and groups as `cognito:groups`. */
export const CLAIMS = { tenant: 'custom:tenantId', groups: 'cognito:groups', subject: 'sub' } as const;

/**
 * API Gateway HTTP API hands JWT claims over as strings; an array claim arrives as "[admin marketer]".
 * Locally signed tokens arrive the same way, because the local server flattens them as API Gateway does.
 */
export function parseGroupsClaim(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  const inner = raw.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner.split(/[\s,]+/).filter(Boolean);
}

export function actorFromClaims(claims: Record<string, unknown> | undefined): Actor {
  const tenantId = claims?.[CLAIMS.tenant];
  const subject = claims?.[CLAIMS.subject];
  if (typeof tenantId !== 'string' || tenantId === '' || typeof subject !== 'string') {
    throw new Unauthorized('A bearer token with a tenant is required');
  }
  const roles = parseGroupsClaim(claims?.[CLAIMS.groups]).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  return { tenantId, subject, roles };
}

export function requireRole(actor: Actor, allowed: readonly Role[]): void {
  if (!actor.roles.some((r) => allowed.includes(r))) {
    throw new Forbidden(`This action needs one of the roles: ${allowed.join(', ')}`);
  }
}
