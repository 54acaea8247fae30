import type { Role } from '../../domain/shared/auth.js';
import { ROUTES } from '../../wiring/routes.js';

// tenant roles only: a platform role (operator) is checked by its own claims, never by a tenant token's groups
const rolesByRouteKey = new Map<string, readonly Role[]>(
  ROUTES.flatMap((r) =>
    r.auth === 'public' ? [] : [[`${r.method} ${r.path}`, r.auth.roles.filter((role): role is Role => role !== 'operator')] as const],
  ),
);

/**
 * The roles a route declares (wiring/routes.ts). API Gateway's authorizer proves the token; the role check
 * happens here, from the same declaration, so a route's roles are written once.
 */
export function routeRoles(routeKey: string): readonly Role[] {
  return rolesByRouteKey.get(routeKey) ?? [];
}
