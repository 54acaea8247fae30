/**
 * Meta webhooks for one tenant: GET is the subscription handshake, POST carries Facebook Page (feed,
 * mentions, Messenger), Instagram and WhatsApp Cloud API events. The signature is checked over the raw
 * bytes before anything is parsed.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoMessageStore } from '../../adapters/social/dynamo-messages.js';
import { Forbidden, Unauthorized } from '../../domain/shared/errors.js';
import { extractMetaDelivery, ingestMetaDelivery, MetaDelivery, type MetaExtraction, type MetaReceipt } from '../../domain/social/ingest/meta.js';
import { hmacMatches, stripPrefix } from '../../domain/shared/signatures.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction } from '../shared/chain.js';
import { header, json, parseJsonBytes, rawBody, text, validate } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';

const messages = new DynamoMessageStore();


/** Counts only: ids and reasons, never payload content. */
function reportMetrics(skipped: MetaExtraction['skipped'], receipt: MetaReceipt): void {
  for (const [reason, count] of Object.entries(skipped)) {
    metrics.addMetric(`meta_skipped_${reason.split(':')[0]}`, MetricUnit.Count, count ?? 0);
  }
  if (receipt.statuses) {
    for (const [outcome, count] of Object.entries(receipt.statuses)) metrics.addMetric(`meta_status_${outcome}`, MetricUnit.Count, count);
  }
  if (Object.keys(skipped).length > 0) logger.info('changes acknowledged without an interaction', { skipped });
}

export const handler = httpFunction(FUNCTIONS.metaWebhook.id, async (event) => {
  const { tenant, secrets } = await webhookTenant(event);

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
  const { facebook = [], instagram = [], whatsapp = [] } = tenant.accounts;
  const extraction = extractMetaDelivery(delivery, {
    accounts: { facebook, instagram, whatsapp },
    receivedAt: ports.clock.now().toISOString(),
  });
  // 3. record what is new, apply edits and removals, move delivery states forward
  const receipt = await ingestMetaDelivery(
    {
      customers: ports.customers,
      interactions: ports.interactions,
      publisher: ports.publisher,
      analyzer: ports.analyzer,
      clock: ports.clock,
      ids: ports.ids,
      messages,
    },
    { tenantId: tenant.tenantId, correlationId: correlationIdOf(event) },
    extraction,
  );
  reportMetrics(extraction.skipped, receipt);
  return json(200, receipt);
});
