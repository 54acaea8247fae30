/**
 * The customer-knowledge queue → each customer's knowledge inputs, figures and segment membership, and the
 * steps of recompute and back-fill jobs. Every event is applied once (processed-marker in the same
 * transaction as the effect), so redeliveries change nothing.
 */
import { z } from 'zod';
import { DynamoAffinityStore, dynamoKnowledgePorts, KNOWLEDGE_KEEPER } from '../../adapters/knowledge/dynamo-knowledge.js';
import {
  applyConsentChange,
  applyInteraction,
  applyOrderPlaced,
  applyOrderRefunded,
  applyOrderStatus,
  forgetCustomerKnowledge,
  mergeCustomerKnowledge,
  recomputeWhenStale,
  runJobStep,
  updateCustomerKnowledge,
} from '../../domain/knowledge/knowledge.js';
import { settleAffinity } from '../../domain/knowledge/recommendations.js';
import {
  ConsentChanged,
  CustomerErased,
  CustomerRegistered,
  CustomersMerged,
  CustomerUpdated,
  EventMetadata,
  InteractionRecorded,
  KnowledgeRefreshRequested,
  OrderPlaced,
  OrderRefunded,
  OrderStatusChanged,
  TierChanged,
  type EventDefinition,
} from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { recordedInteractionOf } from '../../domain/shared/interaction-recorded.js';
import { queueConsumer } from '../shared/chain.js';
import { ports as shared } from '../shared/ports.js';

const ports = dynamoKnowledgePorts(KNOWLEDGE_KEEPER, shared);
const knowledge = ports.knowledge;
const affinity = new DynamoAffinityStore();

type Handler<S extends z.ZodType> = (metadata: EventMetadata, data: z.output<S>) => Promise<void>;
interface Route<S extends z.ZodType = z.ZodType> {
  definition: EventDefinition<S>;
  /** Whose knowledge the event changes: its events run one after another within a batch. */
  customerOf?: (data: z.output<S>) => string;
  handle: Handler<S>;
}
const route = <S extends z.ZodType>(r: Route<S>) => r as unknown as Route;

/** Tenants this container checked lately: the staleness check runs at most once a minute per tenant. */
const checked = new Map<string, number>();

/** After a customer's change: keep the tenant's distribution from going stale (at most one claim an hour). */
async function afterChange(metadata: EventMetadata): Promise<void> {
  if (Date.now() - (checked.get(metadata.tenantId) ?? 0) < 60_000) return;
  checked.set(metadata.tenantId, Date.now());
  await recomputeWhenStale(ports, metadata.tenantId, metadata.correlationId);
}

