/**
 * The privacy API: export, erasure and the retention setting.
 */
import { z } from 'zod';
import { apiSchemas } from '../shared/schemas.js';

// Privacy: export, erasure and retention (domain/privacy/export.ts, domain/privacy/erasure.ts, domain/privacy/retention.ts)

const ErasureStatus = z.enum(['pending', 'running', 'done']);

export const ErasureAcceptedView = z
  .object({ requestId: z.string(), status: ErasureStatus })
  .register(apiSchemas, { id: 'ErasureAccepted' });

export const ErasureRequestView = z
  .object({
    requestId: z.string(),
    customerId: z.string(),
    status: ErasureStatus,
    phase: z.string().describe('suppress, profiles, partitions, indexed, memberships, verify, done'),
    runs: z.number().int().describe('how many times the erasure was requested (repeating is safe)'),
    requestedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    counts: z.record(z.string(), z.number().int()).describe('items erased per entity type (store/keys.ts ENTITIES names)'),
  })
  .register(apiSchemas, { id: 'ErasureRequest' });

export const CustomerExportView = z
  .object({
    format: z.literal('social-crm.customer-export.v1'),
    customerId: z.string(),
    exportedAt: z.string(),
    sections: z
      .record(z.string(), z.array(z.record(z.string(), z.unknown())))
      .describe('one section per personal entity type of the registry (store/keys.ts ENTITIES), by name'),
  })
  .register(apiSchemas, { id: 'CustomerExport' });

export const PrivacySettingsInput = z
  .object({
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .describe('days the interactions of a person without social_profiling consent are kept (to serve them)'),
  })
  .strict()
  .register(apiSchemas, { id: 'PrivacySettingsInput' });

export const PrivacySettingsView = z
  .object({ retentionDays: z.number().int(), updatedAt: z.string().optional() })
  .register(apiSchemas, { id: 'PrivacySettings' });
