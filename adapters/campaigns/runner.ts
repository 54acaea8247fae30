/**
 * The campaign runner port: Step Functions in AWS (StartExecution of CAMPAIGN_STATE_MACHINE_ARN, named by the
 * campaign and its launch so a repeated launch cannot start a second run), the local runner when the local runtime
 * set one (local/campaign-runner.ts).
 */
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { CampaignRunner } from '../../domain/campaigns/document.js';

let override: CampaignRunner | undefined;
let sfn: SFNClient | undefined;

export function setCampaignRunner(runner: CampaignRunner | undefined): void {
  override = runner;
}

const stepFunctionsRunner: CampaignRunner = {
  async start(input) {
    const stateMachineArn = process.env.CAMPAIGN_STATE_MACHINE_ARN;
    if (!stateMachineArn) throw new Error('CAMPAIGN_STATE_MACHINE_ARN is not set');
    sfn ??= new SFNClient({});
    const name = `${input.tenantId}-${input.campaignId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { executionId: out.executionArn! };
  },
  async stop(executionId, reason) {
    sfn ??= new SFNClient({});
    await sfn.send(new StopExecutionCommand({ executionArn: executionId, cause: reason }));
  },
};

export function campaignRunner(): CampaignRunner {
  return override ?? stepFunctionsRunner;
}
