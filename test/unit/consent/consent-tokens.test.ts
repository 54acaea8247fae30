import { describe, expect, it } from 'vitest';
import {
  buildUnsubscribeLink,
  ConsentTokenExpired,
  InvalidConsentToken,
  listUnsubscribeHeaders,
  signConsentToken,
  verifyConsentToken,
  type ConsentTokenClaims,
} from '../../../domain/consent/consent-tokens.js';
import { alterPayload, TEST_CONSENT_KEY, tokenOf } from '../../support/consent.js';

const now = new Date('2026-11-23T10:00:00.000Z');
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const claims = (overrides: Partial<ConsentTokenClaims> = {}): ConsentTokenClaims => ({
  kind: 'confirm',
  tenantId: 'acme',
  customerId: 'c-1',
  channel: 'email',
  purpose: 'marketing',
  expiresAt: epoch(now) + 3600,
  nonce: 'rec-1',
  ...overrides,
});

describe('consent tokens', () => {
  it('round-trips every claim through sign and verify', () => {
    const token = signConsentToken(TEST_CONSENT_KEY, claims({ kind: 'unsubscribe', channel: 'sms', campaignId: 'camp-9' }));
    expect(verifyConsentToken([TEST_CONSENT_KEY], token, 'unsubscribe', now)).toEqual(
      claims({ kind: 'unsubscribe', channel: 'sms', campaignId: 'camp-9' }),
    );
  });

  it('accepts a token signed with an older key still listed during a rotation, and refuses it once dropped', () => {
    const old = 'the-old-consent-key-that-is-being-rotated-out';
    const token = signConsentToken(old, claims());
    expect(verifyConsentToken([TEST_CONSENT_KEY, old], token, 'confirm', now).nonce).toBe('rec-1');
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], token, 'confirm', now)).toThrow(InvalidConsentToken);
  });

  it('refuses a token signed with another key (forged) as 400 invalid_token', () => {
    const token = signConsentToken('somebody-else-s-key-0123456789abcdef', claims());
    const error = (() => {
      try {
        verifyConsentToken([TEST_CONSENT_KEY], token, 'confirm', now);
      } catch (e) {
        return e as InvalidConsentToken;
      }
      throw new Error('accepted a forged token');
    })();
    expect(error).toBeInstanceOf(InvalidConsentToken);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_token');
  });

  it('refuses an altered payload under the original signature', () => {
    const token = signConsentToken(TEST_CONSENT_KEY, claims({ channel: 'email' }));
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], alterPayload(token), 'confirm', now)).toThrow(InvalidConsentToken);
  });

  it('refuses malformed tokens and an empty key list', () => {
    const good = signConsentToken(TEST_CONSENT_KEY, claims());
    for (const bad of ['', 'abc', 'a.b.c', `${good}x`, `${good.split('.')[0]}.`, 'é.é', 'x'.repeat(3000)]) {
      expect(() => verifyConsentToken([TEST_CONSENT_KEY], bad, 'confirm', now), bad.slice(0, 20)).toThrow(InvalidConsentToken);
    }
    expect(() => verifyConsentToken([], good, 'confirm', now)).toThrow(InvalidConsentToken);
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], undefined, 'confirm', now)).toThrow(InvalidConsentToken);
  });

  it('refuses a confirmation token at the unsubscribe endpoint and vice versa', () => {
    const confirm = signConsentToken(TEST_CONSENT_KEY, claims({ kind: 'confirm' }));
    const unsubscribe = signConsentToken(TEST_CONSENT_KEY, claims({ kind: 'unsubscribe' }));
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], confirm, 'unsubscribe', now)).toThrow(InvalidConsentToken);
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], unsubscribe, 'confirm', now)).toThrow(InvalidConsentToken);
  });

  it('answers 410 token_expired from the expiry second on, not before', () => {
    const token = signConsentToken(TEST_CONSENT_KEY, claims({ expiresAt: epoch(now) }));
    const before = new Date(now.getTime() - 1000);
    expect(verifyConsentToken([TEST_CONSENT_KEY], token, 'confirm', before).nonce).toBe('rec-1');
    try {
      verifyConsentToken([TEST_CONSENT_KEY], token, 'confirm', now);
      throw new Error('accepted an expired token');
    } catch (e) {
      expect(e).toBeInstanceOf(ConsentTokenExpired);
      expect((e as ConsentTokenExpired).status).toBe(410);
      expect((e as ConsentTokenExpired).code).toBe('token_expired');
    }
  });

  it('checks the signature before the expiry: a forged expired token is 400, not 410', () => {
    const token = signConsentToken('somebody-else-s-key-0123456789abcdef', claims({ expiresAt: epoch(now) - 10 }));
    expect(() => verifyConsentToken([TEST_CONSENT_KEY], token, 'confirm', now)).toThrow(InvalidConsentToken);
  });
});

describe('unsubscribe links', () => {
  it('builds a POSTable link for one customer and channel with a fresh nonce each time', () => {
    const link = buildUnsubscribeLink(TEST_CONSENT_KEY, 'https://api.example.com/', 'acme', 'c-7', 'whatsapp', { now, campaignId: 'camp-1' });
    expect(link).toMatch(/^https:\/\/api\.example\.com\/unsubscribe\?token=[A-Za-z0-9._-]+$/);
    const verified = verifyConsentToken([TEST_CONSENT_KEY], tokenOf(link), 'unsubscribe', now);
    expect(verified).toMatchObject({ tenantId: 'acme', customerId: 'c-7', channel: 'whatsapp', purpose: 'marketing', campaignId: 'camp-1' });
    expect(verified.expiresAt).toBeGreaterThan(epoch(now) + 300 * 86_400);
    const again = buildUnsubscribeLink(TEST_CONSENT_KEY, 'https://api.example.com', 'acme', 'c-7', 'whatsapp', { now });
    expect(verifyConsentToken([TEST_CONSENT_KEY], tokenOf(again), 'unsubscribe', now).nonce).not.toBe(verified.nonce);
  });

  it('gives the RFC 8058 header pair', () => {
    expect(listUnsubscribeHeaders('https://x.test/unsubscribe?token=t')).toEqual({
      'List-Unsubscribe': '<https://x.test/unsubscribe?token=t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});
