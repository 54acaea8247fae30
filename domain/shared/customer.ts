/** The customer record as stored: identities, profile, activity figures and the consent summary. */
import type { Channel, ConsentChannel, ConsentPurpose, ConsentStatus, Stage } from './vocabulary.js';
export type { ConsentChannel, ConsentPurpose, ConsentStatus };

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

export interface PostalAddress {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

export interface CustomerActivity {
  lastInteractionAt?: string;
  interactionsByChannel: Record<string, number>;
}

export interface Customer {
  id: string;
  tenantId: string;
  stage: Stage;
  /** How the brand addresses the person; "given family" when a sign-up or a store gave only those. */
  displayName?: string;
  /** The person's given (first) and family (last) names, as a sign-up, a store or a marketer gave them. */
  givenName?: string;
  familyName?: string;
  identities: Identity[];
  activity: CustomerActivity;
  /** Current consent per purpose (and channel), kept in step with the consent ledger (domain/consent/consent.ts). */
  consentSummary?: ConsentSummary;
  /** When and where the person registered (sign-up form, store account, the brand's site); unset for prospects. */
  registeredAt?: string;
  registeredVia?: Channel;
  /** What the sign-up named as its origin (form, landing page, campaign). */
  registrationSource?: string;
  /** Profile fields a marketer may edit (PATCH /v1/customers/{id}) or a sign-up form may fill. */
  tags?: string[];
  locale?: string;
  address?: PostalAddress;
  /** YYYY-MM-DD. */
  birthday?: string;
  /** Set once this customer was merged into another (domain/customers/merge.ts): the record is a tombstone pointing there. */
  mergedInto?: string;
  /** The merge that made this record a tombstone; `completedAt` once every step of it finished. */
  merge?: { at: string; reason: string; completedAt?: string };
  /** Customers merged into this one (each one's figures are added exactly once). */
  mergedFrom?: string[];
  /**
   * Set when one of the person's identities matches the suppression tombstone of an erased person
   * (domain/privacy/erasure.ts): kept to serve them, never profiled or contacted, and no consent can be granted.
   */
  suppressed?: { at: string };
  createdAt: string;
  updatedAt: string;
}

/** The latest consent event of one purpose (and channel): what analytics and campaigns gate on. */
export interface ConsentState {
  status: ConsentStatus;
  at: string;
  /** The ledger record that set this state. */
  recordId?: string;
  /** Double opt-in: when the person followed the confirmation link. */
  confirmedAt?: string;
}

export interface ConsentSummary {
  social_profiling?: ConsentState;
  /** The loyalty program's terms (the version is on the ledger record). */
  loyalty?: ConsentState;
  marketing?: Partial<Record<ConsentChannel, ConsentState>>;
}

/** The names a sign-up, a store or a marketer can give. */
export interface PersonNames {
  displayName?: string;
  givenName?: string;
  familyName?: string;
}

/** The names `from` carries, and nothing else (to hand them on without undefined fields). */
export function namesGiven(from: PersonNames): PersonNames {
  return {
    ...(from.displayName !== undefined && { displayName: from.displayName }),
    ...(from.givenName !== undefined && { givenName: from.givenName }),
    ...(from.familyName !== undefined && { familyName: from.familyName }),
  };
}

/**
 * The names as a record keeps them: trimmed, empty ones dropped, and a display name made of the given and family
 * names when none was given.
 */
export function personNames(input: PersonNames): PersonNames {
  const clean = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const givenName = clean(input.givenName);
  const familyName = clean(input.familyName);
  const displayName = clean(input.displayName) ?? clean([givenName, familyName].filter(Boolean).join(' '));
  return { ...(displayName && { displayName }), ...(givenName && { givenName }), ...(familyName && { familyName }) };
}

/** `names` applied to a record where it has none of its own yet (a sign-up never overwrites what a marketer set). */
export function withMissingNames<T extends PersonNames>(record: T, names: PersonNames): T {
  const n = personNames(names);
  return {
    ...record,
    ...(record.displayName === undefined && n.displayName !== undefined && { displayName: n.displayName }),
    ...(record.givenName === undefined && n.givenName !== undefined && { givenName: n.givenName }),
    ...(record.familyName === undefined && n.familyName !== undefined && { familyName: n.familyName }),
  };
}

/** How many merge tombstones a lookup follows (merges chain rarely; a longer chain is treated as gone). */
export const MAX_MERGE_HOPS = 5;

/**
 * The record a customer id stands for now: a merge leaves a tombstone `{ mergedInto }` pointing at the survivor,
 * followed up to MAX_MERGE_HOPS. Undefined when the record is missing or the chain is longer.
 */
export async function survivorOf(customers: { get(tenantId: string, customerId: string): Promise<Customer | undefined> }, tenantId: string, customerId: string): Promise<Customer | undefined> {
  let customer = await customers.get(tenantId, customerId);
  for (let hop = 0; customer?.mergedInto && hop < MAX_MERGE_HOPS; hop++) customer = await customers.get(tenantId, customer.mergedInto);
  return customer && !customer.mergedInto ? customer : undefined;
}
