/**
 * Knowledge API: the tenant's knowledge settings, its distribution and recompute jobs, and a customer's
 * product recommendations, for the caller's tenant only.
 */
import { KnowledgeJobView, KnowledgeSettingsInput, KnowledgeSettingsView, KnowledgeStatsView, RecommendationQuery } from '../../api/knowledge/schemas.js';
import { DynamoAffinityStore, dynamoKnowledgePorts, DynamoKnowledgeStore, KNOWLEDGE_KEEPER } from '../../adapters/knowledge/dynamo-knowledge.js';
import { NotFound } from '../../domain/shared/errors.js';
import { requestRecompute, type KnowledgeJob, type KnowledgeSettings } from '../../domain/knowledge/knowledge.js';
import { recommendProducts } from '../../domain/knowledge/recommendations.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { ports as shared } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';

const jobs = dynamoKnowledgePorts(KNOWLEDGE_KEEPER, shared);
const knowledge = new DynamoKnowledgeStore(KNOWLEDGE_KEEPER);
const affinity = new DynamoAffinityStore();

const jobView = ({ tenantId: _tenant, ...job }: KnowledgeJob) => KnowledgeJobView.parse(job);

export const handler = httpFunction(FUNCTIONS.knowledgeApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = event.queryStringParameters ?? {};

  switch (event.routeKey) {
    case 'GET /v1/customers/{customerId}/recommendations': {
      const q = validate(RecommendationQuery, query, 'recommendation query');
      const result = await recommendProducts({ knowledge, affinity, customers: shared.customers }, actor.tenantId, pathParam(event, 'customerId'), q.limit);
      return json(200, { items: result.items, nextCursor: null, basedOn: result.basedOn });
    }
    case 'GET /v1/settings/knowledge':
      return json(200, KnowledgeSettingsView.parse(await knowledge.settings(actor.tenantId)));
    case 'PUT /v1/settings/knowledge': {
      const input = validate(KnowledgeSettingsInput, parseJsonBytes(rawBody(event)), 'knowledge settings');
      const settings: KnowledgeSettings = { ...input, updatedAt: shared.clock.now().toISOString() };
      await knowledge.putSettings(actor.tenantId, settings);
      return json(200, KnowledgeSettingsView.parse(settings));
    }
    case 'GET /v1/knowledge/stats': {
      const stats = await knowledge.stats(actor.tenantId);
      return json(
        200,
        KnowledgeStatsView.parse({
          computedAt: stats?.computedAt ?? null,
          customers: stats?.customers ?? 0,
          rfm: stats?.rfm ?? null,
          voice: stats?.voice ?? { total: 0, customers: 0 },
        }),
      );
    }
    case 'POST /v1/knowledge/recompute':
      return json(202, jobView(await requestRecompute(jobs, actor.tenantId, correlationIdOf(event))));
    case 'GET /v1/knowledge/jobs/{jobId}': {
      const job = await jobs.jobs.get(actor.tenantId, pathParam(event, 'jobId'));
      if (!job) throw new NotFound('Job not found');
      return json(200, jobView(job));
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
