/**
 * The generic events endpoint for one tenant, in the Standard Webhooks format: registrations,
 * identifications, orders and refunds, and loyalty actions from any store or the brand's own site or app.
 * The signature and the timestamp are checked over the raw bytes before anything is parsed; `webhook-id`
 * is the idempotency key.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { Conflict, NotFound } from '../../domain/shared/errors.js';
import {
  isActionType,
  isWebEventType,
  parseWebEventData,
  StandardWebhookEnvelope,
  verifyStandardWebhook,
  webAction,
  webIdentification,
  webOrderSnapshot,
  webRefundNotice,
  webSignup,
} from '../../domain/commerce/ingest/standard-webhooks.js';
import { MERGE_REASONS, mergeCustomers } from '../../domain/customers/index.js';
import { parseJsonExact } from '../../domain/shared/money.js';
import { recordOrderChange } from '../../domain/commerce/orders.js';
import { identifyCustomer, registerCustomer, type MergeCustomers } from '../../domain/customers/index.js';
import { recordWebAction } from '../../domain/commerce/web-actions.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction } from '../shared/chain.js';
import { header, json, rawBody, validate } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { commercePorts, webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';


/** Identification found the cookie on another customer: merge it into the known one where that can be done. */
const mergeIntoKnown: MergeCustomers = async (ctx, survivorId, mergedId) => {
  try {
    const outcome = await mergeCustomers(
      { merges: ports.merges, publisher: ports.publisher, clock: ports.clock, audit: ports.audit },
      { ...ctx, actor: 'system:identity-resolution' },
      { survivorId, mergedId, reason: MERGE_REASONS.sharedIdentity },
    );
    return outcome.status === 'completed';
  } catch (error) {
    // one side already merged elsewhere: left for a person to decide
    if (error instanceof Conflict || error instanceof NotFound) return false;
    throw error;
  }
};

const webPorts = () => ({ ...commercePorts(), interactions: ports.interactions, analyzer: ports.analyzer, merge: mergeIntoKnown });

export const handler = httpFunction(FUNCTIONS.eventsWebhook.id, async (event) => {
  const { tenant, secrets } = await webhookTenant(event);
  const tenantId = tenant.tenantId;

  // 1. signature over "{id}.{timestamp}.{body}" with any active secret, and a fresh timestamp (else 401)
  const body = rawBody(event);
  const { id: webhookId, timestamp } = verifyStandardWebhook(
    { id: header(event, 'webhook-id'), timestamp: header(event, 'webhook-timestamp'), signature: header(event, 'webhook-signature') },
    body,
    secrets.events.secrets,
    ports.clock.now(),
  );

  // 2. the envelope and the type's data, validated before anything is written (400 otherwise)
  const envelope = validate(StandardWebhookEnvelope, parseJsonExact(body), 'event');
  const { type } = envelope;
  if (!isWebEventType(type)) {
    metrics.addMetric('events_type_ignored', MetricUnit.Count, 1);
    logger.info('event type acknowledged without processing', { type });
    return json(200, { type, outcome: 'ignored' });
  }
  const sentAt = envelope.timestamp ? new Date(envelope.timestamp).toISOString() : timestamp.toISOString();
  // the correlation id of everything this delivery causes is its idempotency key
  const ctx = { tenantId, correlationId: header(event, 'x-correlation-id') ?? webhookId };
  const delivery = { source: 'events', key: webhookId };

  // 3. apply it once per webhook-id
  switch (type) {
    case 'customer.registered': {
      const signup = webSignup(parseWebEventData(type, envelope.data));
      const result = await registerCustomer(webPorts(), ctx, signup, delivery);
      return json(200, { type, outcome: result.outcome, ...(result.outcome !== 'duplicate' && { customerId: result.customer.id }) });
    }
    case 'customer.identified': {
      const identification = webIdentification(parseWebEventData(type, envelope.data));
      const result = await identifyCustomer(webPorts(), ctx, identification, delivery);
      if (result.mergeCandidates.length > 0) {
        logger.info('identification found a merge candidate', { customerId: result.customerId, candidates: result.mergeCandidates, merged: result.merged });
      }
      return json(200, { type, ...result });
    }
    case 'order.placed':
    case 'order.refunded': {
      const change =
        type === 'order.placed' ? webOrderSnapshot(parseWebEventData(type, envelope.data), sentAt) : webRefundNotice(parseWebEventData(type, envelope.data), sentAt);
      const result = await recordOrderChange(webPorts(), ctx, change, delivery);
      if (result.outcome === 'ignored') metrics.addMetric(`events_order_${result.reason}`, MetricUnit.Count, 1);
      return json(200, { type, outcome: result.outcome, ...(result.outcome === 'recorded' && { orderId: result.order.orderId, status: result.order.status }) });
    }
    default: {
      if (!isActionType(type)) throw new Error(`unhandled event type ${type}`);
      const action = webAction(type, parseWebEventData(type, envelope.data), webhookId, sentAt);
      const result = await recordWebAction(webPorts(), ctx, action);
      return json(200, { type, outcome: result.outcome, customerId: result.interaction.customerId, interactionId: result.interaction.id });
    }
  }
});
