/**
 * Every HTTP route, declared once: the CDK stack adds each to the HTTP API (with the JWT authorizer where
 * auth is not 'public'); the local HTTP server matches requests against the same list; the OpenAPI
 * document is generated from it.
 */
import type { z } from 'zod';
import type { FunctionKey } from './functions.js';
import type { RouteRole } from '../domain/shared/auth.js';
import { FINANCE_ROUTES } from './finance/routes.js';
import { CustomerPage, CustomerView, IdentityLookupQuery, PageQuery, TimelinePage } from '../api/schemas.js';
import { CustomerPatch, CustomerRegistration } from '../api/schemas.js';
import { MetaWebhookReceipt } from '../api/schemas.js';
import { WebEventBody } from '../domain/commerce/ingest/standard-webhooks.js';
import {
  AuditListQuery,
  AuditPage,
  ConsentChangeRequest,
  ConsentConfirmedView,
  ConsentRecordView,
  ConsentTokenQuery,
  CustomerConsentsView,
  UnsubscribedView,
  UnsubscribePreviewView,
} from '../api/schemas.js';
import {
  ConnectionPage,
  ConnectionUpdate,
  ConnectionView,
  CustomerMergeRequest,
  CustomerMergeView,
  NewsroomPage,
  NewsroomQuery,
  SecretRetirement,
} from '../api/schemas.js';
import {
  KnowledgeJobView,
  KnowledgeSettingsInput,
  KnowledgeSettingsView,
  KnowledgeStatsView,
  MemberPageQuery,
  RecommendationPage,
  RecommendationQuery,
  SegmentCreate,
  SegmentMemberPage,
  SegmentPage,
  SegmentPreviewQuery,
  SegmentPreviewView,
  SegmentView,
} from '../api/schemas.js';
import { CAMPAIGN_ROUTES } from './campaigns/routes.js';
import { CustomerExportView, ErasureAcceptedView, ErasureRequestView, PrivacySettingsInput, PrivacySettingsView } from '../api/schemas.js';

import { LOYALTY_ROUTES } from './loyalty/routes.js';
import { SERVICE_ROUTES } from './service/routes.js';

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

const READERS: readonly RouteRole[] = ['admin', 'marketer', 'agent'];

