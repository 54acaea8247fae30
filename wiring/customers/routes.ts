/**
 * The customers routes (spread into ROUTES): sign-up, lookup, profile, timeline and merge.
 */
import type { RouteDeclaration } from '../routes.js';
import { READERS } from '../roles.js';
import { CustomerMergeRequest, CustomerMergeView, CustomerPage, CustomerPatch, CustomerRegistration, CustomerView, IdentityLookupQuery, TimelinePage, TimelineQuery } from '../../api/customers/schemas.js';

export const CUSTOMERS_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'GET',
    path: '/v1/customers',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: 'Find the customer behind an identity (channel + externalId, email or phone), or customers by the start of a name, family name or handle (name; case and accents do not matter)',
    openapi: { tag: 'customers', query: IdentityLookupQuery, response: CustomerPage, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: 'A customer profile with its identities',
    openapi: { otherStatuses: { 308: 'Merged into another customer: Location names it, body { id, mergedInto }' }, tag: 'customers', response: CustomerView, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/timeline',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: "A customer's timeline, newest first, paginated with an opaque cursor; `type` keeps one kind of item (tickets, orders, ...)",
    openapi: { tag: 'customers', query: TimelineQuery, response: TimelinePage, errors: [400, 401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/customers',
    function: 'customersApi',
    auth: { roles: ['admin', 'marketer'] },
    summary:
      'Register a customer from a sign-up form (201; 200 when a known but unregistered person registers; 409 with details.customerId when already registered); publishes CustomerRegistered',
    openapi: { successStatus: 201, otherStatuses: { 200: 'A known, unregistered person registered: same id' }, tag: 'customers', body: CustomerRegistration, response: CustomerView, errors: [400, 401, 403, 409] },
  },
  {
    method: 'PATCH',
    path: '/v1/customers/{customerId}',
    function: 'customersApi',
    auth: { roles: ['admin', 'marketer'] },
    summary:
      'Change profile fields (displayName, givenName, familyName, tags, locale, address, birthday; null clears one); any other field is refused with 400 naming it; publishes CustomerUpdated',
    openapi: { tag: 'customers', body: CustomerPatch, response: CustomerView, errors: [400, 401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/merge',
    function: 'customersApi',
    auth: { roles: ['admin', 'marketer'] },
    summary:
      'Merge another customer (mergeWith) into this one: identities and timeline move here, the other becomes a pointer (GET answers 308). Safe to repeat; 202 means repeat to finish',
    openapi: { otherStatuses: { 202: 'The time budget ran out between steps: repeat the request to finish' }, tag: 'customers', body: CustomerMergeRequest, response: CustomerMergeView, errors: [400, 401, 403, 404, 409] },
  },
];
