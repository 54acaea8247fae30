/**
 * The customer knowledge API: every figure answers { value, inputs, formula }; settings, stats, jobs and
 * recommendations.
 */
import { z } from 'zod';
import { Stage } from '../../events/catalog.js';
import { RFM_CLASSES } from '../../domain/knowledge/rfm.js';
import { apiSchemas } from '../shared/schemas.js';

// ---------------------------------------------------------------------------------------------------------
// Customer knowledge, segments and recommendations (domain/knowledge/, domain/segments/segments.ts,
// domain/knowledge/recommendations.ts): every figure answers { value, inputs, formula }.

const MoneyView = z.object({ amount: z.string(), currency: z.string() });

function figureOf<V extends z.ZodType>(value: V) {
  return z.object({
    value: value.nullable(),
    inputs: z.record(z.string(), z.unknown()).describe('what the value was computed from (thresholds included)'),
    formula: z.string(),
    note: z.string().optional().describe('why the value is null, when it is'),
  });
}

export const KnowledgeView = z
  .object({
    computedAt: z.string(),
    socialProfiling: z.boolean().describe('false: interactions count in no figure, segment or audience'),
    orders: z.object({
      count: z.number().int(),
      notCounted: z.number().int(),
      netSpend: MoneyView.nullable(),
      otherCurrencies: z.record(z.string(), z.string()),
      firstOrderAt: z.string().nullable(),
      lastOrderAt: z.string().nullable(),
      daysSinceLastOrder: z.number().int().nullable(),
      products: z.number().int(),
    }),
    interactions: z
      .object({
        count: z.number().int(),
        byKind: z.record(z.string(), z.number()),
        byChannel: z.record(z.string(), z.number()),
        lastInteractionAt: z.string().nullable(),
        daysSinceLastInteraction: z.number().int().nullable(),
      })
      .nullable(),
    rfm: figureOf(
      z.object({
        recency: z.number().int().min(1).max(5),
        frequency: z.number().int().min(1).max(5),
        monetary: z.number().int().min(1).max(5),
        class: z.enum(RFM_CLASSES),
      }),
    ),
    clv: figureOf(z.object({ historic: MoneyView, predictive: MoneyView })),
    lifecycle: figureOf(z.object({ stage: Stage, churnRisk: z.enum(['low', 'medium', 'high']).nullable() })),
    shares: z.object({ voice: figureOf(z.number()), wallet: figureOf(z.number()), mind: figureOf(z.number()), heart: figureOf(z.number()) }),
    channels: z.array(z.string()),
    tier: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'CustomerKnowledge' });

export const KnowledgeSettingsInput = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code').optional(),
    brandKeywords: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    competitorKeywords: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
    categorySpendEstimate: z
      .object({ amount: z.string().regex(/^\d+(\.\d+)?$/, 'a positive exact decimal such as "1200.00"'), currency: z.string().regex(/^[A-Z]{3}$/) })
      .strict()
      .optional()
      .describe("what one customer spends a year in the brand's category, anywhere (Share of Wallet)"),
    expectedLifetimeYears: z.number().positive().max(50).default(3).describe('for the predictive CLV'),
  })
  .strict()
  .register(apiSchemas, { id: 'KnowledgeSettingsInput' });

export const KnowledgeSettingsView = z
  .object({
    currency: z.string().optional(),
    brandKeywords: z.array(z.string()),
    competitorKeywords: z.array(z.string()),
    categorySpendEstimate: MoneyView.optional(),
    expectedLifetimeYears: z.number(),
    updatedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'KnowledgeSettings' });

export const KnowledgeJobView = z
  .object({
    jobId: z.string(),
    reason: z.enum(['recompute', 'segment']),
    segmentId: z.string().optional(),
    status: z.enum(['running', 'done']),
    partitions: z.number().int(),
    done: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .register(apiSchemas, { id: 'KnowledgeJob' });

export const KnowledgeStatsView = z
  .object({
    computedAt: z.string().nullable(),
    customers: z.number().int(),
    rfm: z
      .object({
        recency: z.array(z.string()).describe('last-order dates: cuts at the 20th, 40th, 60th, 80th percentile'),
        frequency: z.array(z.number()),
        monetary: z.array(z.string()),
        currency: z.string(),
        buyers: z.number().int(),
        computedAt: z.string(),
      })
      .nullable(),
    voice: z.object({ total: z.number(), customers: z.number().int() }),
  })
  .register(apiSchemas, { id: 'KnowledgeStats' });

export const RecommendationQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

export const RecommendationView = z
  .object({
    productId: z.string(),
    kind: z.enum(['cross-sell', 'up-sell']),
    score: z.number().int().describe('Σ over owned products of the customers who bought both'),
    price: MoneyView.nullable(),
    because: z.array(
      z.object({ productId: z.string(), customers: z.number().int(), buyers: z.number().int(), confidence: z.number() }),
    ),
  })
  .register(apiSchemas, { id: 'Recommendation' });

export const RecommendationPage = z
  .object({ items: z.array(RecommendationView), nextCursor: z.null(), basedOn: z.array(z.string()).describe('owned products considered, newest first') })
  .register(apiSchemas, { id: 'RecommendationPage' });

// ---------------------------------------------------------------------------------------------------------
