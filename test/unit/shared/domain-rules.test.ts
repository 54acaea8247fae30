import { describe, expect, it } from 'vitest';
import { applyInteraction } from '../../../domain/customers/activity.js';
import { actorFromClaims, parseGroupsClaim, requireRole } from '../../../domain/shared/auth.js';
import { normaliseEmail, normalisePhone } from '../../../domain/customers/customers.js';
import { Forbidden, InvalidInput, Unauthorized } from '../../../domain/shared/errors.js';
import { keys, part, shardOf, unpart } from '../../../store/keys.js';

describe('keys', () => {
  it('start with the tenant and escape separators inside external ids', () => {
    const k = keys.identity('acme', 'facebook', 'a#b%c');
    expect(k.pk).toBe('T#acme#ID#facebook#a%23b%25c');
    expect(unpart(part('a#b%c'))).toBe('a#b%c');
    // an id with '#' cannot forge another tenant's key
    expect(keys.customer('acme', 'x#T#globex').pk.startsWith('T#acme#C#')).toBe(true);
    expect(keys.customer('acme', 'x#T#globex').pk).not.toContain('#T#globex');
  });
  it('shard deterministically within range', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`c-${i}`, 8)));
    expect([...shards].every((s) => s >= 0 && s < 8)).toBe(true);
    expect(shards.size).toBe(8);
    expect(shardOf('c-1', 8)).toBe(shardOf('c-1', 8));
  });
});

describe('applyInteraction', () => {
  it('counts per channel and never moves last-seen back', () => {
    const a = applyInteraction({ interactionsByChannel: {} }, { channel: 'facebook', occurredAt: '2026-11-23T10:00:00.000Z' });
    const b = applyInteraction(a, { channel: 'facebook', occurredAt: '2026-11-20T10:00:00.000Z' });
    const c = applyInteraction(b, { channel: 'x', occurredAt: '2026-11-24T10:00:00.000Z' });
    expect(b).toEqual({ lastInteractionAt: '2026-11-23T10:00:00.000Z', interactionsByChannel: { facebook: 2 } });
    expect(c).toEqual({ lastInteractionAt: '2026-11-24T10:00:00.000Z', interactionsByChannel: { facebook: 2, x: 1 } });
  });
});

describe('auth claims', () => {
  it('reads groups the way API Gateway flattens them', () => {
    expect(parseGroupsClaim('[admin marketer]')).toEqual(['admin', 'marketer']);
    expect(parseGroupsClaim(['agent'])).toEqual(['agent']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });
  it('takes the tenant from the token and checks roles', () => {
    const actor = actorFromClaims({ sub: 'u1', 'custom:tenantId': 'acme', 'cognito:groups': '[marketer]' });
    expect(actor).toEqual({ tenantId: 'acme', subject: 'u1', roles: ['marketer'] });
    expect(() => requireRole(actor, ['admin'])).toThrow(Forbidden);
    expect(() => requireRole(actor, ['admin', 'marketer'])).not.toThrow();
    expect(() => actorFromClaims({ sub: 'u1' })).toThrow(Unauthorized);
    // unknown groups give no role
    expect(actorFromClaims({ sub: 'u', 'custom:tenantId': 't', 'cognito:groups': '[root]' }).roles).toEqual([]);
  });
});

describe('contact normalisation', () => {
  it('lower-cases e-mail and makes phones E.164', () => {
    expect(normaliseEmail('  Ana@Example.COM ')).toBe('ana@example.com');
    expect(normalisePhone('+34 600-111 222')).toBe('+34600111222');
    expect(normalisePhone('0034600111222')).toBe('+34600111222');
    expect(() => normalisePhone('600111222')).toThrow(InvalidInput);
  });
});
