/**
 * Every HTTP route, declared once: the CDK stack adds each to the HTTP API (with the JWT authorizer where
 * auth is not 'public'); the local HTTP server matches requests against the same list; the OpenAPI
 * document is generated from it.
 */
import type { z } from 'zod';
import type { FunctionKey } from './functions.js';
import type { Role } from '../domain/auth.js';
import { CustomerPage, CustomerView, IdentityLookupQuery, PageQuery, TimelinePage } from '../api/schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  path: string;
  function: FunctionKey;
  /** 'public': no authorizer (webhooks authenticate by signature); otherwise a JWT with one of the roles. */
  auth: 'public' | { roles: readonly Role[] };
  summary: string;
  openapi: {
    tag: string;
    query?: z.ZodType;
    body?: z.ZodType;
    response?: z.ZodType;
    /** Non-JSON success (handshakes). */
    responseContentType?: string;
    errors: readonly number[];
  };
}

const READERS: readonly Role[] = ['admin', 'marketer', 'agent'];

export const ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'GET',
    path: '/webhooks/{tenantId}/meta',
    function: 'metaWebhook',
    auth: 'public',
    summary: 'Meta subscription handshake: answers hub.challenge when hub.verify_token matches',
    openapi: { tag: 'webhooks', responseContentType: 'text/plain', errors: [403, 404] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/meta',
    function: 'metaWebhook',
    auth: 'public',
    summary: 'Meta event notifications (Page feed), signed with X-Hub-Signature-256',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'GET',
    path: '/v1/customers',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: 'Find the customer behind an identity (channel + externalId, email or phone)',
    openapi: { tag: 'customers', query: IdentityLookupQuery, response: CustomerPage, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: 'A customer profile with its identities',
    openapi: { tag: 'customers', response: CustomerView, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/timeline',
    function: 'customersApi',
    auth: { roles: READERS },
    summary: "A customer's timeline, newest first, paginated with an opaque cursor",
    openapi: { tag: 'customers', query: PageQuery, response: TimelinePage, errors: [400, 401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openApi',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    openapi: { tag: 'meta', errors: [] },
  },
];
