/**
 * Who the person is, as the brand's own channels tell it: sign-ups (the API's form, a store account, the
 * brand's site), an anonymous visitor becoming known, a store's customer update, a marketer's profile
 * edit. (The loyalty actions a site reports are interactions: domain/commerce/web-actions.ts.)
 *
 * Every webhook effect is written together with its delivery record (store/keys.ts webhookDelivery),
 * which keeps the delivery's events until they are published: a redelivery finds the record, publishes
 * whatever an earlier attempt left, and changes nothing else.
 */
import { publishedByConcurrentAttempt } from '../shared/outbox.js';
import {
  buildEvent,
  CustomerRegistered,
  CustomerUpdated,
  type Channel,
  type InteractionKind,
  type OutgoingEvent,
} from '../../events/catalog.js';
import { normaliseEmail, normalisePhone } from './customers.js';
import { Conflict, InvalidInput, NotFound } from '../shared/errors.js';
import { resolveCustomer, type IdentityInput, type IdentityPorts } from './identity.js';
import type { Customer, PostalAddress } from '../shared/model.js';
import type { DeliveryRef, SaveOutcome } from '../commerce/orders.js';
import type { EventPublisher } from '../shared/ports.js';
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';
import { namesGiven, personNames, withMissingNames, type PersonNames } from '../shared/customer.js';

export interface DeliveryRecord {
  published: boolean;
  events: OutgoingEvent[];
}

/** Profile writes that go with a delivery record (adapters/commerce/dynamo-orders.ts). */
export interface ProfileStore {
  /** The customer and its revision, read consistently. */
  getForUpdate(tenantId: string, customerId: string): Promise<{ customer: Customer; rev: number } | undefined>;
  /**
   * In one transaction: the changed customer (when given; 'stale' if its revision moved) and the delivery
   * record holding `events` unpublished (when given; 'duplicate' if it exists).
   */
  commit(
    tenantId: string,
    /** `before`: the customer as read, so what depends on a change of names (the directory) moves with it. */
    change: { customer: Customer; rev: number; before?: Customer } | undefined,
    delivery: DeliveryRef | undefined,
    events: OutgoingEvent[],
  ): Promise<SaveOutcome>;
  getDelivery(tenantId: string, delivery: DeliveryRef): Promise<DeliveryRecord | undefined>;
  markPublished(tenantId: string, delivery: DeliveryRef): Promise<void>;
}

/**
 * Merging two customers is another use case (domain/customers/merge.ts), handed in by the caller. Answers whether the
 * merge was made (false: it cannot be made automatically and is left for a person to decide).
 */
export type MergeCustomers = (ctx: PersonContext, survivorId: string, mergedId: string) => Promise<boolean>;

export interface RegistrationPorts extends IdentityPorts {
  profiles: ProfileStore;
  publisher: EventPublisher;
  merge?: MergeCustomers;
}

export interface PersonContext {
  tenantId: string;
  correlationId: string;
}

export interface ProfileFields {
  locale?: string;
  tags?: string[];
  birthday?: string;
  address?: PostalAddress;
}

/** What the site, a store or the sign-up form knows of a person; strict: an unusable phone is an error. */
export interface Contact {
  email?: string;
  phone?: string;
}

/**
 * The identities an e-mail and phone prove, normalised (lower-case e-mail, E.164 phone). `strict`: a phone
 * that is not international is refused (API input); otherwise it is left out (store data such as
 * "555-555-SHIP" must not fail a webhook).
 */
export function contactIdentities(contact: Contact, strict: boolean): IdentityInput[] {
  const out: IdentityInput[] = [];
  const email = contact.email?.trim();
  if (email) out.push({ channel: 'email', externalId: normaliseEmail(email) });
  const phone = contact.phone?.trim();
  if (phone) {
    try {
      out.push({ channel: 'phone', externalId: normalisePhone(phone) });
    } catch (error) {
      if (strict) throw error;
    }
  }
  return out;
}

const MAX_ATTEMPTS = 5;

async function publishRecord(ports: RegistrationPorts, tenantId: string, delivery: DeliveryRef, events: OutgoingEvent[]): Promise<number> {
  if (events.length > 0) await ports.publisher.publish(events);
  await ports.profiles.markPublished(tenantId, delivery);
  return events.length;
}

