/**
 * Customer API: profile, identity lookup and timeline, for the caller's tenant only.
 */
import { CustomerView, IdentityLookupQuery, TimelineQuery } from '../../api/customers/schemas.js';
import { CustomerMergeRequest } from '../../api/customers/schemas.js';
import { MERGE_REASONS, mergeCustomers } from '../../domain/customers/merge.js';
import { customerTimeline, findCustomerByIdentity, findCustomersByName, getCustomer, type IdentityQuery } from '../../domain/customers/customers.js';
import { NotFound } from '../../domain/shared/errors.js';
import type { Customer, TimelineEntry } from '../../domain/shared/model.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, pathParam, validate, type HttpEvent } from '../shared/http.js';
import { parseJsonBytes, rawBody } from '../shared/http.js';
import { correlationIdOf } from '../shared/chain.js';
import { ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';
import { DynamoKnowledgeStore, KNOWLEDGE_KEEPER } from '../../adapters/knowledge/index.js';
import { activityOfCustomers, describeCustomerKnowledge } from '../../domain/knowledge/index.js';
import { CustomerPatch, CustomerRegistration } from '../../api/customers/schemas.js';
import { commerceStore } from '../../adapters/commerce/index.js';
import { duplicateRegistration, formSignup, refuseUnpatchableFields, registerCustomer, updateCustomerProfile } from '../../domain/customers/registration.js';

const view = (c: Customer) => CustomerView.parse(c);
const timelineView = (e: TimelineEntry) => ({ ...e.item, type: e.type, occurredAt: e.occurredAt });

const knowledgeReader = { knowledge: new DynamoKnowledgeStore(KNOWLEDGE_KEEPER), clock: ports.clock };
/** Time a merge leaves itself to answer: past it, the merge stops between steps and answers 202. */
const MERGE_MARGIN_MS = 2_000;

/** A merged customer answers 308 to the survivor, with a small body for clients that do not follow. */
const mergedPointer = (c: Customer & { mergedInto: string }) =>
  json(308, { id: c.id, mergedInto: c.mergedInto }, { location: `/v1/customers/${encodeURIComponent(c.mergedInto)}` });

export const handler = httpFunction(FUNCTIONS.customersApi.id, async (event: HttpEvent, context) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = event.queryStringParameters ?? {};

  switch (event.routeKey) {
    case 'GET /v1/customers': {
      const q = validate(IdentityLookupQuery, query, 'customer lookup');
      if (q.name !== undefined) {
        const named = await findCustomersByName(ports.customers, actor.tenantId, q.name, q.limit);
        return json(200, { items: (await activityOfCustomers(knowledgeReader, named)).map(view), nextCursor: null });
      }
      const found = await findCustomerByIdentity(ports.customers, actor.tenantId, q as IdentityQuery);
      // an identity a merge has not repointed yet still names the merged record: answer the survivor
      const current = await Promise.all(
        found.map(async (c) => (c.mergedInto ? ((await ports.customers.get(actor.tenantId, c.mergedInto)) ?? c) : c)),
      );
      return json(200, { items: (await activityOfCustomers(knowledgeReader, current)).map(view), nextCursor: null });
    }
    case 'GET /v1/customers/{customerId}': {
      const customer = await getCustomer(ports.customers, actor.tenantId, pathParam(event, 'customerId'));
      if (customer.mergedInto) return mergedPointer({ ...customer, mergedInto: customer.mergedInto });
      // beside identities: what marketing knows (each figure with its inputs) and the consent it gates on
      return json(200, CustomerView.parse({ ...customer, ...(await describeCustomerKnowledge(knowledgeReader, customer)) }));
    }
    case 'POST /v1/customers/{customerId}/merge': {
      const body = validate(CustomerMergeRequest, parseJsonBytes(rawBody(event)), 'merge request');
      const outcome = await mergeCustomers(
        { merges: ports.merges, publisher: ports.publisher, clock: ports.clock, audit: ports.audit },
        {
          tenantId: actor.tenantId,
          correlationId: correlationIdOf(event),
          actor: actor.subject,
          deadline: Date.now() + context.getRemainingTimeInMillis() - MERGE_MARGIN_MS,
        },
        { survivorId: pathParam(event, 'customerId'), mergedId: body.mergeWith, reason: body.reason ?? MERGE_REASONS.manual },
      );
      return json(outcome.status === 'completed' ? 200 : 202, outcome);
    }
    case 'GET /v1/customers/{customerId}/timeline': {
      const page = validate(TimelineQuery, query, 'timeline query');
      const result = await customerTimeline(ports.customers, actor.tenantId, pathParam(event, 'customerId'), page);
      return json(200, { items: result.items.map(timelineView), nextCursor: result.nextCursor });
    }
    case 'POST /v1/customers': {
      const body = validate(CustomerRegistration, parseJsonBytes(rawBody(event)), 'registration');
      const result = await registerCustomer(registrationPorts(), { tenantId: actor.tenantId, correlationId: correlationIdOf(event) }, formSignup(body));
      if (result.outcome === 'registered') return json(result.created ? 201 : 200, view(result.customer));
      if (result.outcome === 'already-registered') throw duplicateRegistration(result.customer);
      throw new Error('a registration without a delivery cannot be a duplicate delivery');
    }
    case 'PATCH /v1/customers/{customerId}': {
      const raw = parseJsonBytes(rawBody(event));
      refuseUnpatchableFields(raw);
      const patch = validate(CustomerPatch, raw, 'customer change');
      const ctx = { tenantId: actor.tenantId, correlationId: correlationIdOf(event) };
      return json(200, view(await updateCustomerProfile(registrationPorts(), ctx, pathParam(event, 'customerId'), patch)));
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});

/** Registration and profile edits: the customer ports with the profile store (adapters/commerce/dynamo-orders.ts). */
function registrationPorts() {
  return { customers: ports.customers, clock: ports.clock, ids: ports.ids, publisher: ports.publisher, profiles: commerceStore };
}
