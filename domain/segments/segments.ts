/**
 * Segments: a rule over what we know of a customer, and the customers it holds, kept current by events.
 *
 * The rule language (JSON, validated by zod):
 *   rule       = { "and": [rule, ...] } | { "or": [rule, ...] } | { "not": rule } | condition
 *   condition  = { "field": <field>, "op": <op>, "value": <value> }
 *   numbers    rfm.recency rfm.frequency rfm.monetary (1–5), shares.voice shares.wallet shares.mind
 *              shares.heart (0–1), daysSinceLastOrder, daysSinceLastInteraction, orders, interactions:
 *              op eq ne gt gte lt lte, value a number
 *   money      clv.historic clv.predictive: same ops, value an exact decimal ("250.00") or a number
 *   choices    stage, rfm.class, churnRisk, tier: op eq ne (one value) or in notIn (a list)
 *   sets       channels (identities and stores), tags: op has (one value), hasAny hasAll hasNone (a list)
 *   consent    consent.social_profiling, consent.marketing (any channel), consent.marketing.<channel>:
 *              op eq ne, value granted withdrawn pending none
 *
 * Evaluation is three-valued: a condition on a figure that is not known (no orders for RFM and CLV, no
 * social profiling consent for the social figures, no tier, quintiles not computed) is UNKNOWN, and
 * and/or/not follow Kleene's logic (not UNKNOWN is UNKNOWN). Only TRUE makes a member, so a rule on social
 * figures never takes in a person without that consent, not even through a `not`.
 */
import { z } from 'zod';
import { Stage } from '../../events/catalog.js';
import { CONSENT_CHANNELS } from '../consent/index.js';
import { Conflict, NotFound } from '../shared/errors.js';
import type { CustomerKnowledge } from '../knowledge/knowledge.js';
import { compareDecimal } from '../shared/money.js';
import type { ConsentSummary, Customer, Page } from '../shared/model.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import { RFM_CLASSES } from '../shared/vocabulary.js';

export const NUMERIC_FIELDS = [
  'rfm.recency',
  'rfm.frequency',
  'rfm.monetary',
  'shares.voice',
  'shares.wallet',
  'shares.mind',
  'shares.heart',
  'daysSinceLastOrder',
  'daysSinceLastInteraction',
  'orders',
  'interactions',
] as const;
export type NumericField = (typeof NUMERIC_FIELDS)[number];
export const MONEY_FIELDS = ['clv.historic', 'clv.predictive'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];
export const CONSENT_FIELDS = ['consent.social_profiling', 'consent.marketing', ...CONSENT_CHANNELS.map((c) => `consent.marketing.${c}` as const)] as const;
export type ConsentField = (typeof CONSENT_FIELDS)[number];
export const CONSENT_VALUES = ['granted', 'withdrawn', 'pending', 'none'] as const;
export type ConsentValue = (typeof CONSENT_VALUES)[number];
export const CHURN_RISKS = ['low', 'medium', 'high'] as const;
/** Channels a customer can be present on: the networks and stores, plus e-mail and phone identities. */
export const PRESENCE_CHANNELS = ['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'web', 'email', 'sms', 'phone'] as const;

const Comparison = z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']);
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'an exact decimal string such as "250.00"');
const MAX_LIST = 50;

function choice<const F extends string, V extends z.ZodType<string>>(field: F, value: V) {
  return z
    .object({ field: z.literal(field), op: z.enum(['eq', 'ne', 'in', 'notIn']), value: z.union([value, z.array(value).min(1).max(MAX_LIST)]) })
    .strict()
    .refine((c: { op: string; value?: unknown }) => Array.isArray(c.value) === (c.op === 'in' || c.op === 'notIn'), {
      message: 'eq and ne take one value; in and notIn take a list',
      path: ['value'],
    });
}

function set<const F extends string, V extends z.ZodType<string>>(field: F, value: V) {
  return z
    .object({ field: z.literal(field), op: z.enum(['has', 'hasAny', 'hasAll', 'hasNone']), value: z.union([value, z.array(value).min(1).max(MAX_LIST)]) })
    .strict()
    .refine((c: { op: string; value?: unknown }) => Array.isArray(c.value) === (c.op !== 'has'), { message: 'has takes one value; hasAny, hasAll and hasNone take a list', path: ['value'] });
}

