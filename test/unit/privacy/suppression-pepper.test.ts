/**
 * Where the suppression tombstones' pepper comes from (adapters/privacy/dynamo-retention.ts): SUPPRESSION_PEPPER wins,
 * else the Secrets Manager secret SUPPRESSION_PEPPER_SECRET_ID, read once per container; with neither, the
 * tenant salt alone keys the fingerprints and a warning is logged once. Also: the local data folder gets a
 * pepper of its own, older folders included.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoSuppressionList, SuppressionPepper } from '../../../adapters/privacy/dynamo-retention.js';
import { fingerprintKey, identityFingerprint } from '../../../domain/privacy/erasure.js';
import { loadOrCreateState } from '../../../local/seed.js';
import { tempDir } from '../../support/temp.js';

const sm = mockClient(SecretsManagerClient);
const saved = { ...process.env };
const ana = { channel: 'email', externalId: 'ana@example.com' } as const;
const salts = { salt: async (tenantId: string) => `salt-of-${tenantId}` };
// the secret cache lives for the container (the test file): each test reads its own secret id
let secretNumber = 0;
const freshSecretId = () => `social-crm/suppression-pepper-${(secretNumber += 1)}`;

beforeEach(() => {
  sm.reset();
  delete process.env.SUPPRESSION_PEPPER;
  delete process.env.SUPPRESSION_PEPPER_SECRET_ID;
});
afterEach(() => {
  process.env = { ...saved };
});

describe('SuppressionPepper', () => {
  it('takes SUPPRESSION_PEPPER first, without asking Secrets Manager', async () => {
    process.env.SUPPRESSION_PEPPER = 'local-pepper';
    process.env.SUPPRESSION_PEPPER_SECRET_ID = freshSecretId();
    const warn = vi.fn();
    expect(await new SuppressionPepper(warn).value()).toBe('local-pepper');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads the secret SUPPRESSION_PEPPER_SECRET_ID otherwise, once for the container, concurrent callers included', async () => {
    const secretId = freshSecretId();
    process.env.SUPPRESSION_PEPPER_SECRET_ID = secretId;
    sm.on(GetSecretValueCommand, { SecretId: secretId }).resolves({ SecretString: 'pepper-from-aws' });
    const pepper = new SuppressionPepper(vi.fn());
    expect(await Promise.all([pepper.value(), pepper.value()])).toEqual(['pepper-from-aws', 'pepper-from-aws']);
    expect(await new SuppressionPepper(vi.fn()).value()).toBe('pepper-from-aws');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: secretId });
  });

  it('refuses an empty secret, and reads again after a failed read', async () => {
    const secretId = freshSecretId();
    process.env.SUPPRESSION_PEPPER_SECRET_ID = secretId;
    sm.on(GetSecretValueCommand).resolvesOnce({}).resolves({ SecretString: 'second-try' });
    const pepper = new SuppressionPepper(vi.fn());
    await expect(pepper.value()).rejects.toThrow(/holds no string/);
    expect(await pepper.value()).toBe('second-try');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('falls back to no pepper (the salt alone) with neither, and warns once', async () => {
    const warn = vi.fn();
    const pepper = new SuppressionPepper(warn);
    expect(await pepper.value()).toBe('');
    expect(await pepper.value()).toBe('');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/SUPPRESSION_PEPPER/);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('DynamoSuppressionList fingerprints', () => {
  it('key the identity with the pepper and the tenant salt', async () => {
    const list = new DynamoSuppressionList(salts, { value: async () => 'pepper-1' });
    const [fingerprint] = await list.fingerprints('acme', [ana]);
    expect(fingerprint).toBe(identityFingerprint(fingerprintKey('pepper-1', 'salt-of-acme'), ana));
    const [other] = await new DynamoSuppressionList(salts, { value: async () => 'pepper-2' }).fingerprints('acme', [ana]);
    expect(other).not.toBe(fingerprint);
  });

  it('use the salt alone when no pepper is configured, as before', async () => {
    const list = new DynamoSuppressionList(salts, new SuppressionPepper(vi.fn()));
    expect(await list.fingerprints('acme', [ana])).toEqual([identityFingerprint(fingerprintKey('', 'salt-of-acme'), ana)]);
  });

  it('follow the secret when only SUPPRESSION_PEPPER_SECRET_ID is set', async () => {
    const secretId = freshSecretId();
    process.env.SUPPRESSION_PEPPER_SECRET_ID = secretId;
    sm.on(GetSecretValueCommand, { SecretId: secretId }).resolves({ SecretString: 'pepper-from-aws' });
    const list = new DynamoSuppressionList(salts, new SuppressionPepper(vi.fn()));
    expect(await list.fingerprints('globex', [ana])).toEqual([identityFingerprint(fingerprintKey('pepper-from-aws', 'salt-of-globex'), ana)]);
  });
});

describe('local data folder', () => {
  it('makes a pepper once, keeps it across starts, and adds one to an older folder', () => {
    const dir = tempDir('social-crm-pepper-');
    const first = loadOrCreateState(dir);
    expect(first.suppressionPepper.length).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateState(dir).suppressionPepper).toBe(first.suppressionPepper);

    const file = join(dir, 'state.json');
    const { suppressionPepper: _dropped, ...older } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(older));
    const upgraded = loadOrCreateState(dir);
    expect(upgraded.suppressionPepper).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(upgraded.suppressionPepper).not.toBe(first.suppressionPepper);
    expect(upgraded.consentTokenKey).toBe(first.consentTokenKey);
    expect(loadOrCreateState(dir).suppressionPepper).toBe(upgraded.suppressionPepper);
  });
});
