/**
 * Tenant webhook secrets. In AWS each tenant has one Secrets Manager secret
 * `${SECRETS_PREFIX}${tenantId}` holding JSON in the TenantSecretsDocument shape; locally the runtime
 * installs a file-backed store. Values are cached briefly: a rotation takes effect within the TTL, and
 * both secrets stay valid during a rotation anyway.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { SecretStore, TenantSecrets } from '../../domain/shared/ports.js';
import { SECRET_FIELDS, type ConnectionSecretStore, type SecretGroup, type TenantSecretEntries } from '../../domain/social/index.js';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** What a tenant's secret document holds; every value may be a string or, during a rotation, a list. */
export const TenantSecretsDocument = z.object({
  meta: z.object({ appSecret: oneOrMany, verifyToken: oneOrMany }).optional(),
  x: z.object({ consumerSecret: oneOrMany }).optional(),
  youtube: z.object({ secret: oneOrMany }).optional(),
  shopify: z.object({ secret: oneOrMany }).optional(),
  woocommerce: z.object({ secret: oneOrMany }).optional(),
  events: z.object({ secret: oneOrMany }).optional(),
  /**
   * When each value became active, parallel to the values (newest first), per set and field:
   * `{ "meta": { "appSecret": ["2026-11-23T10:00:00.000Z", null] } }`. Written by the connections API; a
   * document made by hand may leave it out (the dates then show as null).
   */
  addedAt: z.record(z.string(), z.record(z.string(), z.array(z.string().nullable()))).optional(),
});
export type TenantSecretsDocument = z.input<typeof TenantSecretsDocument>;

export function toTenantSecrets(document: unknown): TenantSecrets {
  const d = TenantSecretsDocument.parse(document);
  return {
    meta: { appSecrets: d.meta?.appSecret ?? [], verifyTokens: d.meta?.verifyToken ?? [] },
    x: { consumerSecrets: d.x?.consumerSecret ?? [] },
    youtube: { secrets: d.youtube?.secret ?? [] },
    shopify: { secrets: d.shopify?.secret ?? [] },
    woocommerce: { secrets: d.woocommerce?.secret ?? [] },
    events: { secrets: d.events?.secret ?? [] },
  };
}

const TTL_MS = 60_000;

export class SecretsManagerStore implements WritableSecretStore {
  private readonly cache = new Map<string, { at: number; value: TenantSecrets | undefined }>();
  constructor(
    private readonly client = new SecretsManagerClient({}),
    private readonly prefix = process.env.SECRETS_PREFIX ?? 'social-crm/tenants/',
  ) {}

  async getTenantSecrets(tenantId: string): Promise<TenantSecrets | undefined> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    let value: TenantSecrets | undefined;
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: `${this.prefix}${tenantId}` }));
      value = result.SecretString ? toTenantSecrets(JSON.parse(result.SecretString)) : undefined;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    this.cache.set(tenantId, { at: Date.now(), value });
    return value;
  }

  /** The tenant's document as stored, read past the cache (for read-modify-write by the connections API). */
  async getTenantSecretsDocument(tenantId: string): Promise<TenantSecretsDocument | undefined> {
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: `${this.prefix}${tenantId}` }));
      return result.SecretString ? (JSON.parse(result.SecretString) as TenantSecretsDocument) : undefined;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  /**
   * Writes the tenant's whole document as a new secret version (PutSecretValue), creating the secret the
   * first time (CreateSecret). The document is validated first, so webhooks can always read what is written.
   * This container's cache gets the new value at once; other containers within TTL_MS. Last writer wins.
   */
  async putTenantSecrets(tenantId: string, document: TenantSecretsDocument): Promise<void> {
    const secrets = toTenantSecrets(document);
    const SecretId = `${this.prefix}${tenantId}`;
    const SecretString = JSON.stringify(document);
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await this.client.send(
          new CreateSecretCommand({
            Name: SecretId,
            Description: `Social CRM webhook secrets of tenant ${tenantId}`,
            SecretString,
            Tags: [{ Key: 'social-crm:tenant', Value: tenantId }],
          }),
        );
      } catch (createError) {
        // another writer created it a moment ago: write our version over it
        if (!(createError instanceof ResourceExistsException)) throw createError;
        await this.client.send(new PutSecretValueCommand({ SecretId, SecretString }));
      }
    }
    this.cache.set(tenantId, { at: Date.now(), value: secrets });
  }
}

