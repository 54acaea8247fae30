/** An interaction as stored (a comment, a mention, a DM, a review, ...), and the timeline that shows it. */
import type { Channel, InteractionKind } from './vocabulary.js';

export interface Interaction {
  id: string;
  tenantId: string;
  customerId: string;
  channel: Channel;
  kind: InteractionKind;
  /** The platform's own id for this interaction (comment id, message id), kept exactly as sent. */
  externalId: string;
  /** The brand's account it was addressed to (page id, IG account id, ...). */
  accountId?: string;
  text?: string;
  sentiment?: number;
  intent?: 'complaint' | 'question' | 'praise' | 'purchase_intent' | 'other';
  /** The platform's ids of what this belongs to (post, parent comment), for context. */
  postId?: string;
  parentId?: string;
  occurredAt: string;
  receivedAt: string;
  /** Set when the platform reported an edit. */
  editedAt?: string;
  /** Set when the platform reported a delete: the text is gone, the fact that it happened stays. */
  removedAt?: string;
}

/** A timeline entry as stored; `type` tells which shape `payload` has. */
export type TimelineEntry =
  | { type: 'interaction'; occurredAt: string; item: Interaction }
  | { type: string; occurredAt: string; item: Record<string, unknown> };
