/**
 * Demo tenants for the local runtime: their records, webhook secrets, connected accounts and dev tokens.
 * Secrets and the token key are made once per data folder and kept there, so a restart keeps them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../domain/shared/auth.js';
import type { Tenant } from '../domain/shared/model.js';
import type { TenantSecretsDocument } from '../adapters/shared/secrets.js';
import { devOperatorToken, devToken } from './jwt.js';

export interface DemoTenant {
  tenantId: string;
  name: string;
  secrets: {
    meta: { appSecret: string; verifyToken: string };
    x: { consumerSecret: string };
    youtube: { secret: string };
    shopify: { secret: string };
    woocommerce: { secret: string };
    events: { secret: string };
  };
  accounts: { facebook: string; instagram: string; whatsapp: string; x: string; youtube: string };
}

export interface LocalState {
  jwtKey: string;
  tenants: DemoTenant[];
  /** Signs the consent links (double opt-in, unsubscribe); added to an older data folder on its next start. */
  consentTokenKey: string;
  /** Keys the suppression tombstones with the tenant salt; added to an older data folder on its next start. */
  suppressionPepper: string;
}

/** What an older data folder may lack: made on its next start. */
type AddedLater = 'consentTokenKey' | 'suppressionPepper';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function demoTenant(tenantId: string, name: string, n: number): DemoTenant {
  return {
    tenantId,
    name,
    secrets: {
      meta: { appSecret: hex(16), verifyToken: hex(12) },
      x: { consumerSecret: hex(24) },
      youtube: { secret: hex(16) },
      shopify: { secret: hex(16) },
      woocommerce: { secret: hex(16) },
      // Standard Webhooks: whsec_ + base64 of the key bytes
      events: { secret: `whsec_${randomBytes(24).toString('base64')}` },
    },
    accounts: {
      facebook: `10000000000000${n}`,
      instagram: `1784000000000000${n}`,
      whatsapp: `10600000000000${n}`,
      x: `90000000000000000${n}`,
      youtube: `UCdemo${tenantId.replace(/[^a-z]/g, '')}${n}`.slice(0, 24).padEnd(24, 'x'),
    },
  };
}

/** Loads the data folder's state, creating it (two demo tenants) the first time. */
export function loadOrCreateState(dataDir: string): LocalState {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'state.json');
  if (existsSync(file)) {
    const existing = JSON.parse(readFileSync(file, 'utf8')) as Partial<Pick<LocalState, AddedLater>> & Omit<LocalState, AddedLater>;
    if (existing.consentTokenKey && existing.suppressionPepper) return existing as LocalState;
    const upgraded: LocalState = {
      ...existing,
      consentTokenKey: existing.consentTokenKey ?? randomBytes(32).toString('base64url'),
      suppressionPepper: existing.suppressionPepper ?? randomBytes(32).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const state: LocalState = {
    jwtKey: randomBytes(32).toString('base64'),
    consentTokenKey: randomBytes(32).toString('base64url'),
    suppressionPepper: randomBytes(32).toString('base64url'),
    tenants: [demoTenant('acme', 'Acme Outdoor', 1), demoTenant('globex', 'Globex Coffee', 2)],
  };
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

export function tenantRecord(t: DemoTenant, now = new Date()): Tenant {
  return {
    tenantId: t.tenantId,
    name: t.name,
    accounts: Object.fromEntries(Object.entries(t.accounts).map(([k, v]) => [k, [v]])),
    createdAt: now.toISOString(),
  };
}

/** A demo tenant's secrets as the local secret store keeps them (the Secrets Manager document shape). */
export function demoSecretsDocument(t: DemoTenant, now = new Date()): TenantSecretsDocument {
  const at = now.toISOString();
  const addedAt = Object.fromEntries(
    Object.entries(t.secrets).map(([group, fields]) => [group, Object.fromEntries(Object.keys(fields).map((field) => [field, [at]]))]),
  );
  return { ...t.secrets, addedAt };
}

export interface Credentials {
  apiUrl: string;
  tenants: (Omit<DemoTenant, 'name'> & { tokens: Record<Role, string> })[];
  /** The platform operator (costs across tenants): not a tenant's user. */
  operator: { token: string };
}

/** `.local/credentials.json`, in the shape users and tests rely on: apiUrl, and per tenant (two at least) its id, webhook secrets, connected account ids and a token per role. */
export function writeCredentials(dataDir: string, apiUrl: string, state: LocalState): Credentials {
  const key = Buffer.from(state.jwtKey, 'base64');
  const credentials: Credentials = {
    apiUrl,
    tenants: state.tenants.map((t) => ({
      tenantId: t.tenantId,
      secrets: t.secrets,
      accounts: t.accounts,
      tokens: Object.fromEntries(ROLES.map((role) => [role, devToken(key, t.tenantId, role)])) as Record<Role, string>,
    })),
    operator: { token: devOperatorToken(key) },
  };
  writeFileSync(join(dataDir, 'credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
