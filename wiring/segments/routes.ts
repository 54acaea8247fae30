/**
 * The segments routes (spread into ROUTES): definitions, preview and members.
 */
import type { RouteDeclaration } from '../routes.js';
import { READERS } from '../roles.js';
import { MemberPageQuery, SegmentCreate, SegmentMemberPage, SegmentPage, SegmentPreviewQuery, SegmentPreviewView, SegmentView } from '../../api/segments/schemas.js';

export const SEGMENTS_ROUTES: readonly RouteDeclaration[] = [
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
];
