/**
 * Erasure reaches every entity that can hold personal data. The list of entity types comes from the
 * registry (store/keys.ts ENTITIES), so an entity added later without an erasure strategy that the eraser
 * implements (adapters/privacy/dynamo-erasure.ts) fails here.
 */
import { describe, expect, it } from 'vitest';
import { CUSTOMER_INDEXED, implementsStrategy, personalEntities, REFERENCES } from '../../../adapters/privacy/dynamo-erasure.js';
import { RETAINED } from '../../../domain/privacy/erasure.js';
import { ENTITIES, ERASURE_KINDS, keys } from '../../../store/keys.js';

describe('the entity registry and the eraser', () => {
  it.each(ENTITIES.map((e) => [e.name, e] as const))('%s declares how erasure reaches it', (_name, entity) => {
    expect(ERASURE_KINDS).toContain((entity as { erasure?: string }).erasure);
  });

  it.each(ENTITIES.filter((e) => e.personal).map((e) => [e.name, e] as const))(
    '%s (personal) has a strategy the eraser implements',
    (_name, entity) => {
      expect(entity.erasure).not.toBe('not-personal');
      expect(implementsStrategy(entity)).toBe(true);
    },
  );

  it('entities holding nothing personal say so, and entities kept on purpose say why', () => {
    for (const entity of ENTITIES) {
      if (!entity.personal) expect(entity.erasure, entity.name).toBe('not-personal');
      if (entity.erasure === 'retained-pseudonymous') expect(RETAINED[entity.name]?.length ?? 0, entity.name).toBeGreaterThan(40);
    }
  });

  it("whatever lives in the customer's partition is declared personal and goes with it", () => {
    for (const entity of ENTITIES.filter((e) => e.key.startsWith('T#{tenant}#C#{customer} /'))) {
      expect(entity.personal, entity.name).toBe(true);
      expect(entity.erasure, entity.name).toBe('customer-partition');
    }
    // and the partition is what the key module builds for every customer item
    const partition = keys.customerPartition('t', 'c');
    for (const key of [keys.customer('t', 'c'), keys.timelineItem('t', 'c', 'x', 'y', 'z'), keys.customerKnowledge('t', 'c'), keys.consent('t', 'c', 'x', 'y'), keys.consentTokenUse('t', 'c', 'n')]) {
      expect(key.pk).toBe(partition);
    }
  });

  it('the eraser lists no strategy target the registry does not declare with that strategy', () => {
    const kindOf = (name: string) => ENTITIES.find((e) => e.name === name)?.erasure;
    for (const name of Object.keys(REFERENCES)) expect(kindOf(name), name).toBe('by-reference');
    for (const name of CUSTOMER_INDEXED) expect(kindOf(name), name).toBe('customer-index');
    for (const name of Object.keys(RETAINED)) expect(kindOf(name), name).toBe('retained-pseudonymous');
  });

  it('the export has a section for every personal entity (the same list)', () => {
    expect(personalEntities().map((e) => e.name)).toEqual(ENTITIES.filter((e) => e.personal).map((e) => e.name));
  });

  it('fails for a personal entity added without erasure support', () => {
    expect(implementsStrategy({ name: 'LoyaltyLedger', key: 'T#{tenant}#LOYALTY#{customer} / ENTRY#{id}' })).toBe(false);
    // a hypothetical entity outside the person's partition that no strategy knows (tickets once were one)
    expect(implementsStrategy({ name: 'Survey', key: 'T#{tenant}#SURVEY#{id} / SURVEY', erasure: 'by-reference' })).toBe(false);
    expect(implementsStrategy({ name: 'Survey', key: 'T#{tenant}#SURVEY#{id} / SURVEY', erasure: 'customer-index' })).toBe(false);
    expect(implementsStrategy({ name: 'Survey', key: 'T#{tenant}#SURVEY#{id} / SURVEY', erasure: 'customer-partition' })).toBe(false);
    expect(implementsStrategy({ name: 'Survey', key: 'T#{tenant}#SURVEY#{id} / SURVEY', erasure: 'retained-pseudonymous' })).toBe(false);
  });
});
