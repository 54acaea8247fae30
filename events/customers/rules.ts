/**
 * The customers context's event rules (spread into events/rules.ts). None of its own: the activity figures
 * (last seen, counts per channel) ride on the knowledge consumer's InteractionRecorded (events/knowledge/rules.ts).
 */
import type { RuleDeclaration } from '../rules.js';

export const CUSTOMERS_RULES: readonly RuleDeclaration[] = [];
