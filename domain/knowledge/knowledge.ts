/**
 * Customer knowledge: what marketing needs to know about each customer, kept current by events. The parts:
 * inputs.ts (the record), apply.ts (events into inputs), figures.ts, updates.ts (ports, use cases), jobs.ts.
 *
 * Each customer has one knowledge record holding the raw, explainable INPUTS (orders with their totals and
 * refunds as exact decimals, products bought, interaction counts by kind and channel, recency-weighted
 * sentiment and passion, brand and competitor mentions, consent, tier, reach) and the segments the customer
 * is in. Every FIGURE (RFM, CLV, lifecycle stage and churn risk, the four shares) is computed from those
 * inputs, the tenant's settings and the tenant's last-recomputed distribution, whenever it is needed; the
 * API answers each as `{ value, inputs, formula }`.
 *
 * Consent gate: without the person's social_profiling consent their interactions are still counted into
 * the inputs (they are the retained history, on the timeline anyway), but no figure, segment or audience
 * uses them: the social figures answer null with a note, and the stage cannot be advocate. Granting the
 * consent makes the whole retained history count at once; withdrawing it stops that at once (ConsentChanged
 * recomputes the customer and their segment membership). Orders count regardless (the store's legal basis).
 */
export * from './inputs.js';
export * from './apply.js';
export * from './figures.js';
export * from './updates.js';
export * from './jobs.js';
export type { Figure } from '../social/index.js';
