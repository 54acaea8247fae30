/**
 * The campaign state machine, declared once. CDK synthesizes it as is (DefinitionString, with the step function's
 * ARN substituted by CloudFormation through DefinitionSubstitutions); the local runtime runs the very same JSON
 * with aws-local-stepfunctions, each Task overridden to invoke the same handler (test/unit/campaigns: equal bytes).
 *
 *   Start ──▶ Resume? ──no──▶ WaitForStart ──▶ Prepare ──▶ NextPage? ◀──────────────┐
 *                │                                            │ done        │ more  │
 *                └──yes (a resumed run) ─────────────────────▶│             ▼       │
 *                                                             │          SendPage ──┘
 *                                                             │ resumeAt ▲
 *                                                             ├──▶ WaitForQuietHoursEnd
 *                                                             ▼
 *                                    Complete ──▶ WaitForAttribution ──▶ Measure ──▶ End
 *
 * Two state transitions per page of 1,000 recipients (SendPage, NextPage?).
 */
export const CAMPAIGN_STEP_ARN_PLACEHOLDER = 'CampaignStepArn';

const retry = [
  // every step is idempotent (the ledger, the page cursor), so any failure may be retried
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
];

function task(action: string, next: string) {
  return {
    Type: 'Task',
    Resource: `\${${CAMPAIGN_STEP_ARN_PLACEHOLDER}}`,
    Parameters: { action, 'state.$': '$' },
    TimeoutSeconds: 330,
    Retry: retry,
    Next: next,
  };
}

export const CAMPAIGN_STATE_MACHINE = {
  Comment: 'A campaign run: wait for the start, snapshot the audience, page through it (1,000 recipients a page), complete, measure after the attribution window',
  StartAt: 'Resume?',
  States: {
    'Resume?': { Type: 'Choice', Choices: [{ Variable: '$.resume', IsPresent: true, Next: 'NextPage?' }], Default: 'WaitForStart' },
    WaitForStart: { Type: 'Wait', TimestampPath: '$.startAt', Next: 'Prepare' },
    Prepare: task('prepare', 'NextPage?'),
    'NextPage?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.done', BooleanEquals: true, Next: 'Complete' },
        { Variable: '$.resumeAt', IsPresent: true, Next: 'WaitForQuietHoursEnd' },
      ],
      Default: 'SendPage',
    },
    WaitForQuietHoursEnd: { Type: 'Wait', TimestampPath: '$.resumeAt', Next: 'SendPage' },
    SendPage: task('page', 'NextPage?'),
    Complete: task('complete', 'WaitForAttribution'),
    WaitForAttribution: { Type: 'Wait', TimestampPath: '$.measureAt', Next: 'Measure' },
    Measure: { ...task('measure', 'Done'), Next: undefined, End: true },
  },
} as const;

/** The ASL, exactly as deployed and as run locally. */
export const CAMPAIGN_STATE_MACHINE_ASL: string = JSON.stringify(CAMPAIGN_STATE_MACHINE);

/** The Task states and what each does (the local runner maps them to the handler). */
export const CAMPAIGN_TASK_STATES = ['Prepare', 'SendPage', 'Complete', 'Measure'] as const;
