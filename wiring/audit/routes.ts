/**
 * The audit trail's route (spread into ROUTES).
 */
import type { RouteDeclaration } from '../routes.js';
import { AuditListQuery, AuditPage } from '../../api/audit/schemas.js';

export const AUDIT_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'GET',
    path: '/v1/audit',
    function: 'auditApi',
    auth: { roles: ['admin'] },
    summary: 'Who did what and when (consent changes, merges, exports, erasures, ...), newest first; filter by targetId, actor, since',
    openapi: { tag: 'audit', query: AuditListQuery, response: AuditPage, errors: [400, 401, 403] },
  },
];
