/**
 * What the use cases need from the outside world. Adapters (adapters/) implement these on DynamoDB,
 * EventBridge and Secrets Manager; tests hand in fakes.
 */
import type { OutgoingEvent } from '../../events/catalog.js';
import type { AuditEntry, AuditInput, AuditQuery } from '../audit/audit.js';
import type { ConsentRecord } from '../consent/consent.js';
import type { ConsentSummary } from './model.js';
import type { Customer, Identity, Interaction, Page, Tenant, TimelineEntry, YoutubeSubscription } from './model.js';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}

export interface EventPublisher {
  /** Publishes all or throws: a failed entry is an error, never silently dropped. */
  publish(events: OutgoingEvent[]): Promise<void>;
}

export interface TenantDirectory {
  get(tenantId: string): Promise<Tenant | undefined>;
}

/** Webhook secrets of a tenant; each is a list so two can be active during a rotation. */
export interface TenantSecrets {
  meta: { appSecrets: string[]; verifyTokens: string[] };
  x: { consumerSecrets: string[] };
  youtube: { secrets: string[] };
  shopify: { secrets: string[] };
  woocommerce: { secrets: string[] };
  events: { secrets: string[] };
}

export interface SecretStore {
  getTenantSecrets(tenantId: string): Promise<TenantSecrets | undefined>;
}

export interface NewProspect {
  customer: Customer;
  /** The identity whose claim decides a race between two creators. */
  identity: Identity;
  /** Further identities claimed with it (when another customer holds one, the creation fails as a race). */
  otherIdentities?: Identity[];
}

export interface CustomerRepository {
  get(tenantId: string, customerId: string): Promise<Customer | undefined>;
  findIdByIdentity(tenantId: string, channel: string, externalId: string): Promise<string | undefined>;
  /**
   * Creates the customer and claims the identity atomically. When another writer claimed the identity
   * first, answers that customer's id instead (so two concurrent first comments make one customer).
   */
  createWithIdentity(prospect: NewProspect): Promise<{ customerId: string; created: boolean }>;
  /**
   * Claims identities for an existing customer and adds them to its profile. An identity another customer
   * claimed meanwhile is left to that customer (a merge decides later).
   */
  attachIdentities(tenantId: string, customerId: string, identities: Identity[]): Promise<void>;
  /**
   * Updates what the profile shows of identities it already has (handle, name, influence figures), writing
   * only when something changed.
   */
  /** Answers the profile as read (and written, when something changed), if the adapter had to read it. */
  refreshIdentities(tenantId: string, customerId: string, identities: Identity[]): Promise<Customer | undefined | void>;
  /** Ids of customers with a directory key (domain/customers/directory.ts) starting with the folded `prefix`. */
  findIdsByName(tenantId: string, prefix: string, limit: number): Promise<string[]>;
  /** Profiles by id (missing ones left out), in one round trip per 100. */
  getMany(tenantId: string, customerIds: string[]): Promise<Customer[]>;
  /** Newest first; with `type`, only items of that type (a page may hold fewer than `limit`). */
  timeline(tenantId: string, customerId: string, limit: number, cursor?: string, type?: string): Promise<Page<TimelineEntry>>;
}

export type RecordOutcome = 'recorded' | 'duplicate' | 'recorded-unpublished';

/**
 * How long a new interaction is kept: `expiresAt` (epoch seconds, the table's TTL attribute) on the timeline
 * item and its reference when the person has not given social_profiling consent (domain/privacy/retention.ts).
 */
export interface InteractionRetention {
  expiresAt?: number;
}

export interface InteractionRepository {
  /**
   * Stores the interaction on the customer's timeline once per (channel, externalId).
   * 'recorded': new; 'duplicate': stored and published before; 'recorded-unpublished': stored by an
   * earlier delivery whose publish did not complete, so the caller must publish again (the stored
   * interaction, with its original id, is returned).
   */
  recordOnce(interaction: Interaction, retention?: InteractionRetention): Promise<{ outcome: RecordOutcome; stored: Interaction }>;
  /**
   * Days the tenant keeps the interactions of people without social_profiling consent (domain/privacy/retention.ts);
   * a store that does not know answers nothing and the default applies.
   */
  retentionDays?(tenantId: string): Promise<number>;
  markPublished(interaction: Interaction): Promise<void>;
  /** The stored interaction for a platform id, if any. */
  findByExternalId(tenantId: string, channel: string, externalId: string): Promise<Interaction | undefined>;
  /**
   * The stored interaction an InteractionRecorded names: straight from the customer's timeline (one read), or,
   * when a merge has moved it since, through its platform id.
   */
  findRecorded(recorded: RecordedInteractionRef): Promise<Interaction | undefined>;
  /** Replaces the stored interaction (same key: customer, occurredAt, id). */
  replace(interaction: Interaction): Promise<void>;
}

/** What an InteractionRecorded says about where its interaction is kept. */
export interface RecordedInteractionRef {
  tenantId: string;
  customerId: string;
  interactionId: string;
  /** The interaction's own time (the event's occurredAt). */
  occurredAt: string;
  channel: string;
  externalId: string;
}

/** WebSub leases of the tenant's YouTube channel feeds. */
export interface YoutubeSubscriptionRepository {
  /** Records the hub's latest verification of a channel (replaces the previous one). */
  put(subscription: YoutubeSubscription): Promise<void>;
  /** Leases that run out before `before` (ISO 8601), soonest first: what a resubscriber renews. */
  expiringBefore(tenantId: string, before: string, limit?: number): Promise<YoutubeSubscription[]>;
}

/** Which notifications (interaction externalIds) each YouTube video had, so a delete reaches them all. */
export interface YoutubeVideoIndex {
  /** Adds the externalId to the video (idempotent); answers whether the video was already deleted. */
  remember(tenantId: string, videoId: string, channelId: string, externalId: string): Promise<{ deletedAt?: string }>;
  /** Marks the video deleted and answers the externalIds noted for it. */
  markDeleted(tenantId: string, videoId: string, at: string): Promise<string[]>;
}

/** The consent ledger (domain/consent/consent.ts): append-only records in the customer's partition. */
export interface ConsentRepository {
  /**
   * Appends a record; never overwrites one. With `consumeNonce`, marks a link's nonce used in the same
   * write, and answers 'nonce-used' (appending nothing) when it was used before. A record whose id and time
   * are already in the ledger is not written again: 'exists'.
   */
  append(record: ConsentRecord, consumeNonce?: { nonce: string; expiresAt: number }): Promise<'appended' | 'nonce-used' | 'exists'>;
  /** Every record of the customer, oldest first. */
  history(tenantId: string, customerId: string): Promise<ConsentRecord[]>;
  /** Read-modify-write of the profile's consentSummary; undefined when the customer does not exist. */
  updateSummary(
    tenantId: string,
    customerId: string,
    change: (summary: ConsentSummary | undefined) => ConsentSummary,
  ): Promise<Customer | undefined>;
}

export interface EmailMessage {
  tenantId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post for marketing messages). */
  headers?: Record<string, string>;
  /** Non-personal tags for the provider's reports (purpose, campaign id). */
  tags?: Record<string, string>;
}

/** Sends e-mail: SES in AWS, a folder of JSON files (`<dataDir>/outbox/`) locally. */
export interface EmailSender {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/**
 * The audit trail (domain/audit/audit.ts). Use cases call `recordAudit(ports.audit, {...})`, which redacts
 * personal-looking details before `record`; the adapter assigns the entry's id.
 */
export interface AuditLog {
  record(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first; with targetId one target's entries, else the tenant's since `since`; `actor` narrows. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
}