/** Numbers a rule may compare with: far beyond any figure, well within what DynamoDB stores (38 digits). */
const RuleNumber = z.number().finite().min(-1e15).max(1e15);

export const Condition = z.discriminatedUnion('field', [
  z.object({ field: z.enum(NUMERIC_FIELDS), op: Comparison, value: RuleNumber }).strict(),
  z.object({ field: z.enum(MONEY_FIELDS), op: Comparison, value: z.union([Decimal, RuleNumber]) }).strict(),
  choice('stage', Stage),
  choice('rfm.class', z.enum(RFM_CLASSES)),
  choice('churnRisk', z.enum(CHURN_RISKS)),
  choice('tier', z.string().trim().min(1).max(50)),
  set('channels', z.enum(PRESENCE_CHANNELS)),
  set('tags', z.string().trim().min(1).max(50)),
  z.object({ field: z.enum(CONSENT_FIELDS), op: z.enum(['eq', 'ne']), value: z.enum(CONSENT_VALUES) }).strict(),
]);
export type Condition = z.infer<typeof Condition>;

export type SegmentRule = { and: SegmentRule[] } | { or: SegmentRule[] } | { not: SegmentRule } | Condition;

export const SegmentRule: z.ZodType<SegmentRule> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(SegmentRule).min(1).max(MAX_LIST) }).strict(),
    z.object({ or: z.array(SegmentRule).min(1).max(MAX_LIST) }).strict(),
    z.object({ not: SegmentRule }).strict(),
    Condition,
  ]),
);

export const MAX_RULE_DEPTH = 6;
export const MAX_RULE_CONDITIONS = 50;

function measure(rule: SegmentRule, depth = 1): { depth: number; conditions: number } {
  const children = 'and' in rule ? rule.and : 'or' in rule ? rule.or : 'not' in rule ? [rule.not] : [];
  if (children.length === 0) return { depth, conditions: 1 };
  const sizes = children.map((c) => measure(c, depth + 1));
  return { depth: Math.max(...sizes.map((s) => s.depth)), conditions: sizes.reduce((n, s) => n + s.conditions, 0) };
}

/**
 * How deep a JSON value nests, counted without recursion and given up past `limit`: a rule nested thousands deep
 * must be refused before the recursive schema walks it (that would exhaust the stack).
 */
export function nestingExceeds(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    const next: unknown[] = [];
    for (const v of level) if (v && typeof v === 'object') next.push(...Object.values(v as Record<string, unknown>));
    level = next;
  }
  return false;
}

/** Nesting of a rule's JSON: each and/or level adds two (the object and its list), a condition one more. */
const MAX_JSON_NESTING = 2 * MAX_RULE_DEPTH + 4;

/** A rule as a client sends it: also bounded in depth and size, so evaluation stays cheap per event. */
export const SegmentRuleInput = z
  .unknown()
  .refine((raw) => !nestingExceeds(raw, MAX_JSON_NESTING), `rules nest at most ${MAX_RULE_DEPTH} deep`)
  .pipe(SegmentRule)
  .superRefine((rule, ctx) => {
  const { depth, conditions } = measure(rule);
  if (depth > MAX_RULE_DEPTH) ctx.addIssue({ code: 'custom', message: `rules nest at most ${MAX_RULE_DEPTH} deep` });
  if (conditions > MAX_RULE_CONDITIONS) ctx.addIssue({ code: 'custom', message: `a rule has at most ${MAX_RULE_CONDITIONS} conditions` });
});

// ---------------------------------------------------------------------------------------------------------
// What a rule is evaluated against

export interface SegmentSubject {
  stage: string;
  choices: { 'rfm.class': string | null; churnRisk: string | null; tier: string | null };
  numbers: Record<NumericField, number | null>;
  money: Record<MoneyField, string | null>;
  channels: string[];
  tags: string[];
  consent: Record<ConsentField, ConsentValue>;
}

function consentValue(status: string | undefined): ConsentValue {
  return status === 'granted' || status === 'withdrawn' || status === 'pending' ? status : 'none';
}

/** Any marketing channel: granted beats pending beats withdrawn beats none. */
function anyMarketing(consent: ConsentSummary): ConsentValue {
  const statuses = Object.values(consent.marketing ?? {}).map((s) => s?.status);
  for (const v of ['granted', 'pending', 'withdrawn'] as const) if (statuses.includes(v)) return v;
  return 'none';
}

