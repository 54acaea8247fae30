/**
 * The production wiring of the domain's ports, built once per Lambda container.
 */
import { randomUUID } from 'node:crypto';
import { DynamoCustomerRepository, DynamoInteractionRepository, DynamoTenantDirectory } from '../../adapters/customers/index.js';
import { eventPublisher } from '../../adapters/shared/event-publisher.js';
import { secretStore } from '../../adapters/shared/secrets.js';
import { lexiconTextAnalyzer } from '../../adapters/social/index.js';
import { auditLog } from '../../adapters/audit/index.js';
import { consentRepository } from '../../adapters/consent/index.js';
import { DynamoMergeStore } from '../../adapters/customers/index.js';
import { mergeOnSharedIdentity } from '../../domain/customers/index.js';
import type { Clock, IdGenerator } from '../../domain/shared/ports.js';

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: IdGenerator = { next: () => randomUUID() };

export const tenants = new DynamoTenantDirectory();
export const customers = new DynamoCustomerRepository();
export const interactions = new DynamoInteractionRepository();
export const merges = new DynamoMergeStore();

/** Resolved per call, so the local runtime can install its bus and secret store after import. */
export const ports = {
  get publisher() {
    return eventPublisher();
  },
  get secrets() {
    return secretStore();
  },
  analyzer: lexiconTextAnalyzer,
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
