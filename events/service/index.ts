/**
 * Events of the service context beyond the core catalogue's (TicketOpened, TicketRouted, TicketResolved, SlaBreached).
 */
import { z } from 'zod';
import { EventMetadata, Sources, type EventDefinition } from '../catalog.js';

function define<S extends z.ZodType>(detailType: string, version: number, data: S): EventDefinition<S> {
  return { detailType, source: Sources.service, version, data, detail: z.object({ metadata: EventMetadata, data }) };
}

/** A clock will pass its due time shortly (the policy's warnBeforeMinutes, in business time). */
export const SlaWarning = define(
  'SlaWarning',
  1,
  z.object({
    customerId: z.string().min(1),
    ticketId: z.string(),
    queue: z.string(),
    clock: z.enum(['first_response', 'next_response', 'resolution']),
    dueAt: z.string(),
  }),
);

export const SERVICE_EVENTS = [SlaWarning] as const;
