/**
 * Meta webhooks for one tenant: GET is the subscription handshake, POST carries Page feed changes.
 * The signature is checked over the raw bytes before anything is parsed.
 */
import { Forbidden, NotFound, Unauthorized } from '../../domain/errors.js';
import { hmacMatches, stripPrefix } from '../../domain/ingest/signatures.js';
import { extractMetaSignals, MetaDelivery } from '../../domain/ingest/meta.js';
import { recordSocialInteractions } from '../../domain/interactions.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../lib/chain.js';
import { header, json, parseJsonBytes, pathParam, rawBody, text, validate, type HttpEvent } from '../lib/http.js';
import { ports } from '../lib/ports.js';
import { logger, metrics } from '../lib/powertools.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

async function tenantContext(event: HttpEvent) {
  const tenantId = pathParam(event, 'tenantId');
  const [tenant, secrets] = await Promise.all([ports.tenants.get(tenantId), ports.secrets.getTenantSecrets(tenantId)]);
  if (!tenant || !secrets) throw new NotFound('Unknown tenant');
  meterTenant(tenantId);
  return { tenant, secrets };
}

export const handler = httpFunction(FUNCTIONS.metaWebhook.id, async (event) => {
  const { tenant, secrets } = await tenantContext(event);

  if (event.requestContext.http.method === 'GET') {
    const q = event.queryStringParameters ?? {};
    const token = q['hub.verify_token'];
    if (q['hub.mode'] !== 'subscribe' || !token || !secrets.meta.verifyTokens.includes(token) || !q['hub.challenge']) {
      throw new Forbidden('Verification token mismatch');
    }
    return text(200, q['hub.challenge']);
  }

  // 1. verify the signature over the exact bytes
  const body = rawBody(event);
  const provided = stripPrefix(header(event, 'x-hub-signature-256'), 'sha256=');
  if (!provided || !hmacMatches({ algorithm: 'sha256', secrets: secrets.meta.appSecrets, signed: body, provided, encoding: 'hex' })) {
    throw new Unauthorized('Missing or invalid X-Hub-Signature-256');
  }
  // 2. parse and validate every change before writing anything
  const delivery = validate(MetaDelivery, parseJsonBytes(body), 'Meta webhook payload');
  const { signals, skipped } = extractMetaSignals(delivery, tenant.accounts.facebook ?? []);
  for (const [reason, count] of Object.entries(skipped)) {
    metrics.addMetric(`meta_skipped_${reason.split(':')[0]}`, MetricUnit.Count, count);
  }
  if (Object.keys(skipped).length > 0) logger.info('changes acknowledged without an interaction', { skipped });
  // 3. record what is new, publish InteractionRecorded
  const results = await recordSocialInteractions(ports, { tenantId: tenant.tenantId, correlationId: correlationIdOf(event) }, signals);
  const recorded = results.filter((r) => r.outcome !== 'duplicate').length;
  return json(200, { received: signals.length, recorded, duplicates: results.length - recorded });
});
