/**
 * The campaign state machine's Task handler (wiring/campaigns/state-machine.ts): one entry, the action named by
 * the state's Parameters. Every action is idempotent, so Step Functions may retry any of them.
 */
import { z } from 'zod';
import { completeRun, measureRun, prepareRun, runPage, type RunState } from '../../domain/campaigns/run.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import type { Context } from 'aws-lambda';
import { meteredJob } from '../shared/chain.js';
import { logger } from '../shared/powertools.js';
import { runPorts } from './ports.js';

const State = z.looseObject({ tenantId: z.string().min(1), campaignId: z.string().min(1), correlationId: z.string().default('campaign-run') });
const Input = z.object({ action: z.enum(['prepare', 'page', 'complete', 'measure']), state: State });

export async function handler(event: unknown, context?: Context): Promise<RunState> {
  const { action, state } = Input.parse(event);
  logger.appendKeys({ tenantId: state.tenantId, campaignId: state.campaignId, action });
  return meteredJob(FUNCTIONS.campaignStep.id, context, { tenantId: state.tenantId, campaignId: state.campaignId }, async () => {
      const ports = await runPorts(typeof state.linkBase === 'string' ? state.linkBase : undefined);
      const s = state as unknown as RunState;
      switch (action) {
        case 'prepare':
          return prepareRun(ports, { tenantId: s.tenantId, campaignId: s.campaignId, correlationId: s.correlationId, ...(s.linkBase && { linkBase: s.linkBase }) });
        case 'page':
          return runPage(ports, s);
        case 'complete':
          return completeRun(ports, s);
        case 'measure':
          return measureRun(ports, s);
      }
    });
}
