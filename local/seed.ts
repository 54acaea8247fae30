/**
 * Demo tenants for the local runtime: their records, webhook secrets, connected accounts and dev tokens.
 * Secrets and the token key are made once per data folder and kept there, so a restart keeps them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../domain/auth.js';
import type { Tenant } from '../domain/model.js';
import { devToken } from './jwt.js';

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
}

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
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalState;
  const state: LocalState = {
    jwtKey: randomBytes(32).toString('base64'),
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

export interface Credentials {
  apiUrl: string;
  tenants: (Omit<DemoTenant, 'name'> & { tokens: Record<Role, string> })[];
}

/** `.local/credentials.json`, exactly as DESIGN §5 describes it. */
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
  };
  writeFileSync(join(dataDir, 'credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
