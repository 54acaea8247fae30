/**
 * The privacy routes (spread into ROUTES): export, erasure and the retention setting.
 */
import type { RouteDeclaration } from '../routes.js';
import { CustomerExportView, ErasureAcceptedView, ErasureRequestView, PrivacySettingsInput, PrivacySettingsView } from '../../api/privacy/schemas.js';

export const PRIVACY_ROUTES: readonly RouteDeclaration[] = [
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
];
