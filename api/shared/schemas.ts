/**
 * What every context's API schemas share: the registry of named schemas (each becomes
 * `#/components/schemas/<id>` in the OpenAPI document), the error body, and lists as `{ items, nextCursor }`.
 */
import { z } from 'zod';

/** Named schemas: each becomes `#/components/schemas/<id>` in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();

export const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .register(apiSchemas, { id: 'Error' });

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).register(apiSchemas, { id });
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).optional(),
});
