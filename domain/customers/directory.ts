/**
 * The customer directory: the few search keys under which people look a customer up by name (the start of the
 * display name, the family name, each social handle), folded so "José" is found by "jose" and "@dana" by "dana".
 * Kept small on purpose: each key is one item written only when the customer's names change.
 */
import type { Customer } from '../shared/customer.js';

/** At least this many characters to search (the index is sharded by the first two). */
export const MIN_SEARCH = 2;
const MAX_KEYS = 6;
const MAX_KEY_LENGTH = 64;

/** Lower case, accents and punctuation gone, spaces single: the form keys and queries are compared in. */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, MAX_KEY_LENGTH)
    .trim();
}

/** The keys a customer is found under: the whole display name, the family name, the handles. */
export function directoryKeys(customer: Pick<Customer, 'displayName' | 'givenName' | 'familyName' | 'identities' | 'mergedInto'>): string[] {
  if (customer.mergedInto) return [];
  const whole = customer.displayName ?? [customer.givenName, customer.familyName].filter(Boolean).join(' ');
  const candidates = [whole, customer.familyName, ...customer.identities.map((i) => i.handle)];
  const keys = new Set<string>();
  for (const c of candidates) {
    const folded = c ? foldName(c) : '';
    if (folded.length >= MIN_SEARCH) keys.add(folded);
    if (keys.size === MAX_KEYS) break;
  }
  return [...keys];
}

/** What to add and remove when a customer changes from `before` to `after`. */
export function directoryChanges(before: Parameters<typeof directoryKeys>[0] | undefined, after: Parameters<typeof directoryKeys>[0]): { add: string[]; remove: string[] } {
  const old = new Set(before ? directoryKeys(before) : []);
  const now = new Set(directoryKeys(after));
  return { add: [...now].filter((k) => !old.has(k)), remove: [...old].filter((k) => !now.has(k)) };
}

/** Whether a customer (as stored now) still answers a search: a key left behind by a change is not a match. */
export function answersSearch(customer: Parameters<typeof directoryKeys>[0], query: string): boolean {
  const q = foldName(query);
  return q.length >= MIN_SEARCH && directoryKeys(customer).some((k) => k.startsWith(q));
}
