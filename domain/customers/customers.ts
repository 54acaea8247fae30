/**
 * Reading customers: profile, identity lookup, timeline. Another tenant's customer is indistinguishable
 * from a missing one (404), because every key starts with the caller's tenant.
 */
import { InvalidInput, NotFound } from '../shared/errors.js';
import type { Customer, Page, TimelineEntry } from '../shared/model.js';
import type { CustomerRepository } from '../shared/ports.js';
import { answersSearch, foldName, MIN_SEARCH } from './directory.js';

export async function getCustomer(customers: CustomerRepository, tenantId: string, customerId: string): Promise<Customer> {
  const customer = await customers.get(tenantId, customerId);
  if (!customer) throw new NotFound('Customer not found');
  return customer;
}

export async function customerTimeline(
  customers: CustomerRepository,
  tenantId: string,
  customerId: string,
  page: { limit: number; cursor?: string; type?: string | undefined },
): Promise<Page<TimelineEntry>> {
  await getCustomer(customers, tenantId, customerId);
  return customers.timeline(tenantId, customerId, page.limit, page.cursor, page.type);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** E.164: a plus and 8 to 15 digits; separators people type are dropped. */
export function normalisePhone(phone: string): string {
  const compact = phone.trim().replace(/[\s().-]/g, '');
  const withPlus = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!/^\+[1-9]\d{7,14}$/.test(withPlus)) throw new InvalidInput('phone must be in international format, e.g. +34600111222');
  return withPlus;
}

export type IdentityQuery = { channel: string; externalId: string } | { email: string } | { phone: string };

/**
 * Customers whose name, family name or a handle starts with `name` (folded: case, accents and punctuation do not
 * matter), at most `limit`. A key a change left behind, or a merged record, is not an answer.
 */
export async function findCustomersByName(customers: CustomerRepository, tenantId: string, name: string, limit: number): Promise<Customer[]> {
  const prefix = foldName(name);
  if (prefix.length < MIN_SEARCH) throw new InvalidInput(`name: at least ${MIN_SEARCH} letters or digits`);
  const ids = await customers.findIdsByName(tenantId, prefix, limit * 2);
  const found = await customers.getMany(tenantId, ids);
  return found.filter((c) => !c.mergedInto && answersSearch(c, prefix)).slice(0, limit);
}

/** Identity lookup: answers a list of zero or one customer, so clients page every lookup alike. */
export async function findCustomerByIdentity(
  customers: CustomerRepository,
  tenantId: string,
  query: IdentityQuery,
): Promise<Customer[]> {
  const [channel, externalId] =
    'email' in query
      ? ['email', normaliseEmail(query.email)]
      : 'phone' in query
        ? ['phone', normalisePhone(query.phone)]
        : [query.channel, query.externalId];
  const id = await customers.findIdByIdentity(tenantId, channel, externalId);
  const customer = id ? await customers.get(tenantId, id) : undefined;
  return customer ? [customer] : [];
}
