/**
 * Audit API (admin): who did what and when, newest first; by target, actor and since.
 */
import { AuditEntryView, AuditListQuery } from '../../api/schemas.js';
import { auditLog } from '../../adapters/dynamo-audit.js';
import { listAudit } from '../../domain/audit.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../lib/chain.js';
import { authorize, json, validate, type HttpEvent } from '../lib/http.js';
import { ports } from '../lib/ports.js';
import { routeRoles } from '../lib/route-auth.js';

export const handler = httpFunction(FUNCTIONS.auditApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = validate(AuditListQuery, event.queryStringParameters ?? {}, 'audit query');
  const page = await listAudit(auditLog, { ...query, tenantId: actor.tenantId }, ports.clock.now());
  return json(200, { items: page.items.map((e) => AuditEntryView.parse(e)), nextCursor: page.nextCursor });
});
