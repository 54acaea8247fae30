/**
 * Privacy API (admin): a customer's export, erasure requests and their progress, and the retention of
 * interactions without social_profiling consent. Every export and erasure is audited (ids only).
 */
import { CustomerExportView, ErasureAcceptedView, ErasureRequestView, PrivacySettingsInput, PrivacySettingsView } from '../../api/privacy/schemas.js';
import { erasureRequests, personalData } from '../../adapters/privacy/dynamo-erasure.js';
import { privacySettings } from '../../adapters/privacy/dynamo-retention.js';
import { userActor } from '../../domain/audit/index.js';
import { requestErasure, type ErasureRequest } from '../../domain/privacy/erasure.js';
import { NotFound } from '../../domain/shared/errors.js';
import { exportCustomer } from '../../domain/privacy/export.js';
import { setRetentionPeriod } from '../../domain/privacy/retention.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';
import { personalArtefacts } from '../../adapters/privacy/artefacts.js';

const erasurePorts = () => ({ requests: erasureRequests, eraser: personalData, artefacts: personalArtefacts(), publisher: ports.publisher, audit: ports.audit, clock: ports.clock });

const requestView = (r: ErasureRequest) =>
  ErasureRequestView.parse({
    requestId: r.requestId,
    customerId: r.customerId,
    status: r.status,
    phase: r.phase,
    runs: r.runs,
    requestedAt: r.requestedAt,
    ...(r.startedAt !== undefined && { startedAt: r.startedAt }),
    ...(r.finishedAt !== undefined && { finishedAt: r.finishedAt }),
    counts: r.counts,
  });

export const handler = httpFunction(FUNCTIONS.privacyApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const ctx = { tenantId: actor.tenantId, actor: userActor(actor) };

  switch (event.routeKey) {
    case 'GET /v1/customers/{customerId}/export': {
      const document = await exportCustomer({ reader: personalData, audit: ports.audit, clock: ports.clock }, ctx, pathParam(event, 'customerId'));
      return json(200, CustomerExportView.parse(document));
    }
    case 'POST /v1/customers/{customerId}/erasure': {
      const request = await requestErasure(erasurePorts(), { ...ctx, correlationId: correlationIdOf(event) }, pathParam(event, 'customerId'));
      return json(202, ErasureAcceptedView.parse({ requestId: request.requestId, status: request.status }));
    }
    case 'GET /v1/erasures/{requestId}': {
      const found = await erasureRequests.get(actor.tenantId, pathParam(event, 'requestId'));
      if (!found) throw new NotFound('Erasure request not found');
      return json(200, requestView(found.request));
    }
    case 'GET /v1/settings/privacy':
      return json(200, PrivacySettingsView.parse(await privacySettings.get(actor.tenantId)));
    case 'PUT /v1/settings/privacy': {
      const input = validate(PrivacySettingsInput, parseJsonBytes(rawBody(event)), 'privacy settings');
      const settings = await setRetentionPeriod({ settings: privacySettings, audit: ports.audit, clock: ports.clock }, ctx, input.retentionDays);
      return json(200, PrivacySettingsView.parse(settings));
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
