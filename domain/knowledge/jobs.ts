/**
 * Customer knowledge, the recompute and back-fill jobs: page every customer of the tenant through the stage
 * index, a step at a time, each step handing on to the next through an event.
 */
import type { z } from 'zod';
import { buildEvent, KnowledgeRefreshRequested, Stage as StageEnum, type Stage } from '../../events/catalog.js';
import type { Customer } from '../shared/model.js';
import type { EventPublisher } from '../shared/ports.js';
import { computeTenantStats } from './figures.js';
import { type KnowledgeInputs, type TenantKnowledgeStats } from './inputs.js';
import { type KnowledgePorts, updateCustomerKnowledge } from './updates.js';

// ---------------------------------------------------------------------------------------------------------
// Recompute and back-fill jobs: page every customer of the tenant through the stage index

/** The stages in lifecycle order: a job's chain walks them one after another. */
export const STAGES: readonly Stage[] = StageEnum.options;

export interface StagePartition {
  stage: Stage;
  shard: number;
}

export interface KnowledgeJob {
  jobId: string;
  tenantId: string;
  reason: 'recompute' | 'segment';
  segmentId?: string;
  startedAt: string;
  /** Chains of steps (one per shard of the stage index) and how many finished. */
  partitions: number;
  done: number;
  status: 'running' | 'done';
  finishedAt?: string;
}

export interface KnowledgeJobs {
  /** Shards of each stage in the customer index. */
  readonly stageShards: number;
  create(job: KnowledgeJob): Promise<void>;
  get(tenantId: string, jobId: string): Promise<KnowledgeJob | undefined>;
  /** Marks one partition finished (idempotent); answers the job once every partition is. */
  finishPartition(tenantId: string, jobId: string, partition: string, at: string): Promise<KnowledgeJob | undefined>;
  /** Every customer's inputs, read through the knowledge index (for the tenant's distribution). */
  allInputs(tenantId: string): AsyncIterable<KnowledgeInputs>;
  putStats(tenantId: string, stats: TenantKnowledgeStats): Promise<void>;
  /** One page of a stage partition of the customer index. */
  customersPage(tenantId: string, partition: StagePartition, cursor?: string): Promise<{ customers: Customer[]; next?: string }>;
  /** Claims the right to start the tenant's periodic recompute (at most once per `minutes`). */
  claimRecompute(tenantId: string, now: string, minutes: number): Promise<boolean>;
}

export interface JobPorts extends KnowledgePorts {
  jobs: KnowledgeJobs;
  publisher: EventPublisher;
  ids: { next(): string };
  markSegmentReady(tenantId: string, segmentId: string, at: string): Promise<void>;
}


/** How many customers of the stage index one job step reads per Query page, and refreshes before handing on. */
export const PAGE_SIZE = 50;
export const STEP_BUDGET = 200;
/** Small tenants' distribution is recomputed hourly on activity, large ones daily. */
const RECOMPUTE_AFTER_MS = { small: 3_600_000, large: 86_400_000 };
const SMALL_TENANT = 1000;

function jobEvent(tenantId: string, correlationId: string, eventId: string, now: Date, data: z.input<typeof KnowledgeRefreshRequested.data>) {
  return buildEvent(KnowledgeRefreshRequested, { tenantId, eventId, occurredAt: now.toISOString(), correlationId }, data);
}

/** One chain of steps per shard of the stage index; each chain walks the stages in order. */
function firstSteps(ports: JobPorts, tenantId: string, correlationId: string, jobId: string, now: Date) {
  return Array.from({ length: ports.jobs.stageShards }, (_, shard) =>
    jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId, step: 'partition', partition: { stage: STAGES[0]!, shard } }),
  );
}

async function startJob(
  ports: JobPorts,
  tenantId: string,
  correlationId: string,
  job: Pick<KnowledgeJob, 'reason' | 'segmentId'>,
): Promise<KnowledgeJob> {
  const now = ports.clock.now();
  const created: KnowledgeJob = {
    jobId: ports.ids.next(),
    tenantId,
    ...job,
    startedAt: now.toISOString(),
    partitions: ports.jobs.stageShards,
    done: 0,
    status: 'running',
  };
  await ports.jobs.create(created);
  await ports.publisher.publish(
    job.reason === 'recompute'
      ? [jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId: created.jobId, step: 'thresholds' })]
      : firstSteps(ports, tenantId, correlationId, created.jobId, now),
  );
  return created;
}