export const ROUTES: readonly RouteDeclaration[] = [
  ...SERVICE_ROUTES,
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
    summary: 'Meta event notifications (Page feed and Messenger, Instagram, WhatsApp), signed with X-Hub-Signature-256',
    openapi: { tag: 'webhooks', response: MetaWebhookReceipt, errors: [400, 401, 404, 413] },
  },
  {
    method: 'GET',
    path: '/webhooks/{tenantId}/x',
    function: 'xWebhook',
    auth: 'public',
    summary: 'X Account Activity CRC: answers {response_token} for crc_token, signed with the consumer secret',
    openapi: { tag: 'webhooks', errors: [400, 404] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/x',
    function: 'xWebhook',
    auth: 'public',
    summary: 'X Account Activity events (tweets, likes, follows, DMs, deletes), signed with x-twitter-webhooks-signature',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'GET',
    path: '/webhooks/{tenantId}/youtube',
    function: 'youtubeWebhook',
    auth: 'public',
    summary: 'YouTube WebSub verification: echoes hub.challenge for the feed of a channel the tenant watches',
    openapi: { tag: 'webhooks', responseContentType: 'text/plain', errors: [400, 404] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/youtube',
    function: 'youtubeWebhook',
    auth: 'public',
    summary: 'YouTube WebSub Atom notifications (new, updated and deleted videos), signed with X-Hub-Signature',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/shopify',
    function: 'shopifyWebhook',
    auth: 'public',
    summary:
      'Shopify orders/create, orders/paid, orders/cancelled, refunds/create, customers/create, customers/update, signed with X-Shopify-Hmac-Sha256; other topics are acknowledged',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/woocommerce',
    function: 'woocommerceWebhook',
    auth: 'public',
    summary:
      'WooCommerce order.created, order.updated, customer.created, signed with X-WC-Webhook-Signature; the unsigned save-time ping (webhook_id=<id>) is answered 200',
    openapi: { tag: 'webhooks', errors: [400, 401, 404, 413] },
  },
  {
    method: 'POST',
    path: '/webhooks/{tenantId}/events',
    function: 'eventsWebhook',
    auth: 'public',
    summary:
      'Generic signed events from any store or the brand\'s site/app (Standard Webhooks: webhook-id, webhook-timestamp within 5 minutes, webhook-signature v1); other types are acknowledged',
    openapi: { tag: 'webhooks', body: WebEventBody, errors: [400, 401, 404, 413] },
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
    openapi: { otherStatuses: { 308: 'Merged into another customer: Location names it, body { id, mergedInto }' }, tag: 'customers', response: CustomerView, errors: [401, 403, 404] },
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
      'Change profile fields (displayName, tags, locale, address, birthday; null clears one); any other field is refused with 400 naming it; publishes CustomerUpdated',
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
  {
    method: 'GET',
    path: '/v1/connections',
    function: 'connectionsApi',
    auth: { roles: ['admin'] },
    summary: 'Connected account ids per network and how many webhook secrets are active since when (never a secret value)',
    openapi: { tag: 'connections', response: ConnectionPage, errors: [401, 403] },
  },
  {
    method: 'PUT',
    path: '/v1/connections/{channel}',
    function: 'connectionsApi',
    auth: { roles: ['admin'] },
    summary: "Set a network's connected account ids and webhook secrets; rotation 'add' keeps the current secret active beside the new one",
    openapi: { tag: 'connections', body: ConnectionUpdate, response: ConnectionView, errors: [400, 401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/connections/{channel}/secrets/retire',
    function: 'connectionsApi',
    auth: { roles: ['admin'] },
    summary: 'End a secret rotation: keep the newest (or roll back to the oldest) secret of each field',
    openapi: { tag: 'connections', body: SecretRetirement, response: ConnectionView, errors: [400, 401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/newsroom',
    function: 'newsroomApi',
    auth: { roles: READERS },
    summary: 'What customers said about the brand, newest first across networks; filter by channel, sentiment, intent, since',
    openapi: { tag: 'newsroom', query: NewsroomQuery, response: NewsroomPage, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/consents',
    function: 'consentApi',
    auth: { roles: ['marketer', 'admin', 'agent'] },
    summary: 'Consent of a customer: the current state per purpose and channel, and every record, newest first',
    openapi: { tag: 'consent', response: CustomerConsentsView, errors: [401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/consents',
    function: 'consentApi',
    auth: { roles: ['marketer', 'admin'] },
    summary: 'Record a consent decision (201); e-mail marketing grants stay pending until the e-mailed link is followed',
    openapi: { successStatus: 201, tag: 'consent', body: ConsentChangeRequest, response: ConsentRecordView, errors: [400, 401, 403, 404, 409, 413, 502] },
  },
  {
    method: 'GET',
    path: '/consent/confirm',
    function: 'consentPublic',
    auth: 'public',
    summary: 'Double opt-in: the signed, single-use, expiring link e-mailed to the person (400 invalid, 410 expired or used)',
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: ConsentConfirmedView, errors: [400, 404, 409, 410] },
  },
  {
    method: 'POST',
    path: '/unsubscribe',
    function: 'consentPublic',
    auth: 'public',
    summary: "One-click unsubscribe (RFC 8058): withdraws the link's channel marketing consent; empty or List-Unsubscribe=One-Click body",
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: UnsubscribedView, errors: [400, 404, 410] },
  },
  {
    method: 'GET',
    path: '/unsubscribe',
    function: 'consentPublic',
    auth: 'public',
    summary: 'What the unsubscribe link does; changes nothing (mail scanners prefetch links): POST it to unsubscribe',
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: UnsubscribePreviewView, errors: [400, 410] },
  },
  {
    method: 'GET',
    path: '/v1/audit',
    function: 'auditApi',
    auth: { roles: ['admin'] },
    summary: 'Who did what and when (consent changes, merges, exports, erasures, ...), newest first; filter by targetId, actor, since',
    openapi: { tag: 'audit', query: AuditListQuery, response: AuditPage, errors: [400, 401, 403] },
  },
  {
    method: 'POST',
    path: '/v1/segments',
    function: 'segmentsApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: 'Define a segment by a rule (stage, RFM, CLV, shares, tier, channels, consent, days since, tags; and/or/not); existing customers are back-filled',
    openapi: { successStatus: 201, tag: 'segments', body: SegmentCreate, response: SegmentView, errors: [400, 401, 403, 409] },
  },
  {
    method: 'GET',
    path: '/v1/segments',
    function: 'segmentsApi',
    auth: { roles: READERS },
    summary: "The tenant's segments",
    openapi: { tag: 'segments', response: SegmentPage, errors: [401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/segments/{segmentId}',
    function: 'segmentsApi',
    auth: { roles: READERS },
    summary: 'One segment, with its rule and back-fill status',
    openapi: { tag: 'segments', response: SegmentView, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/segments/{segmentId}/preview',
    function: 'segmentsApi',
    auth: { roles: READERS },
    summary: "A segment's member count and a sample of members",
    openapi: { tag: 'segments', query: SegmentPreviewQuery, response: SegmentPreviewView, errors: [400, 401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/segments/{segmentId}/members',
    function: 'segmentsApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: "A segment's member ids, paged with an opaque cursor (campaign audiences)",
    openapi: { tag: 'segments', query: MemberPageQuery, response: SegmentMemberPage, errors: [400, 401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/recommendations',
    function: 'knowledgeApi',
    auth: { roles: READERS },
    summary: 'Cross-sell and up-sell products: what buyers of the same products also bought, without what the customer has',
    openapi: { tag: 'customers', query: RecommendationQuery, response: RecommendationPage, errors: [400, 401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/settings/knowledge',
    function: 'knowledgeApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: 'Customer knowledge settings: brand and competitor keywords, category spend estimate, expected lifetime, currency',
    openapi: { tag: 'knowledge', response: KnowledgeSettingsView, errors: [401, 403] },
  },
  {
    method: 'PUT',
    path: '/v1/settings/knowledge',
    function: 'knowledgeApi',
    auth: { roles: ['admin'] },
    summary: 'Replace the customer knowledge settings',
    openapi: { tag: 'knowledge', body: KnowledgeSettingsInput, response: KnowledgeSettingsView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/knowledge/stats',
    function: 'knowledgeApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: "The tenant's distribution: RFM quintile cuts and total voice, as last recomputed",
    openapi: { tag: 'knowledge', response: KnowledgeStatsView, errors: [401, 403] },
  },
  {
    method: 'POST',
    path: '/v1/knowledge/recompute',
    function: 'knowledgeApi',
    auth: { roles: ['admin'] },
    summary: 'Recompute the distribution, then every customer and segment membership (202: a job)',
    openapi: { successStatus: 202, tag: 'knowledge', response: KnowledgeJobView, errors: [401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/knowledge/jobs/{jobId}',
    function: 'knowledgeApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: 'Progress of a recompute or segment back-fill job',
    openapi: { tag: 'knowledge', response: KnowledgeJobView, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/export',
    function: 'privacyApi',
    auth: { roles: ['admin'] },
    summary:
      'Everything held about the person as one JSON document: profile, identities, timeline (interactions, orders, ...), orders, messages, consents, knowledge, segments, audit entries; audited',
    openapi: { tag: 'privacy', response: CustomerExportView, errors: [401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/erasure',
    function: 'privacyApi',
    auth: { roles: ['admin'] },
    summary:
      'Erase the person (202 with requestId): every item of theirs across entity types, merged-away records included; keeps a hashed suppression tombstone; publishes CustomerErased. Safe to repeat',
    openapi: { tag: 'privacy', response: ErasureAcceptedView, errors: [401, 403, 404, 409] },
  },
  {
    method: 'GET',
    path: '/v1/erasures/{requestId}',
    function: 'privacyApi',
    auth: { roles: ['admin'] },
    summary: 'Progress of an erasure: status, phase and items erased per entity type',
    openapi: { tag: 'privacy', response: ErasureRequestView, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/settings/privacy',
    function: 'privacyApi',
    auth: { roles: ['admin'] },
    summary: 'Privacy settings: how many days interactions of people without social_profiling consent are kept (default 90)',
    openapi: { tag: 'privacy', response: PrivacySettingsView, errors: [401, 403] },
  },
  {
    method: 'PUT',
    path: '/v1/settings/privacy',
    function: 'privacyApi',
    auth: { roles: ['admin'] },
    summary: 'Set the retention of interactions without social_profiling consent (days); applies to what is recorded or re-gated from now on; audited',
    openapi: { tag: 'privacy', body: PrivacySettingsInput, response: PrivacySettingsView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openApi',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    openapi: { tag: 'meta', errors: [] },
  },
  ...LOYALTY_ROUTES,
  ...CAMPAIGN_ROUTES,
  ...FINANCE_ROUTES,
];
