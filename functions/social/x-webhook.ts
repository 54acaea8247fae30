/**
 * X Account Activity API webhook for one tenant: GET answers the Challenge-Response Check, POST carries
 * account events. The signature is checked over the raw bytes before anything is parsed.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidInput, NotFound, Unauthorized } from '../../domain/shared/errors.js';
import { applyXActivity, crcResponseToken, extractXActivity, XDelivery } from '../../domain/social/ingest/x.js';
import { hmacMatches, stripPrefix } from '../../domain/shared/signatures.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction } from '../shared/chain.js';
import { header, json, parseJsonBytes, rawBody, validate } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';


export const handler = httpFunction(FUNCTIONS.xWebhook.id, async (event) => {
  const { tenant, secrets } = await webhookTenant(event);
  const consumerSecrets = secrets.x.consumerSecrets;

  if (event.requestContext.http.method === 'GET') {
    const crcToken = event.queryStringParameters?.crc_token;
    if (!crcToken) throw new InvalidInput('crc_token is required');
    // the first secret is the active one; during a rotation X signs with the app's current secret
    const secret = consumerSecrets[0];
    if (!secret) throw new NotFound('X is not connected for this tenant');
    return json(200, { response_token: crcResponseToken(secret, crcToken) });
  }

  // 1. verify the signature over the exact bytes, with any active consumer secret
  const body = rawBody(event);
  const provided = stripPrefix(header(event, 'x-twitter-webhooks-signature'), 'sha256=');
  if (!provided || !hmacMatches({ algorithm: 'sha256', secrets: consumerSecrets, signed: body, provided, encoding: 'base64' })) {
    throw new Unauthorized('Missing or invalid x-twitter-webhooks-signature');
  }
  // 2. parse and validate every event before writing anything
  const delivery = validate(XDelivery, parseJsonBytes(body), 'X webhook payload');
  const extraction = extractXActivity(delivery, tenant.accounts.x ?? []);
  for (const [reason, count] of Object.entries(extraction.skipped)) {
    metrics.addMetric(`x_skipped_${reason.split(':')[0]}`, MetricUnit.Count, count);
  }
  if (Object.keys(extraction.skipped).length > 0) logger.info('events acknowledged without an interaction', { skipped: extraction.skipped });
  // 3. record what is new (publishing InteractionRecorded), then erase what X says is gone
  const { results, removed } = await applyXActivity(ports, { tenantId: tenant.tenantId, correlationId: correlationIdOf(event) }, extraction);
  const recorded = results.filter((r) => r.outcome !== 'duplicate').length;
  return json(200, {
    received: extraction.signals.length,
    recorded,
    duplicates: results.length - recorded,
    removed,
    skipped: extraction.skipped,
  });
});