/**
 * Recompute the tenant's distribution, then refresh every customer (their RFM scores move with the cuts,
 * their time-relative segment conditions with the days). 1. record the job; 2. publish its first step.
 */
export function requestRecompute(ports: JobPorts, tenantId: string, correlationId: string): Promise<KnowledgeJob> {
  return startJob(ports, tenantId, correlationId, { reason: 'recompute' });
}

/** A new segment: evaluate every existing customer once (live events keep it current from then on). */
export function startSegmentBackfill(ports: JobPorts, tenantId: string, segmentId: string, correlationId: string): Promise<KnowledgeJob> {
  return startJob(ports, tenantId, correlationId, { reason: 'segment', segmentId });
}

/**
 * One step of a job.
 * thresholds: 1. read every customer's inputs through the knowledge index (Query, never Scan); 2. compute
 *   and store the RFM cuts and the tenant's voice; 3. start one chain of partition steps per shard.
 * partition: 1. read pages of the stage index (access pattern 7) from where the chain stands, stage after
 *   stage within the shard; 2. refresh each customer's knowledge and segments; 3. after STEP_BUDGET
 *   customers, publish the next step (a chain never runs long); at the end of the shard, mark it done;
 *   4. when every shard is done, the job is, and a back-filled segment becomes ready.
 */
export async function runJobStep(
  ports: JobPorts,
  tenantId: string,
  correlationId: string,
  step: z.output<typeof KnowledgeRefreshRequested.data>,
): Promise<void> {
  const now = ports.clock.now();
  if (step.step === 'thresholds') {
    const settings = await ports.knowledge.settings(tenantId);
    const all: KnowledgeInputs[] = [];
    for await (const inputs of ports.jobs.allInputs(tenantId)) all.push(inputs);
    await ports.jobs.putStats(tenantId, computeTenantStats(all, settings, now, step.jobId));
    await ports.publisher.publish(firstSteps(ports, tenantId, correlationId, step.jobId, now));
    return;
  }
  if (!step.partition) throw new Error('a partition step needs its partition');
  await ports.segments.forEvaluation(tenantId, true); // this step sees every segment created before it
  let { stage } = step.partition;
  const { shard } = step.partition;
  let cursor = step.cursor;
  let refreshed = 0;
  for (;;) {
    const page = await ports.jobs.customersPage(tenantId, { stage, shard }, cursor);
    const queue = [...page.customers];
    const worker = async () => {
      for (let customer = queue.shift(); customer; customer = queue.shift()) {
        await updateCustomerKnowledge(ports, { tenantId, customerId: customer.id, customer });
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    refreshed += page.customers.length;
    cursor = page.next;
    if (!cursor) {
      const next = STAGES[STAGES.indexOf(stage) + 1];
      if (!next) break;
      stage = next;
    }
    if (refreshed >= STEP_BUDGET) {
      await ports.publisher.publish([
        jobEvent(tenantId, correlationId, ports.ids.next(), now, { jobId: step.jobId, step: 'partition', partition: { stage, shard }, ...(cursor && { cursor }) }),
      ]);
      return;
    }
  }
  const finished = await ports.jobs.finishPartition(tenantId, step.jobId, String(shard), now.toISOString());
  if (finished?.status === 'done' && finished.segmentId) await ports.markSegmentReady(tenantId, finished.segmentId, now.toISOString());
}

/**
 * Keeps the distribution current without a schedule: after an event, when the tenant's stats are missing
 * or older than an hour (small tenants) or a day, one consumer claims the recompute and starts it.
 */
export async function recomputeWhenStale(ports: JobPorts, tenantId: string, correlationId: string): Promise<boolean> {
  const stats = await ports.knowledge.stats(tenantId);
  const now = ports.clock.now();
  const age = stats ? now.getTime() - Date.parse(stats.computedAt) : Number.POSITIVE_INFINITY;
  const limit = !stats || stats.customers < SMALL_TENANT ? RECOMPUTE_AFTER_MS.small : RECOMPUTE_AFTER_MS.large;
  if (age < limit) return false;
  if (!(await ports.jobs.claimRecompute(tenantId, now.toISOString(), limit / 60_000))) return false;
  await requestRecompute(ports, tenantId, correlationId);
  return true;
}
