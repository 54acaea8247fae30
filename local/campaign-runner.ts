/**
 * The campaign state machine on one machine: the ASL of wiring/campaigns/state-machine.ts run by
 * aws-local-stepfunctions, each Task overridden to invoke the same handler the Lambda runs. Every Task's output is
 * written under `<dataDir>/executions/`, so a restarted `npm start` resumes each unfinished run from its last
 * completed step (the steps are idempotent: the page in hand is run again, and its ledger sends nothing twice).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { CampaignRunner } from '../domain/campaigns/document.js';
import { CAMPAIGN_STATE_MACHINE_ASL, CAMPAIGN_TASK_STATES } from '../wiring/campaigns/state-machine.js';
import { FUNCTIONS } from '../wiring/functions.js';
import { setCampaignRunner } from '../adapters/campaigns/runner.js';
import { invokeWithTimeout } from './lambda-context.js';

interface ExecutionRecord {
  executionId: string;
  input: Record<string, unknown>;
  /** The output of the last Task that completed: where a resumed run starts. */
  lastState?: Record<string, unknown>;
  status: 'running' | 'succeeded' | 'failed' | 'stopped';
  /** States entered so far (Step Functions bills each as a state transition). */
  transitions?: number;
  error?: string;
}

export class LocalCampaignRunner implements CampaignRunner {
  // the Resource is the ${CampaignStepArn} placeholder CloudFormation substitutes; the schema is checked with an ARN
  // in its place by test/unit/campaigns/state-machine.test.ts
  private readonly machine = new StateMachine(JSON.parse(CAMPAIGN_STATE_MACHINE_ASL), { validationOptions: { noValidate: true } });
  private readonly running = new Map<string, { abort: () => void; done: Promise<unknown> }>();
  private readonly directory: string;
  private stopping = false;

  constructor(dataDir: string, private readonly options: { retryIntervalMs?: number } = {}) {
    this.directory = join(dataDir, 'executions');
    mkdirSync(this.directory, { recursive: true });
  }

  async start(input: { tenantId: string; campaignId: string; startAt: string; correlationId: string }): Promise<{ executionId: string }> {
    const executionId = `local:${input.tenantId}:${input.campaignId}`;
    const existing = this.read(executionId);
    if (existing) return { executionId }; // one run per campaign, as an execution name is in Step Functions
    const record: ExecutionRecord = { executionId, input, status: 'running' };
    this.write(record);
    this.execute(record, input);
    return { executionId };
  }

  async stop(executionId: string): Promise<void> {
    this.running.get(executionId)?.abort();
    const record = this.read(executionId);
    if (record && record.status === 'running') this.write({ ...record, status: 'stopped' });
  }

  /** Resumes every run that had not finished when the runtime stopped. */
  resumeUnfinished(): number {
    let resumed = 0;
    for (const file of readdirSync(this.directory)) {
      const record = JSON.parse(readFileSync(join(this.directory, file), 'utf8')) as ExecutionRecord;
      if (record.status !== 'running' || this.running.has(record.executionId)) continue;
      this.execute(record, record.lastState ? { ...record.lastState, resume: true } : record.input);
      resumed++;
    }
    return resumed;
  }

  /** Resolves when no run is between steps any more (tests wait for a run's end through the API instead). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Aborts the runs in this process without marking them finished: the next start resumes them. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const r of this.running.values()) r.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private execute(record: ExecutionRecord, input: Record<string, unknown>): void {
    const taskResourceLocalHandlers = Object.fromEntries(
      CAMPAIGN_TASK_STATES.map((state) => [
        state,
        async (taskInput: unknown) => {
          const output = (await invokeWithTimeout(FUNCTIONS.campaignStep, taskInput)) as Record<string, unknown>;
          if (!this.stopping) this.write({ ...this.read(record.executionId)!, lastState: output, transitions });
          return output as never;
        },
      ]),
    );
    const retryIntervalOverrides = this.options.retryIntervalMs === undefined ? undefined : Object.fromEntries(CAMPAIGN_TASK_STATES.map((s) => [s, this.options.retryIntervalMs!]));
    let transitions = record.transitions ?? 0;
    const execution = this.machine.run(input as never, { overrides: { taskResourceLocalHandlers, ...(retryIntervalOverrides && { retryIntervalOverrides }) }, noThrowOnAbort: true });
    const done = execution.result
      .then((result) => {
        if (result !== null && !this.stopping) this.write({ ...this.read(record.executionId)!, status: 'succeeded' });
      })
      .catch((error: Error) => {
        if (!this.stopping) this.write({ ...this.read(record.executionId)!, status: 'failed', error: error.message });
      })
      .finally(() => this.running.delete(record.executionId));
    void (async () => {
      for await (const event of execution.eventLogs) if (event.type === 'StateEntered') transitions++;
    })().catch(() => undefined);
    this.running.set(record.executionId, { abort: execution.abort, done });
  }

  private file(executionId: string): string {
    return join(this.directory, `${executionId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  read(executionId: string): ExecutionRecord | undefined {
    const file = this.file(executionId);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord) : undefined;
  }

  private write(record: ExecutionRecord): void {
    writeFileSync(this.file(record.executionId), JSON.stringify(record, null, 2));
  }
}

/** Installs the local runner as the campaign runner port and resumes unfinished runs; `stop` for the runtime's stop. */
export function startCampaignRunner(dataDir: string): { runner: LocalCampaignRunner; stop(): Promise<void> } {
  const runner = new LocalCampaignRunner(dataDir, { retryIntervalMs: Number(process.env.CAMPAIGN_RETRY_INTERVAL_MS) || undefined });
  setCampaignRunner(runner);
  runner.resumeUnfinished();
  return {
    runner,
    stop: async () => {
      await runner.shutdown();
      setCampaignRunner(undefined);
    },
  };
}
