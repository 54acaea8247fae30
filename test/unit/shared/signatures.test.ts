import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacMatches, stripPrefix } from '../../../domain/shared/signatures.js';

const body = Buffer.from('{"object":"page","entry":[]}');
const hex = (secret: string, data: Buffer) => createHmac('sha256', secret).update(data).digest('hex');

describe('hmacMatches', () => {
  it('accepts the HMAC of the exact bytes', () => {
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['s1'], signed: body, provided: hex('s1', body), encoding: 'hex' })).toBe(true);
  });
  it('accepts either secret during a rotation', () => {
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['old', 'new'], signed: body, provided: hex('new', body), encoding: 'hex' })).toBe(true);
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['old', 'new'], signed: body, provided: hex('old', body), encoding: 'hex' })).toBe(true);
  });
  it('refuses a signature of other bytes, a wrong secret, garbage and wrong lengths', () => {
    const other = Buffer.from('{"object":"page","entry":[] }');
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['s1'], signed: body, provided: hex('s1', other), encoding: 'hex' })).toBe(false);
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['s2'], signed: body, provided: hex('s1', body), encoding: 'hex' })).toBe(false);
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['s1'], signed: body, provided: 'zz', encoding: 'hex' })).toBe(false);
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['s1'], signed: body, provided: hex('s1', body).slice(2), encoding: 'hex' })).toBe(false);
    expect(hmacMatches({ algorithm: 'sha256', secrets: [], signed: body, provided: hex('s1', body), encoding: 'hex' })).toBe(false);
  });
  it('reads base64 signatures', () => {
    const b64 = createHmac('sha256', 'k').update(body).digest('base64');
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['k'], signed: body, provided: b64, encoding: 'base64' })).toBe(true);
    expect(hmacMatches({ algorithm: 'sha256', secrets: ['k'], signed: body, provided: b64, encoding: 'hex' })).toBe(false);
  });
});

describe('stripPrefix', () => {
  it('removes a matching prefix only', () => {
    expect(stripPrefix('sha256=abc', 'sha256=')).toBe('abc');
    expect(stripPrefix('SHA256=abc', 'sha256=')).toBe('abc');
    expect(stripPrefix('sha1=abc', 'sha256=')).toBeUndefined();
    expect(stripPrefix(undefined, 'sha256=')).toBeUndefined();
  });
});
