/**
 * The cloud and the local runtime serve the same system: the routes of the HTTP API are the routes the
 * local server compiles, the rules on the bus are the patterns the local bus applies, and the queues are
 * the declared queues with their DLQs. Checked in both directions, so neither side can grow alone.
 */
import { beforeAll, expect, it } from 'vitest';
import { RULES } from '../../events/rules.js';
import { queueNames } from '../../infra/config.js';
import { compileRoutes } from '../../local/http-server.js';
import { QUEUES, type QueueName } from '../../wiring/queues.js';
import { synthesize, type Json, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const sorted = (values: Iterable<string>) => [...values].sort();

it('deploys exactly the routes the local server serves', () => {
  const deployed = s.stateless.resources('AWS::ApiGatewayV2::Route').map((r) => String(r.Properties.RouteKey));
  const local = compileRoutes().map((r) => r.routeKey);
  expect(new Set(deployed).size).toBe(deployed.length);
  expect(sorted(deployed)).toEqual(sorted(local));
});

it('deploys exactly the rule patterns the local bus applies, to the same queues', () => {
  const describe = (pattern: unknown, queue: unknown) => JSON.stringify({ pattern, queue });
  // event rules only: scheduled rules come from wiring/schedules.ts (test/infra/schedules.test.ts)
  const deployed = s.stateless.resources('AWS::Events::Rule').filter((rule) => rule.Properties.EventPattern !== undefined).flatMap((rule) =>
    (rule.Properties.Targets as Json[]).map((target) =>
      describe(rule.Properties.EventPattern, s.producer(target.Arn)?.resource.Properties.QueueName),
    ),
  );
  const local = RULES.map((rule) => describe(rule.pattern, queueNames(rule.target.queue).queue));
  expect(sorted(deployed)).toEqual(sorted(local));
});

it('deploys exactly the declared queues, each with its own DLQ', () => {
  const queues = s.stateful.resources('AWS::SQS::Queue');
  const deployed = queues.map((q) => {
    const dlqRef = (q.Properties.RedrivePolicy as { deadLetterTargetArn?: Json } | undefined)?.deadLetterTargetArn;
    const dlq = dlqRef && queues.find((d) => d.id === (dlqRef['Fn::GetAtt'] as string[])[0]);
    return `${String(q.Properties.QueueName)} -> ${dlq ? String(dlq.Properties.QueueName) : '(none)'}`;
  });
  const declared = (Object.keys(QUEUES) as QueueName[]).flatMap((name) => {
    const names = queueNames(name);
    return [`${names.queue} -> ${names.dlq}`, `${names.dlq} -> (none)`];
  });
  expect(sorted(deployed)).toEqual(sorted(declared));
});