/** A delivery recorded before: publish what it still holds, change nothing. Answers how many were published. */
async function finishRecorded(ports: RegistrationPorts, tenantId: string, delivery: DeliveryRef): Promise<number | undefined> {
  const record = await ports.profiles.getDelivery(tenantId, delivery);
  if (!record) return undefined;
  if (record.published) return 0;
  // a concurrent attempt of the same delivery may be publishing it right now (domain/shared/outbox.ts)
  const stillUnpublished = async () => (await ports.profiles.getDelivery(tenantId, delivery))?.published === false;
  if (await publishedByConcurrentAttempt(stillUnpublished)) return 0;
  return publishRecord(ports, tenantId, delivery, record.events);
}

// ---------------------------------------------------------------------------------------------------
// Registration

export interface Signup {
  /** Where the person registered: 'web' (the API's form, the brand's site), 'shopify', 'woocommerce'. */
  via: Channel;
  /** Identities in order of trust; the first decides a race between two creators. */
  identities: IdentityInput[];
  /** The names a form, a store or a site gave (a record fills only those it lacks). */
  displayName?: string;
  givenName?: string;
  familyName?: string;
  profile?: ProfileFields;
  source?: string;
  /** A loyalty member's code, handed on with CustomerRegistered (the loyalty context resolves it). */
  referralCode?: string;
}

export type RegistrationOutcome =
  | { outcome: 'registered'; customer: Customer; created: boolean; conflicts: string[] }
  | { outcome: 'already-registered'; customer: Customer }
  | { outcome: 'duplicate' };

/** What the sign-up form posts (api/schemas.ts CustomerRegistration, already validated). */
export interface SignupForm extends Contact, ProfileFields {
  displayName?: string;
  givenName?: string;
  familyName?: string;
  externalIds?: { channel: IdentityInput['channel']; externalId: string }[];
  source?: string;
  referralCode?: string;
}

/**
 * The form's identities, the most trusted first: e-mail, phone (a phone that is not international is a
 * 400), then the ids the form knows (the site's user id, the cookie id, a social id).
 */
export function formSignup(form: SignupForm): Signup {
  const profile: ProfileFields = {
    ...(form.locale !== undefined && { locale: form.locale }),
    ...(form.tags !== undefined && { tags: form.tags }),
    ...(form.birthday !== undefined && { birthday: form.birthday }),
    ...(form.address !== undefined && { address: form.address }),
  };
  return {
    via: 'web',
    identities: [...contactIdentities(form, true), ...(form.externalIds ?? []).map((i) => ({ channel: i.channel, externalId: i.externalId }))],
    ...namesGiven(form),
    ...(Object.keys(profile).length > 0 && { profile }),
    ...(form.source !== undefined && { source: form.source }),
    ...(form.referralCode !== undefined && { referralCode: form.referralCode }),
  };
}

/** The registration's delivery record when no webhook carried it (the API): one per customer. */
const apiRegistration = (customerId: string): DeliveryRef => ({ source: 'registration', key: customerId });

/**
 * A person registered.
 * 1. a webhook delivery recorded before changes nothing;
 * 2. the API refuses a person already registered (409 with their id) without touching them;
 * 3. the person is resolved: a known identity (e-mail, phone, shop or site id, cookie id) finds them,
 *    otherwise a new customer is made; unknown identities are attached;
 * 4. once per customer: registeredAt/via/source are set (a prospect becomes a lead, missing profile fields
 *    are filled) together with the delivery record holding CustomerRegistered;
 * 5. CustomerRegistered is published and the record marked published.
 */
