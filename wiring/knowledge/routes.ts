/**
 * The customer knowledge routes (spread into ROUTES): figures, recommendations, settings, stats and jobs.
 */
import type { RouteDeclaration } from '../routes.js';
import { READERS } from '../roles.js';
import { KnowledgeJobView, KnowledgeSettingsInput, KnowledgeSettingsView, KnowledgeStatsView, RecommendationPage, RecommendationQuery } from '../../api/knowledge/schemas.js';

export const KNOWLEDGE_ROUTES: readonly RouteDeclaration[] = [
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
];
