/**
 * Every HTTP route, declared once: the CDK stack adds each to the HTTP API (with the JWT authorizer where
 * auth is not 'public'); the local HTTP server matches requests against the same list; the OpenAPI
 * document is generated from it. Each context declares its routes in wiring/<context>/routes.ts.
 */
import type { z } from 'zod';
import type { FunctionKey } from './functions.js';
import type { RouteRole } from '../domain/shared/auth.js';
import { AUDIT_ROUTES } from './audit/routes.js';
import { CAMPAIGN_ROUTES } from './campaigns/routes.js';
import { COMMERCE_ROUTES } from './commerce/routes.js';
import { CONSENT_ROUTES } from './consent/routes.js';
import { CUSTOMERS_ROUTES } from './customers/routes.js';
import { FINANCE_ROUTES } from './finance/routes.js';
import { KNOWLEDGE_ROUTES } from './knowledge/routes.js';
import { LOYALTY_ROUTES } from './loyalty/routes.js';
import { PRIVACY_ROUTES } from './privacy/routes.js';
import { SEGMENTS_ROUTES } from './segments/routes.js';
import { SERVICE_ROUTES } from './service/routes.js';
import { SOCIAL_ROUTES } from './social/routes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  path: string;
  function: FunctionKey;
  /** 'public': no authorizer (webhooks authenticate by signature); otherwise a JWT with one of the roles. */
  auth: 'public' | { roles: readonly RouteRole[] };
  summary: string;
  openapi: {
    tag: string;
    query?: z.ZodType;
    body?: z.ZodType;
    response?: z.ZodType;
    /** Non-JSON success (handshakes). */
    responseContentType?: string;
    /** The success status when it is not 200 (201 created, 202 accepted). */
    successStatus?: number;
    /** Other non-error answers, with what they mean; they share the response schema. */
    otherStatuses?: Readonly<Record<number, string>>;
    errors: readonly number[];
  };
}

export const ROUTES: readonly RouteDeclaration[] = [
  ...SOCIAL_ROUTES,
  ...COMMERCE_ROUTES,
  ...CUSTOMERS_ROUTES,
  ...CONSENT_ROUTES,
  ...AUDIT_ROUTES,
  ...PRIVACY_ROUTES,
  ...KNOWLEDGE_ROUTES,
  ...SEGMENTS_ROUTES,
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openApi',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    openapi: { tag: 'meta', errors: [] },
  },
  ...SERVICE_ROUTES,
  ...LOYALTY_ROUTES,
  ...CAMPAIGN_ROUTES,
  ...FINANCE_ROUTES,
];
