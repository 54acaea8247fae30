/**
 * The campaign state machine in AWS: the ASL of wiring/campaigns/state-machine.ts as is (DefinitionString), the
 * step function's ARN substituted by CloudFormation (DefinitionSubstitutions), a Standard workflow with X-Ray
 * tracing and execution logging; the campaigns API may start and stop it, the step function may send SMS.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CAMPAIGN_STATE_MACHINE_ASL, CAMPAIGN_STEP_ARN_PLACEHOLDER } from '../../wiring/campaigns/state-machine.js';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';

export interface CampaignsProps {
  /** The house functions' Lambda functions (or any function, in a test). */
  api: { function: LambdaFunction };
  step: { function: LambdaFunction };
}

export class CampaignStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: CampaignsProps) {
    super(scope, id);
    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'Run', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(CAMPAIGN_STATE_MACHINE_ASL),
      definitionSubstitutions: { [CAMPAIGN_STEP_ARN_PLACEHOLDER]: props.step.function.functionArn },
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      // a run may wait for its start and for the attribution window (up to 90 days): within Standard's one year
      timeout: Duration.days(365),
    });
    props.step.function.grantInvoke(this.stateMachine);
    this.stateMachine.grantStartExecution(props.api.function);
    props.api.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:StopExecution'],
        resources: [Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    props.api.function.addEnvironment('CAMPAIGN_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    // SMS (End User Messaging) and WhatsApp (a Cloud API token in the tenant's secret) for the step function
    props.step.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources: ['*'] }));
  }
}