export function segmentSubject(k: CustomerKnowledge, customer: Pick<Customer, 'tags'>, consent: ConsentSummary): SegmentSubject {
  const rfm = k.rfm.value;
  const consentFields = {
    'consent.social_profiling': consentValue(consent.social_profiling?.status),
    'consent.marketing': anyMarketing(consent),
  } as Record<ConsentField, ConsentValue>;
  for (const c of CONSENT_CHANNELS) consentFields[`consent.marketing.${c}`] = consentValue(consent.marketing?.[c]?.status);
  return {
    stage: k.lifecycle.value?.stage ?? 'prospect',
    choices: { 'rfm.class': rfm?.class ?? null, churnRisk: k.lifecycle.value?.churnRisk ?? null, tier: k.tier },
    numbers: {
      'rfm.recency': rfm?.recency ?? null,
      'rfm.frequency': rfm?.frequency ?? null,
      'rfm.monetary': rfm?.monetary ?? null,
      'shares.voice': k.shares.voice.value,
      'shares.wallet': k.shares.wallet.value,
      'shares.mind': k.shares.mind.value,
      'shares.heart': k.shares.heart.value,
      daysSinceLastOrder: k.orders.daysSinceLastOrder,
      daysSinceLastInteraction: k.interactions?.daysSinceLastInteraction ?? null,
      orders: k.orders.count,
      interactions: k.interactions?.count ?? null,
    },
    money: { 'clv.historic': k.clv.value?.historic.amount ?? null, 'clv.predictive': k.clv.value?.predictive.amount ?? null },
    channels: k.channels,
    tags: customer.tags ?? [],
    consent: consentFields,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

/** true, false, or null for UNKNOWN. */
export type Truth = boolean | null;

function compare(op: z.infer<typeof Comparison>, order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
  }
}

function condition(c: Condition, s: SegmentSubject): Truth {
  const field = c.field;
  if ((NUMERIC_FIELDS as readonly string[]).includes(field)) {
    const actual = s.numbers[field as NumericField];
    return actual === null ? null : compare(c.op as z.infer<typeof Comparison>, Math.sign(actual - (c.value as number)));
  }
  if ((MONEY_FIELDS as readonly string[]).includes(field)) {
    const actual = s.money[field as MoneyField];
    return actual === null ? null : compare(c.op as z.infer<typeof Comparison>, compareDecimal(actual, String(c.value)));
  }
  if ((CONSENT_FIELDS as readonly string[]).includes(field)) {
    const equal = s.consent[field as ConsentField] === c.value;
    return c.op === 'eq' ? equal : !equal;
  }
  if (field === 'channels' || field === 'tags') {
    const have = new Set(s[field]);
    const wanted = Array.isArray(c.value) ? c.value : [c.value as string];
    switch (c.op) {
      case 'has':
      case 'hasAll':
        return wanted.every((v) => have.has(v));
      case 'hasAny':
        return wanted.some((v) => have.has(v));
      case 'hasNone':
        return !wanted.some((v) => have.has(v));
    }
  }
  const actual = field === 'stage' ? s.stage : s.choices[field as keyof SegmentSubject['choices']];
  if (actual === null) return null;
  const values = Array.isArray(c.value) ? c.value : [c.value as string];
  const inList = values.includes(actual);
  return c.op === 'eq' || c.op === 'in' ? inList : !inList;
}

export function evaluateRule(rule: SegmentRule, subject: SegmentSubject): Truth {
  if ('and' in rule) {
    const results = rule.and.map((r) => evaluateRule(r, subject));
    return results.includes(false) ? false : results.includes(null) ? null : true;
  }
  if ('or' in rule) {
    const results = rule.or.map((r) => evaluateRule(r, subject));
    return results.includes(true) ? true : results.includes(null) ? null : false;
  }
  if ('not' in rule) {
    const result = evaluateRule(rule.not, subject);
    return result === null ? null : !result;
  }
  return condition(rule, subject);
}

// ---------------------------------------------------------------------------------------------------------
// Segments and their use cases

export interface SegmentDefinition {
  id: string;
  tenantId: string;
  name: string;
  description?: string;
  rule: SegmentRule;
  /** building: existing customers are still being evaluated (the back-fill job); ready: complete. */
  status: 'building' | 'ready';
  jobId?: string;
  createdAt: string;
  createdBy: string;
  readyAt?: string;
}

/** Every event evaluates all of a tenant's segments for the customer, so they stay few. */
export const MAX_SEGMENTS_PER_TENANT = 20;

export const SegmentInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).optional(),
    rule: SegmentRuleInput,
  })
  .strict();
