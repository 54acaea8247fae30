/**
 * The local runtime's tenant secret store: the same TenantSecretsDocument per tenant as Secrets Manager
 * holds in AWS, kept in one file under the data folder, encrypted with AES-256-GCM.
 *
 *   <dir>/secrets.key   32 random bytes (base64), made on first use, readable by the owner only
 *   <dir>/secrets.enc   { format, iv, tag, data }: the JSON map tenantId → document, encrypted and
 *                       authenticated (a changed byte fails to decrypt instead of yielding wrong secrets)
 *
 * Every write uses a fresh IV and replaces the file atomically (write beside it, then rename). One process
 * owns a data folder (as with DynamoDB Local), so the documents are read once and kept in memory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantSecrets } from '../../domain/shared/ports.js';
import { toTenantSecrets, TenantSecretsDocument, type WritableSecretStore } from './secrets.js';

const FORMAT = 'social-crm-local-secrets/1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

interface Envelope {
  format: string;
  iv: string;
  tag: string;
  data: string;
}

export class LocalSecretStore implements WritableSecretStore {
  private readonly documents: Map<string, TenantSecretsDocument>;
  private readonly key: Buffer;
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.key = loadOrCreateKey(join(dir, 'secrets.key'));
    this.file = join(dir, 'secrets.enc');
    this.documents = existsSync(this.file) ? decrypt(this.key, readFileSync(this.file, 'utf8')) : new Map();
  }

  async getTenantSecrets(tenantId: string): Promise<TenantSecrets | undefined> {
    const document = this.documents.get(tenantId);
    return document ? toTenantSecrets(document) : undefined;
  }

  async getTenantSecretsDocument(tenantId: string): Promise<TenantSecretsDocument | undefined> {
    const document = this.documents.get(tenantId);
    return document ? structuredClone(document) : undefined;
  }

  async putTenantSecrets(tenantId: string, document: TenantSecretsDocument): Promise<void> {
    TenantSecretsDocument.parse(document);
    this.documents.set(tenantId, structuredClone(document));
    this.persist();
  }

  /** First start: the demo tenants' secrets. A tenant already in the store keeps what it has (rotations survive restarts). */
  seed(documents: Iterable<[string, TenantSecretsDocument]>): void {
    let added = false;
    for (const [tenantId, document] of documents) {
      if (this.documents.has(tenantId)) continue;
      TenantSecretsDocument.parse(document);
      this.documents.set(tenantId, structuredClone(document));
      added = true;
    }
    if (added) this.persist();
  }

  private persist(): void {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(FORMAT));
    const plain = Buffer.from(JSON.stringify(Object.fromEntries(this.documents)), 'utf8');
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    const envelope: Envelope = { format: FORMAT, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(envelope), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte key`);
    return key;
  }
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  return key;
}

function decrypt(key: Buffer, text: string): Map<string, TenantSecretsDocument> {
  const envelope = JSON.parse(text) as Envelope;
  if (envelope.format !== FORMAT) throw new Error(`unknown local secret store format ${String(envelope.format)}`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAAD(Buffer.from(FORMAT));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  // a wrong key or a changed file throws here ("Unsupported state or unable to authenticate data")
  const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
  return new Map(Object.entries(JSON.parse(plain.toString('utf8')) as Record<string, TenantSecretsDocument>));
}
