import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answersSearch, directoryChanges, directoryKeys, foldName, MIN_SEARCH } from '../../../domain/customers/directory.js';
import type { Customer } from '../../../domain/shared/model.js';

const person = (over: Partial<Customer>): Customer =>
  ({ id: 'c1', tenantId: 't', stage: 'prospect', identities: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over }) as Customer;

describe('the customer directory', () => {
  it('folds case, accents and punctuation, so a person types names as they come', () => {
    expect(foldName('  José  Álvarez-Núñez ')).toBe('jose alvarez nunez');
    expect(foldName('@Dana_Camper')).toBe('dana camper');
    expect(foldName('ÅSA Øberg')).toBe('asa øberg');
  });

  it('keys a customer by whole name, family name and handles, none for a merged record', () => {
    const c = person({ displayName: 'José Álvarez', familyName: 'Álvarez', identities: [{ channel: 'x', externalId: '1', handle: '@jalvarez', firstSeenAt: '' }] });
    expect(directoryKeys(c)).toEqual(['jose alvarez', 'alvarez', 'jalvarez']);
    expect(directoryKeys({ ...c, mergedInto: 'c2' })).toEqual([]);
    expect(directoryKeys(person({ givenName: 'Ana', familyName: 'Lo' }))).toEqual(['ana lo', 'lo']);
    expect(directoryKeys(person({ displayName: 'X' }))).toEqual([]);
  });

  it('moves only the keys that changed', () => {
    const before = person({ displayName: 'Dana Camper', familyName: 'Camper' });
    expect(directoryChanges(before, { ...before, stage: 'lead' } as Customer)).toEqual({ add: [], remove: [] });
    expect(directoryChanges(before, { ...before, displayName: 'Dana Hiker' })).toEqual({ add: ['dana hiker'], remove: ['dana camper'] });
    expect(directoryChanges(undefined, before)).toEqual({ add: ['dana camper', 'camper'], remove: [] });
  });

  it('finds every customer by any prefix of any of its keys, and by nothing else', () => {
    const name = fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'-]{1,30}$/);
    fc.assert(
      fc.property(name, name, fc.nat(40), (displayName, familyName, cut) => {
        const c = person({ displayName, familyName });
        for (const key of directoryKeys(c)) {
          const prefix = key.slice(0, Math.max(MIN_SEARCH, Math.min(cut, key.length)));
          // what a person types is folded the same way (a trailing space goes); too short a query finds nothing
          expect(answersSearch(c, prefix)).toBe(foldName(prefix).length >= MIN_SEARCH);
        }
        expect(answersSearch(c, 'x')).toBe(false);
        expect(answersSearch(c, `${foldName(displayName)}zzzq`)).toBe(false);
      }),
    );
  });
});
