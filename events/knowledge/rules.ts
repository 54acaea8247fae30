/**
 * The knowledge context's event rules (spread into events/rules.ts): what changes a customer's figures and
 * segments, and the steps of its jobs.
 */
import { ConsentChanged, CustomerErased, CustomerRegistered, CustomersMerged, CustomerUpdated, InteractionRecorded, KnowledgeRefreshRequested, OrderPlaced, OrderRefunded, OrderStatusChanged, TierChanged } from '../catalog.js';
import { eventsOf } from '../pattern.js';
import type { RuleDeclaration } from '../rules.js';

export const KNOWLEDGE_RULES: readonly RuleDeclaration[] = [
  {
    name: 'CustomerKnowledgeInputs',
    description: "Orders, interactions, consent, tier, profile changes, merges and erasures change a customer's knowledge (RFM, CLV, stage, shares) and segment membership.",
    pattern: eventsOf([
      OrderPlaced,
      OrderRefunded,
      OrderStatusChanged,
      InteractionRecorded,
      ConsentChanged,
      TierChanged,
      CustomersMerged,
      CustomerErased,
      CustomerRegistered,
      CustomerUpdated,
    ]),
    target: { queue: 'customer-knowledge' },
  },
  {
    name: 'CustomerKnowledgeJobs',
    description: 'Steps of knowledge recomputes and segment back-fills, each handing on to the next.',
    pattern: eventsOf([KnowledgeRefreshRequested]),
    target: { queue: 'customer-knowledge' },
  },
];
