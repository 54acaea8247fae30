/**
 * The campaign state machine in AWS: the ASL of wiring/campaigns/state-machine.ts as is (DefinitionString), the
 * step function's ARN substituted by CloudFormation (DefinitionSubstitutions), a Standard workflow with X-Ray
 * tracing and execution logging; the campaigns API may start and stop it, the step function may send SMS.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
    // SMS through End User Messaging, from the account's origination identities
    props.step.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [Stack.of(this).formatArn({ service: 'sms-voice', resource: 'phone-number', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );

    const policyOf = (role: iam.IRole | undefined) => role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild ?? role;
    Validations.of(policyOf(props.api.function.role)!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as never)}.Name>:*]`,
      reason: 'Cancel stops the executions of the one campaign state machine; their names are only known at launch.',
    });
    Validations.of(policyOf(this.stateMachine.role)!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing of the state machine needs xray:PutTraceSegments and GetSampling*, which X-Ray grants on "*" only; log delivery needs logs:*Delivery on "*".',
    });
    Validations.of(policyOf(this.stateMachine.role)!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(props.step.function).getLogicalId(props.step.function.node.defaultChild as never)}.Arn>:*]`,
      reason: 'Invoking the step function grants its versions and aliases too (CDK grantInvoke): the one function the machine runs.',
    });
    Validations.of(policyOf(props.step.function.role)!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:phone-number/*]',
      reason: "SMS leave from the account's origination numbers, chosen per message by End User Messaging; no other SMS action is allowed.",
    });
    Validations.of(props.step.function.node.defaultChild!).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by the state machine only: a failed Task is retried by the state machine and its failure recorded in the execution history.',
    });
  }
}
