/**
 * What the meter needs from the wiring: the feature of each function (by its metering name) and how many
 * queues the bus routes an event to (the same rules the CDK stack deploys and the local bus applies).
 */
import { RULES } from '../../events/rules.js';
import { FUNCTIONS } from '../functions.js';
import { matchesEventPattern } from '../../local/event-pattern.js';
import { featureOf } from './features.js';

const featureById = new Map<string, string>(Object.values(FUNCTIONS).map((f) => [f.id, featureOf(f)]));

export function featureOfFunction(functionName: string): string {
  return featureById.get(functionName) ?? 'api';
}

/** SQS sends an event causes: one per rule whose pattern matches it and whose target is a queue. */
export function queueTargetsOf(event: { source: string; detailType: string; detail: unknown }): number {
  const wrapped = { source: event.source, 'detail-type': event.detailType, detail: event.detail };
  return RULES.filter((r) => r.target.queue && matchesEventPattern(r.pattern, wrapped)).length;
}