const ROUTES: Route[] = [
  route({
    definition: OrderPlaced,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      const result = await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        trackAffinity: true,
        change: (inputs) =>
          applyOrderPlaced(inputs, {
            store: d.store,
            orderId: d.orderId,
            total: d.total,
            lineItems: d.lineItems,
            ...(d.status && { status: d.status }),
            at: d.placedAt ?? m.occurredAt,
          }),
      });
      if (result.written) {
        await settleAffinity({ knowledge, affinity }, m.tenantId, result.written.record.customerId, result.written);
      } else if (result.outcome === 'duplicate') {
        // a redelivery: a crash between the order's transaction and its co-occurrence counts finishes here
        const customer = await shared.customers.get(m.tenantId, d.customerId);
        await settleAffinity({ knowledge, affinity }, m.tenantId, customer?.mergedInto ?? d.customerId);
      }
      await afterChange(m);
    },
  }),
  route({
    definition: OrderRefunded,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        change: (inputs) =>
          applyOrderRefunded(inputs, {
            store: d.store,
            orderId: d.orderId,
            amount: d.amount,
            ...(d.refundedTotal && { refundedTotal: d.refundedTotal }),
            ...(d.status && { status: d.status }),
            at: m.occurredAt,
          }),
      });
      await afterChange(m);
    },
  }),
  route({
    definition: OrderStatusChanged,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        change: (inputs) => applyOrderStatus(inputs, { store: d.store, orderId: d.orderId, to: d.to, total: d.total, at: m.occurredAt }),
      });
      await afterChange(m);
    },
  }),
  route({
    definition: InteractionRecorded,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      // no processed-marker read first: the commit below is conditional on the marker, so a redelivered event
      // changes nothing anyway, and every first delivery (nearly all of them) saves a read
      // the event carries no text: brand and competitor keywords are looked for in the stored interaction
      const stored = d.hasText ? await shared.interactions.findRecorded(recordedInteractionOf(m, d)) : undefined;
      const settings = await knowledge.settings(m.tenantId);
      await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        // the activity figures count every interaction, whatever the consent; the inputs only what it allows
        activity: { channel: d.channel, occurredAt: m.occurredAt },
        change: (inputs) =>
          applyInteraction(
            inputs,
            {
              channel: d.channel,
              kind: d.kind,
              sentiment: d.sentiment,
              at: stored?.occurredAt ?? m.occurredAt,
              ...(stored?.text !== undefined && { text: stored.text }),
            },
            settings,
          ),
      });
      await afterChange(m);
    },
  }),
  route({
    definition: ConsentChanged,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        change: (inputs) => applyConsentChange(inputs, { purpose: d.purpose, channel: d.channel, status: d.status, at: m.occurredAt }),
      });
    },
  }),
  route({
    definition: TierChanged,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, {
        tenantId: m.tenantId,
        customerId: d.customerId,
        eventId: m.eventId,
        change: (inputs) => ({ ...inputs, tier: d.to }),
      });
    },
  }),
  route({
    definition: CustomersMerged,
    customerOf: (d) => d.survivorId,
    handle: async (m, d) => {
      await mergeCustomerKnowledge(ports, { tenantId: m.tenantId, eventId: m.eventId, survivorId: d.survivorId, mergedId: d.mergedId });
    },
  }),
  route({
    definition: CustomerErased,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await forgetCustomerKnowledge(ports, { tenantId: m.tenantId, eventId: m.eventId, customerId: d.customerId });
    },
  }),
  // a sign-up or a profile change (tags, identities, registration) can move the stage and the segments
  route({
    definition: CustomerRegistered,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, { tenantId: m.tenantId, customerId: d.customerId, eventId: m.eventId });
    },
  }),
  route({
    definition: CustomerUpdated,
    customerOf: (d) => d.customerId,
    handle: async (m, d) => {
      await updateCustomerKnowledge(ports, { tenantId: m.tenantId, customerId: d.customerId, eventId: m.eventId });
    },
  }),
  route({
    definition: KnowledgeRefreshRequested,
    handle: async (m, d) => runJobStep(ports, m.tenantId, m.correlationId, d),
  }),
];

const byDetailType = new Map(ROUTES.map((r) => [r.definition.detailType, r]));

/** Per customer, the events of one batch run one after another (they would only race for the same record). */
const lanes = new Map<string, Promise<unknown>>();

function inLane<T>(key: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!key) return run();
  const result = (lanes.get(key) ?? Promise.resolve()).then(run, run);
  const settled = result.catch(() => undefined);
  lanes.set(key, settled);
  void settled.then(() => {
    if (lanes.get(key) === settled) lanes.delete(key);
  });
  return result;
}

// each record is parsed by its own event's schema (queueConsumer takes the list); one consumer, so each
// invocation is metered once
export const handler = queueConsumer(FUNCTIONS.customerKnowledge.id, ROUTES.map((r) => r.definition), async (message) => {
  const r = byDetailType.get(message['detail-type']);
  if (!r) throw new Error(`customer-knowledge does not handle ${message['detail-type']}`);
  const data = message.detail.data;
  const { metadata } = message.detail;
  const customer = r.customerOf?.(data);
  await inLane(customer && `${metadata.tenantId}|${customer}`, () => r.handle(metadata, data));
});