/** A secret store the connections API can write to (Secrets Manager in AWS, the encrypted file locally). */
export interface WritableSecretStore extends SecretStore {
  getTenantSecretsDocument(tenantId: string): Promise<TenantSecretsDocument | undefined>;
  putTenantSecrets(tenantId: string, document: TenantSecretsDocument): Promise<void>;
}

export function isWritableSecretStore(store: SecretStore): store is WritableSecretStore {
  const candidate = store as Partial<WritableSecretStore>;
  return typeof candidate.putTenantSecrets === 'function' && typeof candidate.getTenantSecretsDocument === 'function';
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The document's values with their dates, per set and field (newest first), as domain/social/connections.ts uses them. */
export function secretEntriesOf(document: TenantSecretsDocument): TenantSecretEntries {
  const entries: TenantSecretEntries = {};
  for (const group of Object.keys(SECRET_FIELDS) as SecretGroup[]) {
    const set = document[group] as Record<string, string | string[]> | undefined;
    if (!set) continue;
    entries[group] = Object.fromEntries(
      SECRET_FIELDS[group].map((field) => {
        const dates = document.addedAt?.[group]?.[field] ?? [];
        return [field, asList(set[field]).map((value, i) => ({ value, addedAt: dates[i] ?? null }))];
      }),
    );
  }
  return entries;
}

/** The other way: one value stays a plain string (as scripts write it), two become a list, newest first. */
export function secretsDocumentOf(entries: TenantSecretEntries): TenantSecretsDocument {
  const document: Record<string, unknown> = {};
  const addedAt: Record<string, Record<string, (string | null)[]>> = {};
  for (const group of Object.keys(SECRET_FIELDS) as SecretGroup[]) {
    const set = entries[group];
    if (!set) continue;
    document[group] = Object.fromEntries(
      SECRET_FIELDS[group].map((field) => {
        const values = (set[field] ?? []).map((e) => e.value);
        return [field, values.length === 1 ? values[0] : values];
      }),
    );
    addedAt[group] = Object.fromEntries(SECRET_FIELDS[group].map((field) => [field, (set[field] ?? []).map((e) => e.addedAt)]));
  }
  return { ...(document as TenantSecretsDocument), addedAt };
}

/** The connections API's port on a writable store. */
export function connectionSecretStore(store: WritableSecretStore): ConnectionSecretStore {
  return {
    async getTenantSecretEntries(tenantId) {
      const document = await store.getTenantSecretsDocument(tenantId);
      if (!document) return undefined;
      TenantSecretsDocument.parse(document); // refuse to build on a document webhooks could not read
      return secretEntriesOf(document);
    },
    async putTenantSecretEntries(tenantId, entries) {
      await store.putTenantSecrets(tenantId, secretsDocumentOf(entries));
    },
  };
}

/** In-memory store the local runtime fills from `.local/secrets.json`. */
export class StaticSecretStore implements SecretStore {
  constructor(private readonly byTenant: Map<string, TenantSecrets>) {}
  async getTenantSecrets(tenantId: string): Promise<TenantSecrets | undefined> {
    return this.byTenant.get(tenantId);
  }
}

let override: SecretStore | undefined;
let cloud: SecretStore | undefined;

export function secretStore(): SecretStore {
  if (override) return override;
  cloud ??= new SecretsManagerStore();
  return cloud;
}

/** The store the connections API writes to: the installed one (local runtime) or Secrets Manager. */
export function writableSecretStore(): WritableSecretStore {
  const store = secretStore();
  if (!isWritableSecretStore(store)) throw new Error('the installed secret store cannot be written to');
  return store;
}

export function setSecretStore(store: SecretStore | undefined): void {
  override = store;
}
