/**
 * The social listening routes (spread into ROUTES): the networks' signed webhooks and handshakes, the
 * connections of a tenant's accounts, and the newsroom.
 */
import type { RouteDeclaration } from '../routes.js';
import { READERS } from '../roles.js';
import { ConnectionPage, ConnectionUpdate, ConnectionView, MetaWebhookReceipt, NewsroomPage, NewsroomQuery, SecretRetirement } from '../../api/social/schemas.js';

export const SOCIAL_ROUTES: readonly RouteDeclaration[] = [
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
];
