import { describe, expect, it } from 'vitest';
import { devToken, flattenClaims, signToken, verifyToken, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../local/jwt.js';

const key = Buffer.from('k'.repeat(32));

describe('local dev tokens', () => {
  it('verify with the key and carry the Cognito-shaped claims', async () => {
    const claims = await verifyToken(key, devToken(key, 'acme', 'marketer'));
    expect(claims).toMatchObject({ 'custom:tenantId': 'acme', 'cognito:groups': ['marketer'], iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE });
  });
  it('refuse another key, a tampered payload, expiry and a wrong audience', async () => {
    const token = devToken(key, 'acme', 'admin');
    expect(await verifyToken(Buffer.from('x'.repeat(32)), token)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ 'custom:tenantId': 'globex' })).toString('base64url');
    expect(await verifyToken(key, `${h}.${forged}.${s}`)).toBeUndefined();
    expect(await verifyToken(key, devToken(key, 'acme', 'admin', 60, Date.now() - 120_000))).toBeUndefined();
    expect(await verifyToken(key, signToken(key, { iss: LOCAL_ISSUER, aud: 'other', exp: Date.now() / 1000 + 60 }))).toBeUndefined();
  });
  it('refuse what API Gateway refuses: nbf ahead, iat a year ahead, an access token, non-canonical signatures, another algorithm', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 's', iat: now, exp: now + 600, token_use: 'id', 'custom:tenantId': 'acme' };
    expect(await verifyToken(key, signToken(key, base))).toBeDefined();
    expect(await verifyToken(key, signToken(key, { ...base, nbf: now + 3600 }))).toBeUndefined();
    expect(await verifyToken(key, signToken(key, { ...base, iat: now + 365 * 86400 }))).toBeUndefined();
    expect(await verifyToken(key, signToken(key, { ...base, token_use: 'access' }))).toBeUndefined();
    const { iat: _iat, ...noIat } = base;
    expect(await verifyToken(key, signToken(key, noIat))).toBeUndefined();
    const good = signToken(key, base);
    const [h, p, sig] = good.split('.') as [string, string, string];
    // the last character of a 32-byte signature carries 4 unused bits: flip one and it decodes to the same bytes
    const last = sig.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    for (const variant of [`${sig.slice(0, -1)}${sibling}`, `${sig}=`, `${sig.slice(0, 5)}!${sig.slice(5)}`]) {
      expect(await verifyToken(key, `${h}.${p}.${variant}`), variant).toBeUndefined();
    }
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect(await verifyToken(key, none)).toBeUndefined();
  });
  it('flatten arrays as API Gateway does', () => {
    expect(flattenClaims({ 'cognito:groups': ['admin', 'agent'], exp: 5 })).toEqual({ 'cognito:groups': '[admin agent]', exp: '5' });
  });
});