export async function registerCustomer(
  ports: RegistrationPorts,
  ctx: PersonContext,
  signup: Signup,
  delivery?: DeliveryRef,
): Promise<RegistrationOutcome> {
  if (signup.identities.length === 0) throw new InvalidInput('A registration needs an e-mail, a phone or an id');
  if (delivery && (await finishRecorded(ports, ctx.tenantId, delivery)) !== undefined) return { outcome: 'duplicate' };

  if (!delivery) {
    const known = await registeredHolder(ports, ctx.tenantId, signup.identities);
    if (known) return alreadyRegistered(ports, ctx.tenantId, known);
  }

  const [primary, ...links] = signup.identities as [IdentityInput, ...IdentityInput[]];
  const resolution = await resolveCustomer(ports, ctx.tenantId, {
    primary,
    ...(links.length > 0 && { links }),
    ...namesGiven(signup),
  });

  return untilUnchanged(`customer ${resolution.customerId}`, async () => {
    const current = await ports.profiles.getForUpdate(ctx.tenantId, resolution.customerId);
    if (!current) throw new Error(`customer ${resolution.customerId} vanished during registration`);
    const record = delivery ?? apiRegistration(current.customer.id);
    if (current.customer.registeredAt) {
      if (!delivery) return alreadyRegistered(ports, ctx.tenantId, current.customer);
      // a store account for someone registered before: the identities are attached, nothing to announce
      const saved = await ports.profiles.commit(ctx.tenantId, undefined, record, []);
      if (saved === 'duplicate') return { outcome: 'duplicate' };
      await ports.profiles.markPublished(ctx.tenantId, record);
      return { outcome: 'already-registered', customer: current.customer };
    }
    const now = ports.clock.now().toISOString();
    const customer = registered(current.customer, signup, now);
    const event = buildEvent(
      CustomerRegistered,
      { tenantId: ctx.tenantId, eventId: `customer-registered:${customer.id}`, occurredAt: now, correlationId: ctx.correlationId },
      { customerId: customer.id, channel: signup.via, stage: customer.stage, ...(signup.referralCode && { referralCode: signup.referralCode }) },
    );
    const saved = await ports.profiles.commit(ctx.tenantId, { customer, rev: current.rev, before: current.customer }, record, [event]);
    if (saved === 'stale') return CHANGED;
    if (saved === 'duplicate') {
      if (delivery) return { outcome: 'duplicate' };
      return alreadyRegistered(ports, ctx.tenantId, current.customer);
    }
    await publishRecord(ports, ctx.tenantId, record, [event]);
    return { outcome: 'registered', customer, created: resolution.created, conflicts: resolution.conflicts };
  }, { attempts: MAX_ATTEMPTS });
}

function registered(customer: Customer, signup: Signup, now: string): Customer {
  const profile = signup.profile ?? {};
  return {
    ...withMissingNames(customer, signup),
    stage: customer.stage === 'prospect' ? 'lead' : customer.stage,
    ...(customer.locale === undefined && profile.locale !== undefined && { locale: profile.locale }),
    ...(customer.birthday === undefined && profile.birthday !== undefined && { birthday: profile.birthday }),
    ...(customer.address === undefined && profile.address !== undefined && { address: profile.address }),
    ...(profile.tags !== undefined && { tags: [...new Set([...(customer.tags ?? []), ...profile.tags])] }),
    registeredAt: now,
    registeredVia: signup.via,
    ...(signup.source !== undefined && { registrationSource: signup.source }),
    updatedAt: now,
  };
}

/** The registered customer holding one of these identities, if any. */
async function registeredHolder(ports: RegistrationPorts, tenantId: string, identities: IdentityInput[]): Promise<Customer | undefined> {
  const ids = await Promise.all(identities.map((i) => ports.customers.findIdByIdentity(tenantId, i.channel, i.externalId)));
  for (const id of new Set(ids.filter((x): x is string => x !== undefined))) {
    const customer = await ports.customers.get(tenantId, id);
    if (customer?.registeredAt) return customer;
  }
  return undefined;
}

/** Also finishes publishing an API registration an earlier request stored but could not announce. */
async function alreadyRegistered(ports: RegistrationPorts, tenantId: string, customer: Customer): Promise<RegistrationOutcome> {
  await finishRecorded(ports, tenantId, apiRegistration(customer.id));
  return { outcome: 'already-registered', customer };
}

/** The API's answer to a duplicate sign-up: 409 with the existing customer's id. */
export function duplicateRegistration(customer: Customer): Conflict {
  return new Conflict('This person is already registered', { customerId: customer.id });
}

// ---------------------------------------------------------------------------------------------------
// Identification: an anonymous visitor becomes a known customer

