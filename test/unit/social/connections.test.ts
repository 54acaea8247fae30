import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyAccounts,
  applySecretUpdate,
  connectionView,
  listConnections,
  retireConnectionSecrets,
  retireSecrets,
  updateConnection,
  type SecretEntry,
} from '../../../domain/social/connections.js';
import { Conflict, InvalidInput, NotFound } from '../../../domain/shared/errors.js';
import type { Tenant } from '../../../domain/shared/model.js';
import { ConnectionUpdateBodies } from '../../../api/schemas.js';
import { LocalSecretStore } from '../../../adapters/shared/local-secret-store.js';
import { secretEntriesOf, secretsDocumentOf, toTenantSecrets } from '../../../adapters/shared/secrets.js';
import { fixedClock } from '../../support/fakes.js';
import { FakeConnectionStores } from '../../support/merge-fakes.js';
import { tempDir } from '../../support/temp.js';

const T1 = '2026-11-01T10:00:00.000Z';
const T2 = '2026-11-23T10:00:00.000Z';
const entry = (value: string, addedAt: string | null = T1): SecretEntry => ({ value, addedAt });

describe('secret rotation rules', () => {
  it("'replace' makes the given value the only one, dated now; other fields keep theirs", () => {
    const current = { appSecret: [entry('old-app'), entry('older-app')], verifyToken: [entry('tok')] };
    const next = applySecretUpdate(current, 'meta', { appSecret: 'new-app' }, 'replace', T2);
    expect(next).toEqual({ appSecret: [entry('new-app', T2)], verifyToken: [entry('tok')] });
  });

  it("'replace' with the value already active alone keeps its date (a repeated PUT changes nothing)", () => {
    const current = { secret: [entry('s1')] };
    expect(applySecretUpdate(current, 'shopify', { secret: 's1' }, 'replace', T2)).toEqual({ secret: [entry('s1')] });
  });

  it("'add' puts the new value first, beside the current one", () => {
    const next = applySecretUpdate({ consumerSecret: [entry('c1')] }, 'x', { consumerSecret: 'c2' }, 'add', T2);
    expect(next.consumerSecret).toEqual([entry('c2', T2), entry('c1')]);
  });

  it("'add' refuses a third active secret with Conflict, and accepts a value already active as a no-op", () => {
    const two = { secret: [entry('s2', T2), entry('s1')] };
    expect(() => applySecretUpdate(two, 'woocommerce', { secret: 's3' }, 'add', T2)).toThrow(Conflict);
    expect(applySecretUpdate(two, 'woocommerce', { secret: 's1' }, 'add', T2)).toEqual(two);
  });

  it('a set must end up complete: a first Meta connection needs both the app secret and the verify token', () => {
    expect(() => applySecretUpdate(undefined, 'meta', { appSecret: 'a'.repeat(32) }, 'replace', T2)).toThrow(InvalidInput);
    const both = applySecretUpdate(undefined, 'meta', { appSecret: 'app', verifyToken: 'tok' }, 'add', T2);
    expect(both).toEqual({ appSecret: [entry('app', T2)], verifyToken: [entry('tok', T2)] });
  });

  it('refuses a field the set does not have', () => {
    expect(() => applySecretUpdate({ secret: [entry('s')] }, 'shopify', { appSecret: 'x' }, 'replace', T2)).toThrow(InvalidInput);
  });

  it("retire keeps the newest (ends a rotation) or the oldest (rolls it back); one field or all; repeating changes nothing", () => {
    const current = { appSecret: [entry('new', T2), entry('old')], verifyToken: [entry('tok2', T2), entry('tok1')] };
    expect(retireSecrets(current, 'meta', { keep: 'newest' })).toEqual({ appSecret: [entry('new', T2)], verifyToken: [entry('tok2', T2)] });
    expect(retireSecrets(current, 'meta', { keep: 'oldest', field: 'appSecret' })).toEqual({
      appSecret: [entry('old')],
      verifyToken: [entry('tok2', T2), entry('tok1')],
    });
    const once = retireSecrets(current, 'meta', { keep: 'newest' });
    expect(retireSecrets(once, 'meta', { keep: 'newest' })).toEqual(once);
    expect(() => retireSecrets(current, 'meta', { keep: 'newest', field: 'secret' })).toThrow(InvalidInput);
  });
});

const tenant = (): Tenant => ({ tenantId: 'acme', name: 'Acme', accounts: { facebook: ['111'] }, createdAt: T1 });

