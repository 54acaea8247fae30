/**
 * Consent and audit test helpers: in-memory fakes of the ledger, audit log and e-mail sender for unit
 * tests; for integration tests, customers seeded straight into the runtime's table, the local outbox,
 * and the data folder's consent link key (to mint expired or foreign tokens).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoCustomerRepository } from '../../adapters/customers/dynamo-customers.js';
import type { AuditEntry, AuditInput, AuditQuery } from '../../domain/audit/audit.js';
import type { ConsentRecord } from '../../domain/consent/consent.js';
import { resolveCustomer, type IdentityInput } from '../../domain/customers/identity.js';
import type { ConsentSummary, Customer, Page } from '../../domain/shared/model.js';
import type { AuditLog, ConsentRepository, CustomerRepository, EmailMessage, EmailSender } from '../../domain/shared/ports.js';
import { loadOrCreateState } from '../../local/seed.js';

// ---- unit-test fakes ----

export class FakeConsents implements ConsentRepository {
  readonly records: ConsentRecord[] = [];
  readonly usedNonces = new Set<string>();
  constructor(private readonly customers: { customers: Map<string, Customer> }) {}
  async append(record: ConsentRecord, consumeNonce?: { nonce: string; expiresAt: number }) {
    if (this.records.some((r) => r.id === record.id && r.at === record.at && r.customerId === record.customerId)) return 'exists' as const;
    if (consumeNonce) {
      const key = `${record.tenantId}|${record.customerId}|${consumeNonce.nonce}`;
      if (this.usedNonces.has(key)) return 'nonce-used' as const;
      this.usedNonces.add(key);
    }
    this.records.push(structuredClone(record));
    return 'appended' as const;
  }
  async history(tenantId: string, customerId: string) {
    return this.records
      .filter((r) => r.tenantId === tenantId && r.customerId === customerId)
      .sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at)));
  }
  async updateSummary(tenantId: string, customerId: string, change: (s: ConsentSummary | undefined) => ConsentSummary) {
    const customer = this.customers.customers.get(customerId);
    if (!customer || customer.tenantId !== tenantId) return undefined;
    customer.consentSummary = change(customer.consentSummary);
    return customer;
  }
}

export class FakeAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  private n = 0;
  async record(entry: AuditInput) {
    const stored: AuditEntry = { ...entry, id: `audit-${++this.n}`, details: entry.details ?? {} };
    this.entries.push(stored);
    return stored;
  }
  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const items = this.entries
      .filter((e) => e.tenantId === query.tenantId)
      .filter((e) => query.targetId === undefined || e.targetId === query.targetId)
      .filter((e) => query.actor === undefined || e.actor === query.actor)
      .filter((e) => query.since === undefined || e.at >= query.since)
      .reverse()
      .slice(0, query.limit);
    return { items, nextCursor: null };
  }
}

export class FakeEmail implements EmailSender {
  readonly sent: EmailMessage[] = [];
  failNext = false;
  async send(message: EmailMessage) {
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('SES refused'), { name: 'MessageRejected' });
    }
    this.sent.push(message);
    return { messageId: `m-${this.sent.length}` };
  }
}

export const TEST_CONSENT_KEY = 'unit-test-consent-key-0123456789abcdef';

/** A customer in a fake repository, with the identities given. */
export function fakeCustomer(customers: { customers: Map<string, Customer> }, tenantId: string, id: string, identities: IdentityInput[] = []): Customer {
  const now = '2026-11-01T00:00:00.000Z';
  const customer: Customer = {
    id,
    tenantId,
    stage: 'prospect',
    identities: identities.map((i) => ({ ...i, firstSeenAt: now })),
    activity: { interactionsByChannel: {} },
    createdAt: now,
    updatedAt: now,
  } as Customer;
  customers.customers.set(id, customer);
  return customer;
}

// ---- integration helpers ----

let seq = 0;

/** A unique e-mail address for one test. */
export function uniqueEmail(label = 'person'): string {
  return `${label}.${Date.now().toString(36)}${++seq}@example.test`;
}

/**
 * A customer created straight in the runtime's table (the test process shares the runtime's DynamoDB
 * client), holding the identities given; answers its id.
 */
export async function seedCustomer(tenantId: string, identities: IdentityInput[]): Promise<string> {
  const repository: CustomerRepository = new DynamoCustomerRepository();
  const [primary, ...links] = identities;
  if (!primary) throw new Error('seedCustomer needs at least one identity');
  const { customerId } = await resolveCustomer(
    { customers: repository, clock: { now: () => new Date() }, ids: { next: () => randomUUID() } },
    tenantId,
    { primary, links },
  );
  return customerId;
}

export interface OutboxMessage extends EmailMessage {
  messageId: string;
  sentAt: string;
}

/** Every e-mail the local runtime "sent", oldest first. */
export function outbox(dataDir: string): OutboxMessage[] {
  const dir = join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OutboxMessage);
}

/** The confirmation link of the latest e-mail to this address. */
export function confirmationLinkFor(dataDir: string, address: string): string {
  const message = outbox(dataDir)
    .filter((m) => m.to === address)
    .at(-1);
  if (!message) throw new Error(`no e-mail to ${address} in the outbox`);
  const link = /https?:\/\/\S+\/consent\/confirm\?token=[A-Za-z0-9._%-]+/.exec(message.text)?.[0];
  if (!link) throw new Error('the e-mail holds no confirmation link');
  return link;
}

/** The key the local runtime signs consent links with (kept in the data folder's state). */
export function localConsentKey(dataDir: string): string {
  return loadOrCreateState(dataDir).consentTokenKey;
}

/** The token of a link (`?token=`), decoded. */
export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error('link without token');
  return token;
}

/** The same token with one character of its payload changed, signature kept (an altered link). */
export function alterPayload(token: string): string {
  const [payload, signature] = token.split('.') as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  decoded.ch = decoded.ch === 'sms' ? 'email' : 'sms';
  return `${Buffer.from(JSON.stringify(decoded), 'utf8').toString('base64url')}.${signature}`;
}
