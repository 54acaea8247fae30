/**
 * The segments API: rules, definitions, preview and members.
 */
import { z } from 'zod';
import { Stage } from '../../events/catalog.js';
import { Condition as SegmentCondition, SegmentInput, SegmentRule } from '../../domain/segments/segments.js';
import { apiSchemas, pageOf } from '../shared/schemas.js';

export const SegmentRuleView = SegmentRule.register(apiSchemas, { id: 'SegmentRule' });
SegmentCondition.register(apiSchemas, { id: 'SegmentCondition' });

export const SegmentCreate = SegmentInput.register(apiSchemas, { id: 'SegmentCreate' });

export const SegmentView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    rule: SegmentRuleView,
    status: z.enum(['building', 'ready']).describe('building: existing customers are still being evaluated'),
    jobId: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    readyAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'Segment' });
export const SegmentPage = pageOf(SegmentView, 'SegmentPage');

export const SegmentPreviewQuery = z.object({ sample: z.coerce.number().int().min(0).max(50).default(10) });

export const SegmentPreviewView = z
  .object({
    segmentId: z.string(),
    status: z.enum(['building', 'ready']),
    count: z.number().int(),
    sample: z.array(z.object({ id: z.string(), stage: Stage, displayName: z.string().optional() })),
  })
  .register(apiSchemas, { id: 'SegmentPreview' });

export const SegmentMemberPage = pageOf(z.object({ customerId: z.string() }), 'SegmentMemberPage');

export const MemberPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});
