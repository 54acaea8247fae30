/**
 * The audit trail API.
 */
import { z } from 'zod';
import { apiSchemas, pageOf } from '../shared/schemas.js';

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe("a user's subject, or <kind>:<name> (link:unsubscribe, webhook:shopify, system:...)"),
    action: z.string().describe('<area>.<verb>: consent.granted, consent.withdrawn, customer.merged, ...'),
    targetId: z.string(),
    targetType: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  })
  .register(apiSchemas, { id: 'AuditEntry' });
export const AuditPage = pageOf(AuditEntryView, 'AuditPage');

export const AuditListQuery = z.object({
  targetId: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  since: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .describe('oldest entry wanted; default: 30 days ago, or all time with targetId'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});
