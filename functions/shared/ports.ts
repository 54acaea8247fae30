/**
 * The production wiring of the domain's ports, built once per Lambda container.
 */
import { randomUUID } from 'node:crypto';
import { DynamoCustomerRepository } from '../../adapters/customers/index.js';
import { DynamoInteractionRepository } from '../../adapters/social/index.js';
import { DynamoTenantDirectory } from '../../adapters/shared/dynamo-tenants.js';
import { eventPublisher } from '../../adapters/shared/event-publisher.js';
import { secretStore } from '../../adapters/shared/secrets.js';
import { auditLog } from '../../adapters/audit/index.js';
import { consentRepository } from '../../adapters/consent/index.js';
import { DynamoMergeStore } from '../../adapters/customers/index.js';
import { mergeOnSharedIdentity } from '../../domain/customers/index.js';
import type { Clock, IdGenerator } from '../../domain/shared/ports.js';
import { lazyTextAnalyzer } from '../../adapters/social/index.js';

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: IdGenerator = { next: () => randomUUID() };

export const tenants = new DynamoTenantDirectory();
export const customers = new DynamoCustomerRepository();
export const interactions = new DynamoInteractionRepository();
export const merges = new DynamoMergeStore();

/** The lexicon analyzer, loaded on the first text (adapters/social). */
export { lazyTextAnalyzer };

/** Resolved per call, so the local runtime can install its bus and secret store after import. */
export const ports = {
  get publisher() {
    return eventPublisher();
  },
  get secrets() {
    return secretStore();
  },
  analyzer: lazyTextAnalyzer,
  clock: systemClock,
  ids: uuidIds,
  tenants,
  customers,
  interactions,
  merges,
  audit: auditLog,
  /** Two customers turned out to be one person (same phone, e-mail...): merge them. */
  onConflict: (conflict: Parameters<ReturnType<typeof mergeOnSharedIdentity>>[0]) =>
    mergeOnSharedIdentity({ merges, publisher: eventPublisher(), clock: systemClock, audit: auditLog })(conflict),
};

/** What the consent use cases work with (the consent API and the public confirm/unsubscribe links). */
export const consentPorts = () => ({
  customers: ports.customers,
  consents: consentRepository,
  publisher: ports.publisher,
  audit: ports.audit,
  clock: ports.clock,
  ids: ports.ids,
});