describe('connected accounts', () => {
  it('replaces one network’s ids (each once) and leaves the others', () => {
    const next = applyAccounts({ ...tenant(), accounts: { facebook: ['111'], x: ['9'] } }, 'facebook', { accountIds: ['222', '333', '222'] });
    expect(next.accounts).toEqual({ facebook: ['222', '333'], x: ['9'] });
  });

  it('keeps YouTube watched channels apart from the brand’s own', () => {
    const own = 'UC' + 'a'.repeat(22);
    const watched = 'UC' + 'b'.repeat(22);
    const next = applyAccounts(tenant(), 'youtube', { accountIds: [own], watchedChannelIds: [watched] });
    expect(next.accounts.youtube).toEqual([own]);
    expect(next.watched).toEqual({ youtube: [watched] });
  });

  it('the view counts and dates secrets but carries no value', () => {
    const view = connectionView('instagram', tenant(), { meta: { appSecret: [entry('super-secret-value', T2), entry('older-secret-value', null)], verifyToken: [entry('tok-value')] } });
    expect(view).toEqual({
      channel: 'instagram',
      accountIds: [],
      secretGroup: 'meta',
      secrets: { appSecret: { active: 2, addedAt: [T2, null] }, verifyToken: { active: 1, addedAt: [T1] } },
    });
    expect(JSON.stringify(view)).not.toMatch(/secret-value|tok-value/);
  });
});

describe('request bodies, per channel', () => {
  it('accepts each network’s own fields and refuses the others', () => {
    expect(ConnectionUpdateBodies.facebook.safeParse({ accountIds: ['123'], secrets: { appSecret: 'a'.repeat(32), verifyToken: 'verify-me' } }).success).toBe(true);
    expect(ConnectionUpdateBodies.facebook.safeParse({ secrets: { secret: 'a'.repeat(32) } }).success).toBe(false);
    expect(ConnectionUpdateBodies.shopify.safeParse({ accountIds: ['1'] }).success).toBe(false);
    expect(ConnectionUpdateBodies.x.safeParse({ accountIds: ['not-a-number'] }).success).toBe(false);
    expect(ConnectionUpdateBodies.youtube.safeParse({ watchedChannelIds: ['UC' + 'x'.repeat(22)] }).success).toBe(true);
    expect(ConnectionUpdateBodies.youtube.safeParse({}).success).toBe(false);
  });

  it('takes only Standard Webhooks secrets for the events endpoint (whsec_ and 24 to 64 key bytes)', () => {
    const good = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(ConnectionUpdateBodies.events.safeParse({ secrets: { secret: good } }).success).toBe(true);
    expect(ConnectionUpdateBodies.events.safeParse({ secrets: { secret: Buffer.alloc(32, 7).toString('base64') } }).success).toBe(false);
    expect(ConnectionUpdateBodies.events.safeParse({ secrets: { secret: `whsec_${Buffer.alloc(8).toString('base64')}` } }).success).toBe(false);
  });

  it("defaults rotation to 'replace'", () => {
    const parsed = ConnectionUpdateBodies.shopify.parse({ secrets: { secret: 's'.repeat(20) } });
    expect(parsed.rotation).toBe('replace');
  });
});

describe('connection use cases', () => {
  function setup() {
    const stores = new FakeConnectionStores();
    stores.tenants.set('acme', tenant());
    stores.secrets.set('acme', { meta: { appSecret: [entry('app-1')], verifyToken: [entry('tok-1')] } });
    const audits: unknown[] = [];
    const ports = {
      tenants: stores.tenantPort,
      secrets: stores.secretPort,
      clock: fixedClock(T2),
      audit: { record: async (e: never) => (audits.push(e), { ...(e as object), id: 'a1' }) } as never,
    };
    return { stores, ports, audits, actor: { tenantId: 'acme', subject: 'user-1' } };
  }

  it('writes secrets before accounts, and audits which fields changed without any value', async () => {
    const { stores, ports, audits, actor } = setup();
    const view = await updateConnection(ports, actor, 'facebook', { accountIds: ['222'], secrets: { appSecret: 'app-2' }, rotation: 'add' });
    expect(stores.writes).toEqual(['secrets', 'tenant']);
    expect(view.accountIds).toEqual(['222']);
    expect(view.secrets.appSecret).toEqual({ active: 2, addedAt: [T2, T1] });
    expect(stores.secrets.get('acme')?.meta?.appSecret?.map((e) => e.value)).toEqual(['app-2', 'app-1']);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'connection.changed', targetId: 'facebook', actor: 'user-1', details: { secretFields: ['appSecret'] } });
    expect(JSON.stringify(audits)).not.toContain('app-2');
  });

  it('retiring when nothing is rotating writes nothing', async () => {
    const { stores, ports, actor } = setup();
    await retireConnectionSecrets(ports, actor, 'whatsapp', { keep: 'newest' });
    expect(stores.writes).toEqual([]);
  });

  it('lists all eight channels; an unknown tenant is 404', async () => {
    const { ports } = setup();
    const items = await listConnections(ports, 'acme');
    expect(items.map((i) => i.channel)).toEqual(['facebook', 'instagram', 'whatsapp', 'x', 'youtube', 'shopify', 'woocommerce', 'events']);
    expect(items.find((i) => i.channel === 'x')?.secrets).toEqual({ consumerSecret: { active: 0, addedAt: [] } });
    await expect(listConnections(ports, 'nobody')).rejects.toThrow(NotFound);
  });
});

