/**
 * The consent API: the ledger, its changes, the public confirmation and unsubscribe links, and the summary on a
 * customer.
 */
import { z } from 'zod';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CONSENT_STATUSES, EVERY_CHANNEL } from '../../domain/shared/vocabulary.js';
import { apiSchemas } from '../shared/schemas.js';

// ---------------------------------------------------------------------------------------------------------
// Consent (GET/POST /v1/customers/{id}/consents, GET /consent/confirm, GET/POST /unsubscribe) and the
// audit trail (GET /v1/audit)

export const ConsentChannelName = z.enum(CONSENT_CHANNELS);
export const ConsentPurposeName = z.enum(CONSENT_PURPOSES);
const ConsentScopeName = z.enum([...CONSENT_CHANNELS, EVERY_CHANNEL]);
const ConsentStatusName = z.enum(CONSENT_STATUSES);

export const ConsentChangeRequest = z
  .object({
    channel: ConsentScopeName.optional().describe("marketing: the channel; social_profiling: omit or 'all' (it covers every network)"),
    purpose: ConsentPurposeName,
    status: z.enum(['granted', 'withdrawn']),
    source: z
      .union([
        z.string().trim().min(1).max(2048).describe("a form's URL, or any other reference"),
        z
          .object({
            kind: z.enum(['form', 'social_plugin', 'in_store', 'api', 'import', 'other']),
            url: z.url().max(2048).optional().describe("the form's page"),
            reference: z.string().trim().min(1).max(500).optional().describe('a store, a plugin, an import batch...'),
          })
          .strict(),
      ])
      .describe('where the person gave or withdrew consent'),
    statement: z
      .union([
        z.string().trim().min(1).max(100).describe("the statement's version"),
        z
          .object({
            version: z.string().trim().min(1).max(100),
            text: z.string().max(10_000).optional(),
            locale: z.string().max(35).optional(),
          })
          .strict(),
      ])
      .optional()
      .describe('the statement the person was shown'),
    doubleOptIn: z
      .boolean()
      .optional()
      .describe('e-mail marketing grants: default true (pending until the person follows the e-mailed link)'),
  })
  .strict()
  .register(apiSchemas, { id: 'ConsentChangeRequest' });

export const ConsentRecordView = z
  .object({
    id: z.string(),
    customerId: z.string(),
    purpose: ConsentPurposeName,
    channel: ConsentScopeName,
    status: ConsentStatusName,
    at: z.string(),
    source: z.object({ kind: z.string(), url: z.string().optional(), reference: z.string().optional() }),
    statement: z.object({ version: z.string(), text: z.string().optional(), locale: z.string().optional() }).optional(),
    capturedBy: z.object({ kind: z.string().describe('api, webhook, form, link, system'), id: z.string() }),
    doubleOptIn: z.boolean().optional(),
    confirmedAt: z.string().optional(),
    confirmsRecordId: z.string().optional(),
  })
  .register(apiSchemas, { id: 'ConsentRecord' });

export const CurrentConsentView = z
  .object({
    purpose: ConsentPurposeName,
    channel: ConsentScopeName,
    status: ConsentStatusName,
    at: z.string(),
    recordId: z.string(),
    confirmedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'ConsentState' });

export const CustomerConsentsView = z
  .object({
    customerId: z.string(),
    current: z.array(CurrentConsentView).describe('the latest decision per purpose and channel; absent means never asked'),
    history: z.array(ConsentRecordView).describe('every record, newest first'),
  })
  .register(apiSchemas, { id: 'CustomerConsents' });

export const ConsentTokenQuery = z.object({ token: z.string().min(1).max(2048) });

export const ConsentConfirmedView = z
  .object({ confirmed: z.literal(true), purpose: ConsentPurposeName, channel: ConsentScopeName, confirmedAt: z.string() })
  .register(apiSchemas, { id: 'ConsentConfirmed' });

export const UnsubscribedView = z
  .object({
    unsubscribed: z.literal(true),
    purpose: z.literal('marketing'),
    channel: ConsentChannelName,
    changed: z.boolean().describe('false when the consent was already withdrawn'),
  })
  .register(apiSchemas, { id: 'Unsubscribed' });

export const UnsubscribePreviewView = z
  .object({
    purpose: z.literal('marketing'),
    channel: ConsentChannelName,
    method: z.literal('POST'),
    message: z.string(),
  })
  .register(apiSchemas, { id: 'UnsubscribePreview' });

const ConsentStateSummaryView = z.object({ status: ConsentStatusName, at: z.string(), recordId: z.string().optional(), confirmedAt: z.string().optional() });

export const ConsentSummaryView = z
  .object({
    social_profiling: ConsentStateSummaryView.optional(),
    loyalty: ConsentStateSummaryView.optional(),
    marketing: z.record(z.string(), ConsentStateSummaryView).optional(),
  })
  .register(apiSchemas, { id: 'ConsentSummary' });
