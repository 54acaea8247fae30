/**
 * The tenant directory on the one table: settings and connected accounts, cached a minute per container.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '../../domain/shared/model.js';
import type { TenantDirectory } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { documentClient, retryWhileChanged, tableName } from '../dynamo/client.js';
import { TtlCache } from '../dynamo/ttl-cache.js';

/** Tenant settings change rarely and every webhook reads them: a container keeps them for a minute. */
const TENANT_TTL_MS = 60_000;

export class DynamoTenantDirectory implements TenantDirectory {
  private readonly cache = new TtlCache<Tenant | undefined>(TENANT_TTL_MS);

  async get(tenantId: string): Promise<Tenant | undefined> {
    return this.cache.through(
      tenantId,
      async () => (await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId) }))).Item?.data as Tenant | undefined,
      // unknown tenants are not kept, so a tenant created a moment ago is found at once
      { keep: (tenant) => tenant !== undefined },
    );
  }

  async put(tenant: Tenant): Promise<void> {
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.tenant(tenant.tenantId), entity: 'Tenant', data: tenant } }),
    );
  }

  /** Forgets the cached tenant, so this container reads settings just written (tests, admin changes). */
  invalidate(tenantId: string): void {
    this.cache.forget(tenantId);
  }

  /**
   * Read-modify-write of the tenant record with optimistic concurrency on `rev` (two admins changing two
   * networks at once both land). Forgets the cached copy, so this container sees the change at once; other
   * containers within TENANT_TTL_MS. Answers the written tenant, or undefined when it does not exist.
   */
  async update(tenantId: string, change: (tenant: Tenant) => Tenant): Promise<Tenant | undefined> {
    return retryWhileChanged(`tenant ${tenantId}`, async () => {
      const { Item } = await documentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const rev = (Item.rev as number | undefined) ?? 0;
      const next = change(Item.data as Tenant);
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...Item, ...keys.tenant(tenantId), entity: 'Tenant', data: next, rev: rev + 1 },
          ConditionExpression: 'attribute_not_exists(rev) OR rev = :rev',
          ExpressionAttributeValues: { ':rev': rev },
        }),
      );
      this.invalidate(tenantId);
      return next;
    });
  }
}