export interface Identification {
  /** The site's anonymous cookie id. */
  anonymousId: string;
  /** The known identities (site user id, e-mail, phone), first the most trusted. */
  identities: IdentityInput[];
}

export interface IdentificationOutcome {
  outcome: 'identified' | 'duplicate';
  customerId?: string;
  /** Other customers holding one of the identities (the anonymous visitor's own record, typically). */
  mergeCandidates: string[];
  merged: string[];
}

/**
 * 1. a delivery recorded before changes nothing;
 * 2. the person is resolved from the known identities with the cookie id as a link: when only the cookie
 *    is known, its customer gains the known identities (its history is theirs now); when neither is, one
 *    customer holding both is made;
 * 3. when the cookie belongs to another customer than the known identities, that one is a merge
 *    candidate: merged into the known customer where the merge use case is available, else reported;
 * 4. CustomerUpdated (identities) is recorded with the delivery and published.
 */
export async function identifyCustomer(
  ports: RegistrationPorts,
  ctx: PersonContext,
  identification: Identification,
  delivery: DeliveryRef,
): Promise<IdentificationOutcome> {
  if ((await finishRecorded(ports, ctx.tenantId, delivery)) !== undefined) return { outcome: 'duplicate', mergeCandidates: [], merged: [] };
  const [primary, ...links] = identification.identities as [IdentityInput, ...IdentityInput[]];
  if (!primary) throw new InvalidInput('customer.identified needs a user id, an e-mail or a phone');
  const resolution = await resolveCustomer(ports, ctx.tenantId, {
    primary,
    links: [...links, { channel: 'anonymous', externalId: identification.anonymousId }],
  });
  const merged: string[] = [];
  if (ports.merge) {
    // a merge that fails throws before the delivery is recorded, so the sender's retry merges again
    for (const candidate of resolution.conflicts) if (await ports.merge(ctx, resolution.customerId, candidate)) merged.push(candidate);
  }
  const now = ports.clock.now().toISOString();
  const event = buildEvent(
    CustomerUpdated,
    { tenantId: ctx.tenantId, eventId: `customer-identified:${delivery.key}`, occurredAt: now, correlationId: ctx.correlationId },
    { customerId: resolution.customerId, changed: ['identities'] },
  );
  const saved = await ports.profiles.commit(ctx.tenantId, undefined, delivery, [event]);
  if (saved === 'duplicate') return { outcome: 'duplicate', mergeCandidates: [], merged: [] };
  await publishRecord(ports, ctx.tenantId, delivery, [event]);
  return { outcome: 'identified', customerId: resolution.customerId, mergeCandidates: resolution.conflicts, merged };
}

// ---------------------------------------------------------------------------------------------------
// A store's update of its customer

/**
 * 1. a delivery recorded before changes nothing;
 * 2. the customer is resolved by the store's identities (new e-mail or phone are attached);
 * 3. missing names (display, given, family) are taken from the store, with the delivery record and CustomerUpdated
 *    in one transaction; 4. CustomerUpdated is published.
 */
export async function applyStoreCustomerUpdate(
  ports: RegistrationPorts,
  ctx: PersonContext,
  update: { identities: IdentityInput[] } & PersonNames,
  delivery: DeliveryRef,
): Promise<{ outcome: 'updated' | 'duplicate'; customerId?: string }> {
  if ((await finishRecorded(ports, ctx.tenantId, delivery)) !== undefined) return { outcome: 'duplicate' };
  const [primary, ...links] = update.identities as [IdentityInput, ...IdentityInput[]];
  if (!primary) throw new InvalidInput('A customer update needs an id, an e-mail or a phone');
  const { customerId } = await resolveCustomer(ports, ctx.tenantId, {
    primary,
    ...(links.length > 0 && { links }),
    ...namesGiven(update),
  });
  return untilUnchanged(`customer ${customerId}`, async () => {
    const current = await ports.profiles.getForUpdate(ctx.tenantId, customerId);
    if (!current) throw new Error(`customer ${customerId} vanished during an update`);
    const now = ports.clock.now().toISOString();
    const named = withMissingNames(current.customer, update);
    const namesChanged = (['displayName', 'givenName', 'familyName'] as const).filter((f) => named[f] !== current.customer[f]);
    const change = namesChanged.length > 0 ? { customer: { ...named, updatedAt: now }, rev: current.rev, before: current.customer } : undefined;
    const event = buildEvent(
      CustomerUpdated,
      { tenantId: ctx.tenantId, eventId: `customer-updated:${delivery.source}:${delivery.key}`, occurredAt: now, correlationId: ctx.correlationId },
      { customerId, changed: ['identities', ...namesChanged] },
    );
    const saved = await ports.profiles.commit(ctx.tenantId, change, delivery, [event]);
    if (saved === 'stale') return CHANGED;
    if (saved === 'duplicate') return { outcome: 'duplicate' };
    await publishRecord(ports, ctx.tenantId, delivery, [event]);
    return { outcome: 'updated', customerId };
  }, { attempts: MAX_ATTEMPTS });
}

