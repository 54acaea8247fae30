/**
 * Identity resolution: which customer of the tenant a person is.
 *
 * A person arrives with a primary identity (the network and id that acted) and, sometimes, linked ones the
 * payload also proves (a WhatsApp sender's phone number, an order's e-mail and phone). The first identity
 * already known decides the customer; identities not yet known are attached to it; when none is known, a
 * prospect is created holding all of them.
 */
import type { Customer, Identity, IdentityChannel, Influence } from '../shared/model.js';
import type { Clock, CustomerRepository, IdGenerator } from '../shared/ports.js';
import { personNames, type PersonNames } from '../shared/customer.js';

export interface IdentityInput {
  channel: IdentityChannel;
  externalId: string;
  handle?: string;
  name?: string;
  influence?: Omit<Influence, 'updatedAt'>;
}

/** Who a payload names, and the names a new customer starts with (a platform, a store or a sign-up form knows them). */
export interface PersonSignal extends PersonNames {
  primary: IdentityInput;
  /** Other identities the same payload proves belong to this person. */
  links?: IdentityInput[];
}

export interface IdentityPorts {
  customers: CustomerRepository;
  clock: Clock;
  ids: IdGenerator;
}

export interface Resolution {
  customerId: string;
  created: boolean;
  /** Customers other than the chosen one that also hold one of the person's identities (merge candidates). */
  conflicts: string[];
  /**
   * The profile, when resolving had it at hand anyway (just created, or just read to refresh handles): callers
   * that need it (the retention rule reads its consent) use it instead of reading it again.
   */
  customer?: Customer;
}

export function toIdentity(input: IdentityInput, now: string): Identity {
  return {
    channel: input.channel,
    externalId: input.externalId,
    ...(input.handle !== undefined && { handle: input.handle }),
    ...(input.name !== undefined && { name: input.name }),
    ...(input.influence !== undefined && { influence: { ...input.influence, updatedAt: now } }),
    firstSeenAt: now,
  };
}

/**
 * 1. look up every identity of the person;
 * 2. known: the primary's customer (else the first linked one's) is the person; attach the unknown
 *    identities to it and report other customers found as conflicts;
 * 3. unknown: create a prospect with all identities (a concurrent creator wins; its customer is used).
 */
export async function resolveCustomer(ports: IdentityPorts, tenantId: string, person: PersonSignal): Promise<Resolution> {
  const all = [person.primary, ...(person.links ?? [])];
  const found = await Promise.all(all.map((i) => ports.customers.findIdByIdentity(tenantId, i.channel, i.externalId)));
  const now = ports.clock.now().toISOString();
  const chosen = found.find((id): id is string => id !== undefined);
  if (chosen) {
    const unknown = all.filter((_, index) => found[index] === undefined).map((i) => toIdentity(i, now));
    if (unknown.length > 0) await ports.customers.attachIdentities(tenantId, chosen, unknown);
    // what the platform shows of the person now (handle, name, followers) replaces what it showed before
    const seen = all.filter((i, index) => found[index] === chosen && (i.influence || i.handle || i.name)).map((i) => toIdentity(i, now));
    const read = seen.length > 0 ? await ports.customers.refreshIdentities(tenantId, chosen, seen) : undefined;
    const conflicts = [...new Set(found.filter((id): id is string => id !== undefined && id !== chosen))];
    // attaching identities may have changed the profile after that read; then it is not handed on
    return { customerId: chosen, created: false, conflicts, ...(read && unknown.length === 0 && { customer: read }) };
  }
  const identities = all.map((i) => toIdentity(i, now));
  const customer: Customer = {
    id: ports.ids.next(),
    tenantId,
    stage: 'prospect',
    ...personNames(person),
    identities,
    activity: { interactionsByChannel: {} },
    createdAt: now,
    updatedAt: now,
  };
  const { customerId, created } = await ports.customers.createWithIdentity({ customer, identity: identities[0]!, otherIdentities: identities.slice(1) });
  if (!created) {
    // someone else created the person first with the primary identity: attach the links to theirs
    const links = identities.slice(1);
    if (links.length > 0) await ports.customers.attachIdentities(tenantId, customerId, links);
  }
  return { customerId, created, conflicts: [], ...(created && { customer }) };
}

/**
 * Pure: the customer with the given identities' handle, name and influence taken over where they differ.
 * Answers the same object when nothing changed, so callers can skip the write.
 */
export function refreshedIdentities(customer: Customer, seen: Identity[]): Customer {
  let changed = false;
  const identities = customer.identities.map((current) => {
    const update = seen.find((s) => s.channel === current.channel && s.externalId === current.externalId);
    if (!update) return current;
    const next: Identity = {
      ...current,
      ...(update.handle !== undefined && { handle: update.handle }),
      ...(update.name !== undefined && { name: update.name }),
      ...(update.influence !== undefined && { influence: update.influence }),
    };
    const differs =
      next.handle !== current.handle ||
      next.name !== current.name ||
      JSON.stringify({ ...next.influence, updatedAt: undefined }) !== JSON.stringify({ ...current.influence, updatedAt: undefined });
    if (!differs) return current;
    changed = true;
    return next;
  });
  return changed ? { ...customer, identities } : customer;
}
