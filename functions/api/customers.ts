/**
 * Customer API: profile, identity lookup and timeline, for the caller's tenant only.
 */
import { CustomerView, IdentityLookupQuery, PageQuery } from '../../api/schemas.js';
import { customerTimeline, findCustomerByIdentity, getCustomer, type IdentityQuery } from '../../domain/customers.js';
import { NotFound } from '../../domain/errors.js';
import type { Customer, TimelineEntry } from '../../domain/model.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../lib/chain.js';
import { authorize, json, pathParam, validate, type HttpEvent } from '../lib/http.js';
import { ports } from '../lib/ports.js';
import { routeRoles } from '../lib/route-auth.js';

const view = (c: Customer) => CustomerView.parse(c);
const timelineView = (e: TimelineEntry) => ({ ...e.item, type: e.type, occurredAt: e.occurredAt });

export const handler = httpFunction(FUNCTIONS.customersApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = event.queryStringParameters ?? {};

  switch (event.routeKey) {
    case 'GET /v1/customers': {
      const q = validate(IdentityLookupQuery, query, 'identity lookup');
      const found = await findCustomerByIdentity(ports.customers, actor.tenantId, q as IdentityQuery);
      return json(200, { items: found.map(view), nextCursor: null });
    }
    case 'GET /v1/customers/{customerId}':
      return json(200, view(await getCustomer(ports.customers, actor.tenantId, pathParam(event, 'customerId'))));
    case 'GET /v1/customers/{customerId}/timeline': {
      const page = validate(PageQuery, query, 'page query');
      const result = await customerTimeline(ports.customers, actor.tenantId, pathParam(event, 'customerId'), page);
      return json(200, { items: result.items.map(timelineView), nextCursor: result.nextCursor });
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