describe('secret documents', () => {
  it('round-trip: one value stays a string, two become a list newest first, dates alongside', () => {
    const entries = { meta: { appSecret: [entry('a2', T2), entry('a1', null)], verifyToken: [entry('t1')] }, events: { secret: [entry('whsec_x')] } };
    const document = secretsDocumentOf(entries);
    expect(document).toMatchObject({ meta: { appSecret: ['a2', 'a1'], verifyToken: 't1' }, events: { secret: 'whsec_x' } });
    expect(secretEntriesOf(document)).toEqual(entries);
    expect(toTenantSecrets(document).meta.appSecrets).toEqual(['a2', 'a1']);
  });

  it('a document written by hand, without dates, reads with null dates', () => {
    expect(secretEntriesOf({ shopify: { secret: ['s2', 's1'] } })).toEqual({ shopify: { secret: [entry('s2', null), entry('s1', null)] } });
  });
});

describe('LocalSecretStore', () => {
  const document = { shopify: { secret: 'plain-shopify-secret-value' }, x: { consumerSecret: 'plain-x-consumer-secret' } };

  it('keeps documents encrypted on disk and reads them back after a restart', async () => {
    const dir = tempDir('secrets-');
    const store = new LocalSecretStore(dir);
    await store.putTenantSecrets('acme', document);
    const onDisk = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(onDisk).not.toContain('plain-shopify-secret-value');
    expect(onDisk).not.toContain('plain-x-consumer-secret');
    expect(JSON.parse(readFileSync(join(dir, 'secrets.enc'), 'utf8'))).toMatchObject({ format: expect.any(String), iv: expect.any(String), tag: expect.any(String) });

    const reopened = new LocalSecretStore(dir);
    expect((await reopened.getTenantSecrets('acme'))?.shopify.secrets).toEqual(['plain-shopify-secret-value']);
    expect(await reopened.getTenantSecrets('globex')).toBeUndefined();
  });

  it('refuses a file that was changed (authenticated encryption)', async () => {
    const dir = tempDir('secrets-');
    await new LocalSecretStore(dir).putTenantSecrets('acme', document);
    const file = join(dir, 'secrets.enc');
    const envelope = JSON.parse(readFileSync(file, 'utf8'));
    const data = Buffer.from(envelope.data, 'base64');
    data[0] = data[0]! ^ 1;
    writeFileSync(file, JSON.stringify({ ...envelope, data: data.toString('base64') }));
    expect(() => new LocalSecretStore(dir)).toThrow();
  });

  it('seeds a tenant once: what was rotated since is not overwritten on the next start', async () => {
    const dir = tempDir('secrets-');
    const first = new LocalSecretStore(dir);
    first.seed([['acme', { shopify: { secret: 'seeded-secret' } }]]);
    await first.putTenantSecrets('acme', { shopify: { secret: 'rotated-secret' } });
    const second = new LocalSecretStore(dir);
    second.seed([['acme', { shopify: { secret: 'seeded-secret' } }], ['globex', { shopify: { secret: 'globex-secret' } }]]);
    expect((await second.getTenantSecrets('acme'))?.shopify.secrets).toEqual(['rotated-secret']);
    expect((await second.getTenantSecrets('globex'))?.shopify.secrets).toEqual(['globex-secret']);
  });

  it('refuses to store a document webhooks could not read', async () => {
    const store = new LocalSecretStore(tempDir('secrets-'));
    await expect(store.putTenantSecrets('acme', { meta: { appSecret: 'only-half' } } as never)).rejects.toThrow();
  });
});
