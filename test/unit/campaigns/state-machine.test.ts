/**
 * One ASL: what CDK synthesizes is byte for byte what the local runner runs, and it is valid ASL once
 * CloudFormation put the step function's ARN in place of the placeholder.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { CampaignStateMachine } from '../../../infra/contexts/campaigns.js';
import { CAMPAIGN_STATE_MACHINE, CAMPAIGN_STATE_MACHINE_ASL, CAMPAIGN_STEP_ARN_PLACEHOLDER } from '../../../wiring/campaigns/state-machine.js';

function synth() {
  const stack = new Stack(new App(), 'T');
  const fn = (id: string) => new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });
  new CampaignStateMachine(stack, 'CampaignRun', { api: { function: fn('Api') }, step: { function: fn('Step') } });
  return Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> };
}

describe('the campaign state machine', () => {
  const template = synth();
  const [machine] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');

  it('is synthesized from the very JSON the local runner runs (byte for byte)', () => {
    expect(machine!.Properties.DefinitionString).toBe(CAMPAIGN_STATE_MACHINE_ASL);
    expect(Object.keys(machine!.Properties.DefinitionSubstitutions)).toEqual([CAMPAIGN_STEP_ARN_PLACEHOLDER]);
  });

  it('is a Standard workflow with X-Ray tracing and execution logging', () => {
    expect(machine!.Properties.StateMachineType).toBe('STANDARD');
    expect(machine!.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine!.Properties.LoggingConfiguration.Level).toBe('ALL');
  });

  it('is valid ASL with a Lambda ARN in place of the placeholder', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:CampaignStep';
    const definition = JSON.parse(CAMPAIGN_STATE_MACHINE_ASL.replaceAll(`\${${CAMPAIGN_STEP_ARN_PLACEHOLDER}}`, arn));
    expect(() => new StateMachine(definition)).not.toThrow();
  });

  it('costs two state transitions per page: the page Task and the Choice back to it', () => {
    const states = CAMPAIGN_STATE_MACHINE.States;
    expect(states.SendPage.Next).toBe('NextPage?');
    expect(states['NextPage?'].Default).toBe('SendPage');
  });
});
