/**
 * The privacy context's event rules (spread into events/rules.ts): retention that follows consent, and erasure
 * steps.
 */
import { ConsentChanged, CustomersMerged, ErasureRequested } from '../catalog.js';
import { eventsOf } from '../pattern.js';
import type { RuleDeclaration } from '../rules.js';

export const PRIVACY_RULES: readonly RuleDeclaration[] = [
  {
    name: 'SocialProfilingRetention',
    description:
      "A social_profiling consent change re-applies the retention of the person's interactions: kept while granted, expiring after the tenant's retention period otherwise.",
    pattern: eventsOf([ConsentChanged], { data: { purpose: ['social_profiling'] } }),
    target: { queue: 'consent-retention' },
  },
  {
    name: 'MergeRetention',
    description: "A merge moves interactions onto the survivor: their retention follows the survivor's social_profiling consent.",
    pattern: eventsOf([CustomersMerged]),
    target: { queue: 'consent-retention' },
  },
  {
    name: 'ErasureSteps',
    description: 'Steps of an erasure job: each works until its time runs short and hands on to the next.',
    pattern: eventsOf([ErasureRequested]),
    target: { queue: 'erasure' },
  },
];
