/**
 * Social interactions: from a platform's event to an interaction on one customer's timeline.
 */
import { buildEvent, InteractionRecorded, InteractionRemoved, type Channel, type InteractionKind } from '../../events/catalog.js';
import type { Customer, Interaction } from '../shared/model.js';
import { resolveCustomer, type IdentityInput } from '../customers/index.js';
import type { CustomerRepository, EventPublisher, IdGenerator, InteractionRepository } from '../shared/ports.js';
import { retentionOfNewInteractions } from '../privacy/index.js';
import type { TextAnalyzer } from './text-analysis.js';

/** What an ingest adapter extracts from a platform payload: platform-neutral. */
export interface SocialSignal {
  channel: Channel;
  kind: InteractionKind;
  externalId: string;
  accountId?: string;
  /** The person who acted, on this channel; `links` are other identities the payload proves (a phone). */
  author: Omit<IdentityInput, 'channel'> & { links?: IdentityInput[] };
  text?: string;
  postId?: string;
  parentId?: string;
  occurredAt: string;
}

import type { Clock } from '../shared/ports.js';

export interface RecordInteractionPorts {
  customers: CustomerRepository;
  interactions: InteractionRepository;
  publisher: EventPublisher;
  analyzer: TextAnalyzer;
  clock: Clock;
  ids: IdGenerator;
  /**
   * Optional: told when other customers also hold one of the person's identities (e.g. the same phone), before
   * the interaction is recorded on `customerId`. Production wires domain/customers/merge.ts `mergeOnSharedIdentity`.
   */
  onConflict?: (conflict: IdentityConflict) => Promise<void>;
}

export interface IdentityConflict {
  tenantId: string;
  correlationId: string;
  /** The customer the interaction is recorded on. */
  customerId: string;
  /** The other customers holding one of the person's identities. */
  conflicts: string[];
}

export interface RecordContext {
  tenantId: string;
  correlationId: string;
}

export type RecordResult = { outcome: 'recorded' | 'duplicate' | 'republished'; interaction: Interaction };

/**
 * Record social signals (one webhook delivery may carry many).
 * 1. analyse the texts in one batch (sentiment, intent);
 * 2. resolve each author to a customer, creating a prospect the first time;
 * 3. store each interaction once on the timeline (redelivery is a no-op); without the person's social_profiling
 *    consent it expires after the tenant's retention period (domain/privacy/retention.ts);
 * 4. publish InteractionRecorded for what is new (or stored but never published), then mark it published.
 * A failure after step 3 leaves the interaction 'unpublished', so the platform's retry publishes it.
 */
export async function recordSocialInteractions(
  ports: RecordInteractionPorts,
  ctx: RecordContext,
  signals: SocialSignal[],
): Promise<RecordResult[]> {
  // all or nothing: an id that cannot be a key refuses the delivery before any person is resolved or made
  for (const s of signals) {
    requireIdLength('externalId', s.externalId);
    requireIdLength('author', s.author.externalId);
    requireIdLength('postId', s.postId);
  }
  const textual = signals.filter((s) => s.text);
  const analyses = textual.length > 0 ? await ports.analyzer.analyze(textual.map((s) => boundedText(s.text as string))) : [];
  const analysisOf = new Map(textual.map((s, i) => [s, analyses[i]]));

  const results: RecordResult[] = [];
  const toPublish: Interaction[] = [];
  const retentionOf = retentionOfNewInteractions(ports, ctx.tenantId);
  for (const signal of signals) {
    const { customerId, customer } = await customerOf(ports, ctx, signal);
    const analysis = analysisOf.get(signal);
    const now = ports.clock.now().toISOString();
    const candidate: Interaction = {
      id: ports.ids.next(),
      tenantId: ctx.tenantId,
      customerId,
      channel: signal.channel,
      kind: signal.kind,
      externalId: signal.externalId,
      ...(signal.accountId !== undefined && { accountId: signal.accountId }),
      ...(signal.text !== undefined && { text: boundedText(signal.text) }),
      ...(analysis && { sentiment: analysis.sentiment, intent: analysis.intent }),
      ...(signal.postId !== undefined && { postId: signal.postId }),
      ...(signal.parentId !== undefined && { parentId: signal.parentId }),
      occurredAt: signal.occurredAt,
      receivedAt: now,
    };
    const { outcome, stored } = await ports.interactions.recordOnce(candidate, await retentionOf(candidate, customer));
    if (outcome === 'duplicate') {
      results.push({ outcome: 'duplicate', interaction: stored });
      continue;
    }
    toPublish.push(stored);
    results.push({ outcome: outcome === 'recorded' ? 'recorded' : 'republished', interaction: stored });
  }

  if (toPublish.length > 0) {
    await ports.publisher.publish(toPublish.map((i) => interactionRecordedEvent(ctx, i)));
    await Promise.all(toPublish.map((i) => ports.interactions.markPublished(i)));
  }
  return results;
}

