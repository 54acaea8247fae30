/**
 * The customer record and what lands on its timeline. The API schemas (api/schemas.ts) describe the
 * same shapes for clients; these are the stored, internal forms.
 */
import type { Channel, InteractionKind, Stage } from '../events/catalog.js';

export type IdentityChannel = Channel | 'email' | 'phone' | 'anonymous';

/** Reach figures a platform's payload carries about the person (followers, ...), as last seen. */
export interface Influence {
  followers?: number;
  following?: number;
  posts?: number;
  verified?: boolean;
  updatedAt: string;
}

export interface Identity {
  channel: IdentityChannel;
  /** The platform's id (PSID, IG-scoped id, X user id, phone in E.164, lower-cased e-mail, shop customer id...). */
  externalId: string;
  /** What the platform showed: a handle or a display name. */
  handle?: string;
  name?: string;
  influence?: Influence;
  firstSeenAt: string;
}

export interface CustomerActivity {
  lastInteractionAt?: string;
  interactionsByChannel: Record<string, number>;
}

export interface Customer {
  id: string;
  tenantId: string;
  stage: Stage;
  displayName?: string;
  identities: Identity[];
  activity: CustomerActivity;
  createdAt: string;
  updatedAt: string;
}

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

export interface Tenant {
  tenantId: string;
  name: string;
  /** The brand's own connected account ids per network. */
  accounts: Partial<Record<'facebook' | 'instagram' | 'whatsapp' | 'x' | 'youtube', string[]>>;
  /** Accounts the brand watches that are not its own (YouTube channels of creators, ...). */
  watched?: { youtube?: string[] };
  createdAt: string;
}

/** A timeline entry as stored; `type` tells which shape `payload` has. */
export type TimelineEntry =
  | { type: 'interaction'; occurredAt: string; item: Interaction }
  | { type: string; occurredAt: string; item: Record<string, unknown> };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
