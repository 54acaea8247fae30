/**
 * What the use cases need from the outside world. Adapters (adapters/) implement these on DynamoDB,
 * EventBridge and Secrets Manager; tests hand in fakes.
 */
import type { OutgoingEvent } from '../events/catalog.js';
import type { Customer, Identity, Interaction, Page, Tenant, TimelineEntry } from './model.js';

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
  timeline(tenantId: string, customerId: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>>;
}

export type RecordOutcome = 'recorded' | 'duplicate' | 'recorded-unpublished';

export interface InteractionRepository {
  /**
   * Stores the interaction on the customer's timeline once per (channel, externalId).
   * 'recorded': new; 'duplicate': stored and published before; 'recorded-unpublished': stored by an
   * earlier delivery whose publish did not complete, so the caller must publish again (the stored
   * interaction, with its original id, is returned).
   */
  recordOnce(interaction: Interaction): Promise<{ outcome: RecordOutcome; stored: Interaction }>;
  markPublished(interaction: Interaction): Promise<void>;
  /** The stored interaction for a platform id, if any. */
  findByExternalId(tenantId: string, channel: string, externalId: string): Promise<Interaction | undefined>;
  /** Replaces the stored interaction (same key: customer, occurredAt, id). */
  replace(interaction: Interaction): Promise<void>;
}