export type SegmentInput = z.infer<typeof SegmentInput>;

export interface SegmentRepository {
  /** Creates the segment unless the tenant already has `max` of them (answers false then). */
  create(segment: SegmentDefinition, max: number): Promise<boolean>;
  setJob(tenantId: string, segmentId: string, jobId: string): Promise<void>;
  get(tenantId: string, segmentId: string): Promise<SegmentDefinition | undefined>;
  list(tenantId: string): Promise<SegmentDefinition[]>;
  /** Members counted by the segment's counters (kept in the same transactions as the memberships). */
  count(tenantId: string, segmentId: string): Promise<number>;
  /** Member customer ids, paged through the segment's shards with Query. */
  members(tenantId: string, segmentId: string, limit: number, cursor?: string): Promise<Page<string>>;
}

export interface SegmentPorts {
  segments: SegmentRepository;
  customers: { get(tenantId: string, customerId: string): Promise<Customer | undefined> };
  clock: Clock;
  ids: IdGenerator;
  /** Starts the job that evaluates every existing customer against the new segment; answers its id. */
  startBackfill(tenantId: string, segmentId: string): Promise<string>;
}

/**
 * Define a segment. 1. validate the rule (done by the caller's schema); 2. store it as `building`, within
 * the tenant's limit; 3. start its back-fill (live events evaluate it from now on, the back-fill reaches
 * the customers who had no event since).
 */
export async function defineSegment(ports: SegmentPorts, actor: { tenantId: string; subject: string }, input: SegmentInput): Promise<SegmentDefinition> {
  const segment: SegmentDefinition = {
    id: ports.ids.next(),
    tenantId: actor.tenantId,
    name: input.name,
    ...(input.description && { description: input.description }),
    rule: input.rule,
    status: 'building',
    createdAt: ports.clock.now().toISOString(),
    createdBy: actor.subject,
  };
  if (!(await ports.segments.create(segment, MAX_SEGMENTS_PER_TENANT))) {
    throw new Conflict(`A tenant has at most ${MAX_SEGMENTS_PER_TENANT} segments`);
  }
  const jobId = await ports.startBackfill(actor.tenantId, segment.id);
  await ports.segments.setJob(actor.tenantId, segment.id, jobId);
  return { ...segment, jobId };
}

export async function getSegment(ports: Pick<SegmentPorts, 'segments'>, tenantId: string, segmentId: string): Promise<SegmentDefinition> {
  const segment = await ports.segments.get(tenantId, segmentId);
  if (!segment) throw new NotFound('Segment not found');
  return segment;
}

export interface SegmentPreview {
  segmentId: string;
  status: SegmentDefinition['status'];
  count: number;
  sample: { id: string; stage: string; displayName?: string }[];
}

/** The count (from the segment's counters) and a sample of members with their stage. */
export async function previewSegment(
  ports: Pick<SegmentPorts, 'segments' | 'customers'>,
  tenantId: string,
  segmentId: string,
  sampleSize: number,
): Promise<SegmentPreview> {
  const segment = await getSegment(ports, tenantId, segmentId);
  // A sample of 0 (also `sample=` and `-0`) asks for the count alone: a store never receives a limit below 1.
  const wanted = Math.trunc(sampleSize) > 0 ? Math.trunc(sampleSize) : 0;
  const [count, page] = await Promise.all([
    ports.segments.count(tenantId, segmentId),
    wanted > 0 ? ports.segments.members(tenantId, segmentId, wanted) : Promise.resolve({ items: [] as string[] }),
  ]);
  const customers = await Promise.all(page.items.map((id) => ports.customers.get(tenantId, id)));
  return {
    segmentId,
    status: segment.status,
    count,
    sample: customers
      .filter((c): c is Customer => c !== undefined)
      .map((c) => ({ id: c.id, stage: c.stage, ...(c.displayName !== undefined && { displayName: c.displayName }) })),
  };
}

export async function segmentMembers(
  ports: Pick<SegmentPorts, 'segments'>,
  tenantId: string,
  segmentId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<string>> {
  await getSegment(ports, tenantId, segmentId);
  return ports.segments.members(tenantId, segmentId, page.limit, page.cursor);
}
