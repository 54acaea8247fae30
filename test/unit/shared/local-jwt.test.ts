import { describe, expect, it } from 'vitest';
import { devToken, flattenClaims, signToken, verifyToken, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../local/jwt.js';

const key = Buffer.from('k'.repeat(32));

describe('local dev tokens', () => {
  it('verify with the key and carry the Cognito-shaped claims', () => {
    const claims = verifyToken(key, devToken(key, 'acme', 'marketer'));
    expect(claims).toMatchObject({ 'custom:tenantId': 'acme', 'cognito:groups': ['marketer'], iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE });
  });
  it('refuse another key, a tampered payload, expiry and a wrong audience', () => {
    const token = devToken(key, 'acme', 'admin');
    expect(verifyToken(Buffer.from('x'.repeat(32)), token)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ 'custom:tenantId': 'globex' })).toString('base64url');
    expect(verifyToken(key, `${h}.${forged}.${s}`)).toBeUndefined();
    expect(verifyToken(key, devToken(key, 'acme', 'admin', 60, Date.now() - 120_000))).toBeUndefined();
    expect(verifyToken(key, signToken(key, { iss: LOCAL_ISSUER, aud: 'other', exp: Date.now() / 1000 + 60 }))).toBeUndefined();
  });
  it('flatten arrays as API Gateway does', () => {
    expect(flattenClaims({ 'cognito:groups': ['admin', 'agent'], exp: 5 })).toEqual({ 'cognito:groups': '[admin agent]', exp: '5' });
  });
});
