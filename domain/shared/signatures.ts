import { createHmac, timingSafeEqual } from 'node:crypto';

export interface HmacCheck {
  algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** Every secret that is active now (two during a rotation). */
  secrets: readonly (string | Buffer)[];
  /** The exact bytes that were signed. */
  signed: Buffer;
  /** The signature as the sender encoded it, prefix already removed. */
  provided: string;
  encoding: 'hex' | 'base64';
}

/**
 * True when `provided` is the HMAC of `signed` under one of the secrets. Compares bytes in constant time
 * (for equal lengths) and tries every secret, so timing does not tell which secret matched.
 */
export function hmacMatches({ algorithm, secrets, signed, provided, encoding }: HmacCheck): boolean {
  const expectedLength = createHmac(algorithm, 'x').digest().length;
  const candidate = decodeSignature(provided, encoding);
  if (!candidate || candidate.length !== expectedLength) return false;
  let matched = false;
  for (const secret of secrets) {
    const digest = createHmac(algorithm, secret).update(signed).digest();
    if (timingSafeEqual(digest, candidate)) matched = true;
  }
  return matched;
}

function decodeSignature(value: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  const trimmed = value.trim();
  if (encoding === 'hex') return /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : undefined;
  return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
}

/** `sha256=abcd` → `abcd` when the prefix matches (case-insensitive), else undefined. */
export function stripPrefix(header: string | undefined, prefix: string): string | undefined {
  if (!header) return undefined;
  return header.toLowerCase().startsWith(prefix.toLowerCase()) ? header.slice(prefix.length) : undefined;
}