// ---------------------------------------------------------------------------------------------------
// A marketer's profile edit (PATCH /v1/customers/{id})

/** The fields a PATCH may change; everything else (tenant, stage, points, scores, ids, ...) is refused. */
export const PATCHABLE_FIELDS = ['displayName', 'givenName', 'familyName', 'tags', 'locale', 'address', 'birthday'] as const;
export type PatchableField = (typeof PATCHABLE_FIELDS)[number];
export type ProfilePatch = { [K in PatchableField]?: Customer[K] | null };

/** 400 naming every field the body tries to change that a PATCH may not. */
export function refuseUnpatchableFields(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput('The body must be a JSON object');
  const refused = Object.keys(body).filter((k) => !(PATCHABLE_FIELDS as readonly string[]).includes(k));
  if (refused.length > 0) {
    const names = refused.map((f) => `"${f}"`).join(', ');
    throw new InvalidInput(`${refused.length === 1 ? 'Field' : 'Fields'} ${names} cannot be changed here; allowed: ${PATCHABLE_FIELDS.join(', ')}`, {
      fields: refused,
    });
  }
}

/**
 * 1. read the customer (404 if not the caller's tenant's); 2. apply the allowed fields (null clears one; a
 * cleared or missing display name becomes "given family" when those exist); 3. write with optimistic
 * concurrency; 4. publish CustomerUpdated with the fields that really changed.
 */
export async function updateCustomerProfile(
  ports: RegistrationPorts,
  ctx: PersonContext,
  customerId: string,
  patch: ProfilePatch,
): Promise<Customer> {
  return untilUnchanged(`customer ${customerId}`, async () => {
    const current = await ports.profiles.getForUpdate(ctx.tenantId, customerId);
    if (!current || current.customer.mergedInto) throw new NotFound('Customer not found');
    const next: Record<string, unknown> = { ...current.customer };
    for (const field of PATCHABLE_FIELDS) {
      if (!(field in patch)) continue;
      const value = patch[field];
      if (value === null || value === undefined) delete next[field];
      else next[field] = value;
    }
    // a display name is absent only while the person has no name at all: cleared or never set, it is "given family"
    if (next.displayName === undefined) {
      const { displayName } = personNames({ givenName: next.givenName as string | undefined, familyName: next.familyName as string | undefined });
      if (displayName !== undefined) next.displayName = displayName;
    }
    const changed = PATCHABLE_FIELDS.filter((f) => JSON.stringify(next[f] ?? null) !== JSON.stringify(current.customer[f] ?? null));
    if (changed.length === 0) return current.customer;
    const now = ports.clock.now().toISOString();
    const customer = { ...(next as unknown as Customer), updatedAt: now };
    const saved = await ports.profiles.commit(ctx.tenantId, { customer, rev: current.rev, before: current.customer }, undefined, []);
    if (saved === 'stale') return CHANGED;
    await ports.publisher.publish([
      buildEvent(
        CustomerUpdated,
        { tenantId: ctx.tenantId, eventId: `customer-updated:${customerId}:${current.rev + 1}`, occurredAt: now, correlationId: ctx.correlationId },
        { customerId, changed },
      ),
    ]);
    return customer;
  }, { attempts: MAX_ATTEMPTS });
}
