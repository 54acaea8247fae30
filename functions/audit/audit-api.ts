/**
 * Audit API (admin): who did what and when, newest first; by target, actor and since.
 */
import { AuditEntryView, AuditListQuery } from '../../api/audit/schemas.js';
import { auditLog } from '../../adapters/audit/dynamo-audit.js';
import { listAudit } from '../../domain/audit/audit.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, validate, type HttpEvent } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';

export const handler = httpFunction(FUNCTIONS.auditApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = validate(AuditListQuery, event.queryStringParameters ?? {}, 'audit query');
  const page = await listAudit(auditLog, { ...query, tenantId: actor.tenantId }, ports.clock.now());
  return json(200, { items: page.items.map((e) => AuditEntryView.parse(e)), nextCursor: page.nextCursor });
});
