/**
 * Tenant webhook secrets. In AWS each tenant has one Secrets Manager secret
 * `${SECRETS_PREFIX}${tenantId}` holding JSON in the TenantSecretsDocument shape; locally the runtime
 * installs a file-backed store. Values are cached briefly: a rotation takes effect within the TTL, and
 * both secrets stay valid during a rotation anyway.
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { SecretStore, TenantSecrets } from '../domain/ports.js';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** What a tenant's secret document holds; every value may be a string or, during a rotation, a list. */
export const TenantSecretsDocument = z.object({
  meta: z.object({ appSecret: oneOrMany, verifyToken: oneOrMany }).optional(),
  x: z.object({ consumerSecret: oneOrMany }).optional(),
  youtube: z.object({ secret: oneOrMany }).optional(),
  shopify: z.object({ secret: oneOrMany }).optional(),
  woocommerce: z.object({ secret: oneOrMany }).optional(),
  events: z.object({ secret: oneOrMany }).optional(),
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

export class SecretsManagerStore implements SecretStore {
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

export function setSecretStore(store: SecretStore | undefined): void {
  override = store;
}