async function customerOf(ports: RecordInteractionPorts, ctx: RecordContext, signal: SocialSignal): Promise<{ customerId: string; customer?: Customer }> {
  const { links, ...author } = signal.author;
  const { customerId, conflicts, customer } = await resolveCustomer(ports, ctx.tenantId, {
    primary: { channel: signal.channel, ...author },
    ...(links && { links }),
    ...(author.name !== undefined && { displayName: author.name }),
  });
  if (conflicts.length > 0 && ports.onConflict) {
    await ports.onConflict({ ...ctx, customerId, conflicts });
    return { customerId }; // the merge changed the profile
  }
  return { customerId, ...(customer && { customer }) };
}

export type Amendment = { kind: 'edit'; text: string; at: string } | { kind: 'remove'; at: string };

/**
 * The platform reported an edit or a delete of something we stored.
 * 1. find the interaction by its platform id (unknown: nothing to do);
 * 2. edit: new text, analysed again; remove: the text, sentiment and intent are erased (X requires it;
 *    Meta's remove verbs mean the same), the fact that it happened stays on the timeline;
 * 3. replace the stored item. Repeating an amendment gives the same result.
 */
export async function amendInteraction(
  ports: Pick<RecordInteractionPorts, 'interactions' | 'analyzer'> & Partial<Pick<RecordInteractionPorts, 'publisher'>>,
  tenantId: string,
  ref: { channel: string; externalId: string },
  amendment: Amendment,
): Promise<Interaction | undefined> {
  const stored = await ports.interactions.findByExternalId(tenantId, ref.channel, ref.externalId);
  if (!stored) return undefined;
  const { text: _text, sentiment: _sentiment, intent: _intent, ...rest } = stored;
  let next: Interaction;
  if (amendment.kind === 'remove') {
    next = { ...rest, removedAt: stored.removedAt ?? amendment.at };
    // published before the write with a stable id: a retry after a failed write publishes the same event again,
    // and consumers (loyalty reverses the points the interaction earned) apply it once
    if (!stored.removedAt && ports.publisher) {
      await ports.publisher.publish([
        buildEvent(
          InteractionRemoved,
          { tenantId, eventId: `interaction-removed-${stored.id}`, occurredAt: amendment.at, correlationId: `interaction-${stored.id}` },
          { customerId: stored.customerId, interactionId: stored.id, channel: stored.channel, kind: stored.kind, externalId: stored.externalId },
        ),
      ]);
    }
  } else {
    if (stored.removedAt) return stored; // a late edit does not bring deleted text back
    const [analysis] = await ports.analyzer.analyze([amendment.text]);
    next = { ...rest, text: boundedText(amendment.text), ...(analysis && { sentiment: analysis.sentiment, intent: analysis.intent }), editedAt: amendment.at };
  }
  await ports.interactions.replace(next);
  return next;
}

import { interactionRecordedEvent } from '../shared/interaction-recorded.js';
import { boundedText, requireIdLength } from '../shared/limits.js';
export { interactionRecordedEvent };
