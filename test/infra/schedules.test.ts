/**
 * Every declared schedule (wiring/schedules.ts) becomes a scheduled EventBridge rule that invokes its function at
 * the declared rate, with permission for events.amazonaws.com to invoke it: the same list the local scheduler runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../wiring/functions.js';
import { SCHEDULES } from '../../wiring/schedules.js';
import { synthesize, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

describe('schedules', () => {
  it('has at least the loyalty expiry job declared', () => {
    expect(SCHEDULES.map((x) => x.name)).toContain('loyalty-expiry');
  });

  it.each(SCHEDULES.map((x) => [x.name, x] as const))('%s: a rate rule targeting its function, allowed to invoke it', (_name, schedule) => {
    const rules = s.stateless.resources('AWS::Events::Rule').filter((r) => r.Properties.ScheduleExpression !== undefined && r.Properties.Description === schedule.description);
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    const [, n, unit] = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(String(rule.Properties.ScheduleExpression))!;
    expect(Number(n) * ({ minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 } as Record<string, number>)[unit!]!).toBe(schedule.everyMinutes);
    const targets = rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] }; RetryPolicy?: { MaximumRetryAttempts: number }; DeadLetterConfig?: unknown }[];
    expect(targets).toHaveLength(1);
    const fnId = targets[0]!.Arn['Fn::GetAtt'][0];
    const fn = s.stateless.resources('AWS::Lambda::Function').find((f) => f.id === fnId);
    expect(String(fn?.Properties.Description)).toContain(FUNCTIONS[schedule.function].entry);
    expect(targets[0]!.RetryPolicy?.MaximumRetryAttempts).toBe(2);
    expect(targets[0]!.DeadLetterConfig).toBeDefined();
    const permissions = s.stateless.resources('AWS::Lambda::Permission').filter((p) => p.Properties.Principal === 'events.amazonaws.com' && JSON.stringify(p.Properties.FunctionName).includes(fnId));
    expect(permissions.length).toBeGreaterThan(0);
  });
});
