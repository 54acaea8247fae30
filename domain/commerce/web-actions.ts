/**
 * Loyalty actions the brand's own site or app reports through the signed generic events endpoint (newsletter,
 * survey, quiz, review, video, content, game, referral): each becomes an interaction on channel `web`, the
 * verified path the loyalty engine awards points from (InteractionRecorded).
 */
import { interactionRecordedEvent } from '../shared/interaction-recorded.js';
import { InvalidInput } from '../shared/errors.js';
import { namesGiven, type PersonNames } from '../shared/customer.js';
import type { Interaction } from '../shared/model.js';
import type { EventPublisher, InteractionRepository } from '../shared/ports.js';
import { resolveCustomer, type IdentityInput, type IdentityPorts, type PersonContext } from '../customers/index.js';
import type { InteractionKind } from '../shared/vocabulary.js';
import { retentionOfNewInteractions } from '../privacy/index.js';
import type { TextAnalyzer } from '../social/index.js';
import { boundedText } from '../shared/limits.js';

/** A loyalty action, with the names the site gave (display, given, family): a new customer starts with them. */
export interface WebAction extends PersonNames {
  kind: InteractionKind;
  /** The delivery's id (webhook-id): the interaction's external id, so redelivery records nothing new. */
  externalId: string;
  /** Who acted, first the most trusted identity (site user id, e-mail, phone, cookie id). */
  person: IdentityInput[];
  /** What it was about (survey, quiz, video, product, content, game id). */
  subjectId?: string;
  text?: string;
  occurredAt: string;
}

export interface WebActionPorts extends IdentityPorts {
  interactions: InteractionRepository;
  publisher: EventPublisher;
  analyzer: TextAnalyzer;
}

/**
 * 1. resolve the person (a cookie id alone makes an anonymous prospect);
 * 2. store the interaction on channel `web` once per delivery id (its text, a review's, is analysed);
 * 3. publish InteractionRecorded (the loyalty engine awards points from it), then mark it published;
 *    a failure in between is finished by the redelivery, as for social interactions.
 */
export async function recordWebAction(
  ports: WebActionPorts,
  ctx: PersonContext,
  action: WebAction,
): Promise<{ outcome: 'recorded' | 'duplicate' | 'republished'; interaction: Interaction }> {
  const [primary, ...links] = action.person as [IdentityInput, ...IdentityInput[]];
  if (!primary) throw new InvalidInput('An action needs the person: a user id, e-mail, phone or anonymous id');
  const { customerId } = await resolveCustomer(ports, ctx.tenantId, {
    primary,
    ...(links.length > 0 && { links }),
    ...namesGiven(action),
  });
  const [analysis] = action.text ? await ports.analyzer.analyze([action.text]) : [];
  const candidate: Interaction = {
    id: ports.ids.next(),
    tenantId: ctx.tenantId,
    customerId,
    channel: 'web',
    kind: action.kind,
    externalId: action.externalId,
    ...(action.text !== undefined && { text: boundedText(action.text) }),
    ...(analysis && { sentiment: analysis.sentiment, intent: analysis.intent }),
    ...(action.subjectId !== undefined && { postId: action.subjectId }),
    occurredAt: action.occurredAt,
    receivedAt: ports.clock.now().toISOString(),
  };
  // without social_profiling consent the action is kept for the retention period only (domain/privacy/retention.ts)
  const { outcome, stored } = await ports.interactions.recordOnce(candidate, await retentionOfNewInteractions(ports, ctx.tenantId)(candidate));
  if (outcome === 'duplicate') return { outcome, interaction: stored };
  await ports.publisher.publish([interactionRecordedEvent(ctx, stored)]);
  await ports.interactions.markPublished(stored);
  return { outcome: outcome === 'recorded' ? 'recorded' : 'republished', interaction: stored };
}
