/**
 * Export (the right of access): everything held about a person as one JSON document.
 *
 * The document has one section per personal entity type of the registry (store/keys.ts ENTITIES, named
 * as there), read by the same strategies erasure deletes with (adapters/privacy/dynamo-erasure.ts): the profile and
 * merged-away records, identities, the timeline (interactions, orders, loyalty, tickets... by `type`), the
 * interactions' references, orders, outbound messages, webhook deliveries naming them, consents and used
 * consent links, knowledge and segment memberships, audit entries about them, suppression tombstones of
 * their identities. Internal keys are left out; an item's TTL shows as `retainedUntil`; what has expired is
 * gone already for every reader, so it is not exported.
 */
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { Conflict, NotFound } from '../shared/errors.js';
import type { Customer } from '../shared/model.js';
import type { AuditLog, Clock } from '../shared/ports.js';

export const EXPORT_FORMAT = 'social-crm.customer-export.v1';

export type ExportSections = Record<string, Record<string, unknown>[]>;

export interface CustomerExport {
  format: typeof EXPORT_FORMAT;
  customerId: string;
  exportedAt: string;
  sections: ExportSections;
}

export interface PersonalDataReader {
  /** The customer and every customer merged into it (mergedFrom, transitively), as stored. */
  person(tenantId: string, customerId: string): Promise<Customer[]>;
  /** Every personal entity type's items of these customers (each type present, empty when none). */
  collect(tenantId: string, profiles: Customer[], now: Date): Promise<ExportSections>;
}

/**
 * An admin exports a customer (GET /v1/customers/{id}/export).
 * 1. load the person: the customer (404) and the records merged into it; a merged-away record answers 409
 *    naming the person's current record;
 * 2. read every section; 3. audit the export (the counts per section, no content); 4. answer the document.
 */
export async function exportCustomer(
  ports: { reader: PersonalDataReader; audit: AuditLog; clock: Clock },
  ctx: { tenantId: string; actor: string },
  customerId: string,
): Promise<CustomerExport> {
  const profiles = await ports.reader.person(ctx.tenantId, customerId);
  const [customer] = profiles;
  if (!customer) throw new NotFound('Customer not found');
  if (customer.mergedInto) {
    throw new Conflict(`Customer ${customerId} was merged into ${customer.mergedInto}: export that customer`, { mergedInto: customer.mergedInto });
  }
  const now = ports.clock.now();
  const sections = await ports.reader.collect(ctx.tenantId, profiles, now);
  const exportedAt = now.toISOString();
  await recordAudit(ports.audit, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: AUDIT_ACTIONS.customerExported,
    targetId: customerId,
    targetType: 'customer',
    at: exportedAt,
    details: Object.fromEntries(Object.entries(sections).map(([name, items]) => [name, items.length])),
  });
  return { format: EXPORT_FORMAT, customerId, exportedAt, sections };
}
