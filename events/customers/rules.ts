/** The customers context's event rules (spread into events/rules.ts). */
import { InteractionRecorded } from '../catalog.js';
import { eventsOf } from '../pattern.js';
import type { RuleDeclaration } from '../rules.js';

export const CUSTOMERS_RULES: readonly RuleDeclaration[] = [
  {
    name: 'InteractionToCustomerActivity',
    description: 'Every recorded interaction updates the customer activity figures (last seen, counts per channel).',
    pattern: eventsOf([InteractionRecorded]),
    target: { queue: 'customer-activity' },
  },
];
