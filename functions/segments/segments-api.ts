/**
 * Segments API: define a segment by a rule, list and read segments, preview (count and sample) and page
 * through members, for the caller's tenant only.
 */
import { MemberPageQuery, SegmentCreate, SegmentPreviewQuery, SegmentView } from '../../api/segments/schemas.js';
import { dynamoKnowledgePorts, KNOWLEDGE_KEEPER } from '../../adapters/knowledge/index.js';
import { segmentStore } from '../../adapters/segments/dynamo-segments.js';
import { NotFound } from '../../domain/shared/errors.js';
import { startSegmentBackfill } from '../../domain/knowledge/index.js';
import { defineSegment, getSegment, previewSegment, segmentMembers, type SegmentDefinition, type SegmentPorts } from '../../domain/segments/segments.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { ports as shared } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';

const jobs = dynamoKnowledgePorts(KNOWLEDGE_KEEPER, shared);
const view = ({ tenantId: _tenant, ...segment }: SegmentDefinition) => SegmentView.parse(segment);

export const handler = httpFunction(FUNCTIONS.segmentsApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const query = event.queryStringParameters ?? {};
  const ports: SegmentPorts = {
    segments: segmentStore,
    customers: shared.customers,
    clock: shared.clock,
    ids: shared.ids,
    startBackfill: async (tenantId, segmentId) => (await startSegmentBackfill(jobs, tenantId, segmentId, correlationIdOf(event))).jobId,
  };

  switch (event.routeKey) {
    case 'POST /v1/segments': {
      const input = validate(SegmentCreate, parseJsonBytes(rawBody(event)), 'segment');
      return json(201, view(await defineSegment(ports, actor, input)));
    }
    case 'GET /v1/segments':
      return json(200, { items: (await segmentStore.list(actor.tenantId)).map(view), nextCursor: null });
    case 'GET /v1/segments/{segmentId}':
      return json(200, view(await getSegment(ports, actor.tenantId, pathParam(event, 'segmentId'))));
    case 'GET /v1/segments/{segmentId}/preview': {
      const q = validate(SegmentPreviewQuery, query, 'preview query');
      return json(200, await previewSegment(ports, actor.tenantId, pathParam(event, 'segmentId'), q.sample));
    }
    case 'GET /v1/segments/{segmentId}/members': {
      const page = validate(MemberPageQuery, query, 'page query');
      const result = await segmentMembers(ports, actor.tenantId, pathParam(event, 'segmentId'), page);
      return json(200, { items: result.items.map((customerId) => ({ customerId })), nextCursor: result.nextCursor });
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
