/**
 * The API's request and response shapes (DESIGN §5). Request validation and the OpenAPI document both
 * come from these schemas.
 */
import { z } from 'zod';
import { Channel, InteractionKind, Stage } from '../events/catalog.js';

/** Named schemas: each becomes `#/components/schemas/<id>` in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();

export const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .register(apiSchemas, { id: 'Error' });

export const IdentityView = z
  .object({
    channel: z.string(),
    externalId: z.string(),
    handle: z.string().optional(),
    name: z.string().optional(),
    firstSeenAt: z.string(),
  })
  .register(apiSchemas, { id: 'Identity' });

export const CustomerView = z
  .object({
    id: z.string(),
    stage: Stage,
    displayName: z.string().optional(),
    identities: z.array(IdentityView),
    activity: z.object({
      lastInteractionAt: z.string().optional(),
      interactionsByChannel: z.record(z.string(), z.number()),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(apiSchemas, { id: 'Customer' });

export const InteractionView = z
  .object({
    id: z.string(),
    channel: Channel,
    kind: InteractionKind,
    externalId: z.string(),
    accountId: z.string().optional(),
    text: z.string().optional(),
    sentiment: z.number().min(-1).max(1).optional(),
    intent: z.enum(['complaint', 'question', 'praise', 'purchase_intent', 'other']).optional(),
    postId: z.string().optional(),
    parentId: z.string().optional(),
    occurredAt: z.string(),
  })
  .register(apiSchemas, { id: 'Interaction' });

export const TimelineItemView = z
  .object({
    type: z.string().describe('interaction, order, loyalty, ticket, message, ...'),
    occurredAt: z.string(),
  })
  .catchall(z.unknown())
  .register(apiSchemas, { id: 'TimelineItem' });

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).register(apiSchemas, { id });
}

export const TimelinePage = pageOf(TimelineItemView, 'TimelinePage');
export const CustomerPage = pageOf(CustomerView, 'CustomerPage');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).optional(),
});

export const IdentityLookupQuery = z
  .object({
    channel: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    email: z.string().email().optional(),
    phone: z.string().min(3).optional(),
  })
  .refine((q) => (q.channel !== undefined) === (q.externalId !== undefined), {
    message: 'channel and externalId go together',
  })
  .refine((q) => [q.channel, q.email, q.phone].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of channel+externalId, email or phone',
  });
