/**
 * The loyalty store on the one table. An account change is one transaction: the account (revision check), the
 * source's marker (must not exist: exactly once), the ledger entries as timeline items, and a redemption with
 * its reward's stock (which must not go below zero).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountChange, CommitResult, LoyaltyStore, Outbox, Redemption, Reward } from '../../domain/loyalty/engine.js';
import type { LoyaltyAccount } from '../../domain/loyalty/account.js';
import type { LedgerEntry } from '../../domain/loyalty/ledger.js';
import type { Program } from '../../domain/loyalty/program.js';
import { InvalidInput } from '../../domain/shared/errors.js';
import { keys, unpart } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';
import { TtlCache } from '../dynamo/ttl-cache.js';

const SOURCE_TTL_DAYS = 400;
const PROGRAM_TTL_MS = 2000;
const encode = (sk: string) => encodeCursor({ sk });
const decode = (cursor: string): string => decodeCursor(cursor, z.object({ sk: z.string().startsWith(keys.timelinePrefix).max(1024) })).sk;

export class DynamoLoyaltyStore implements LoyaltyStore {
  /**
   * Programs change rarely and every award reads one: a container keeps it PROGRAM_TTL_MS (an award names the
   * version that decided it, so a change is visible in the ledger from the award it starts to apply to).
   */
  private readonly programs = new TtlCache<Program | undefined>(PROGRAM_TTL_MS);

  async program(tenantId: string): Promise<Program | undefined> {
    return this.programs.through(
      tenantId,
      async () => (await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.loyaltyProgram(tenantId) }))).Item?.data as Program | undefined,
    );
  }

  async putProgram(tenantId: string, program: Program, expectedVersion: number): Promise<boolean> {
    this.programs.forget(tenantId);
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.loyaltyProgram(tenantId), entity: 'LoyaltyProgram', version: program.version, data: program },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion !== 0 && { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async account(tenantId: string, customerId: string) {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.loyaltyAccount(tenantId, customerId), ConsistentRead: true }),
    );
    return Item ? { account: Item.data as LoyaltyAccount, rev: Item.rev as number } : undefined;
  }

  async commit(change: AccountChange): Promise<CommitResult> {
    const { tenantId, customerId } = change;
    const now = new Date().toISOString();
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.loyaltyAccount(tenantId, customerId),
            entity: 'LoyaltyAccount',
            rev: change.rev + 1,
            data: change.account,
            ...(change.nextExpiry && keys.loyaltyExpiryIndex(tenantId, change.nextExpiry, customerId)),
          },
          ConditionExpression: change.rev === 0 ? 'attribute_not_exists(pk)' : 'rev = :rev',
          ...(change.rev !== 0 && { ExpressionAttributeValues: { ':rev': change.rev } }),
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.loyaltySource(tenantId, customerId, change.sourceId),
            entity: 'LoyaltySource',
            at: now,
            delivered: change.outbox.events.length === 0 && change.outbox.messages.length === 0,
            outbox: change.outbox,
            expiresAt: Math.floor(Date.now() / 1000) + SOURCE_TTL_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...change.entries.map((entry) => ({
        Put: {
          TableName: tableName(),
          Item: { ...keys.timelineItem(tenantId, customerId, entry.at, 'loyalty', entry.entryId), entity: 'TimelineItem', type: 'loyalty', occurredAt: entry.at, data: entry },
        },
      })),
    ];
    if (change.redemption) {
      items.push({ Put: { TableName: tableName(), Item: { ...keys.loyaltyRedemption(tenantId, customerId, change.redemption.redemptionId), entity: 'LoyaltyRedemption', data: change.redemption } } });
    }
    const stockIndex = items.length;
    if (change.stock) {
      items.push({
        Update: {
          TableName: tableName(),
          Key: keys.reward(tenantId, change.stock.rewardId),
          UpdateExpression: 'ADD stock :d',
          ...(change.stock.delta < 0 ? { ConditionExpression: 'stock >= :one', ExpressionAttributeValues: { ':d': change.stock.delta, ':one': 1 } } : { ExpressionAttributeValues: { ':d': change.stock.delta } }),
        },
      });
    }
    const codeIndex = items.length;
    if (change.referralCode) {
      items.push({
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.referralCode(tenantId, change.referralCode),
            ...keys.personalIndex(tenantId, customerId, 'ReferralCode', change.referralCode),
            entity: 'ReferralCode',
            customerId,
            code: change.referralCode,
          },
          // a code names one member: another member's code is never overwritten
          ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
          ExpressionAttributeValues: { ':me': customerId },
        },
      });
    }
    if (change.rev === 0) items.push({ Put: { TableName: tableName(), Item: { ...keys.loyaltyTenant(tenantId), entity: 'LoyaltyTenant' } } });
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'changed';
      if (change.stock && reasons[stockIndex]?.Code === 'ConditionalCheckFailed') return 'out_of_stock';
      if (change.referralCode && reasons[codeIndex]?.Code === 'ConditionalCheckFailed') return 'code_taken';
      // a conflicting concurrent transaction on the same items: read again
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'changed';
      throw error;
    }
  }

  async source(tenantId: string, customerId: string, sourceId: string) {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.loyaltySource(tenantId, customerId, sourceId), ConsistentRead: true }),
    );
    return Item ? { delivered: Item.delivered === true, outbox: Item.outbox as Outbox | undefined } : undefined;
  }

  async markDelivered(tenantId: string, customerId: string, sourceId: string): Promise<void> {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.loyaltySource(tenantId, customerId, sourceId),
        // the outbox is done: drop it (it can hold a welcome e-mail's address)
        UpdateExpression: 'SET delivered = :t REMOVE outbox',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async claimDelivery(tenantId: string, customerId: string, sourceId: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.loyaltySource(tenantId, customerId, sourceId),
          UpdateExpression: 'SET deliveringUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND delivered = :f AND (attribute_not_exists(deliveringUntil) OR deliveringUntil < :now)',
          ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now, ':f': false },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async ledger(tenantId: string, customerId: string, limit: number, cursor?: string) {
    const pk = keys.customerPartition(tenantId, customerId);
    let start = cursor ? decode(cursor) : undefined;
    const items: LedgerEntry[] = [];
    let last: string | undefined;
    // loyalty entries are timeline items: read the timeline newest first, keeping only them, until the page is full
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#type = :loyalty',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.timelinePrefix, ':loyalty': 'loyalty' },
          ScanIndexForward: false,
          Limit: Math.max(limit, 25),
          ...(start && { ExclusiveStartKey: { pk, sk: start } }),
        }),
      );
      for (const item of result.Items ?? []) {
        if (items.length === limit) break;
        items.push(item.data as LedgerEntry);
        last = item.sk as string;
      }
      start = result.LastEvaluatedKey?.sk as string | undefined;
    } while (items.length < limit && start);
    // a full page may have more behind it; a short one is the end
    return { items, nextCursor: items.length === limit && last ? encode(last) : null };
  }

  async reward(tenantId: string, rewardId: string): Promise<Reward | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.reward(tenantId, rewardId), ConsistentRead: true }));
    return Item ? ({ ...(Item.data as Reward), ...(Item.stock !== undefined && { stock: Item.stock as number }) } as Reward) : undefined;
  }

  async putReward(tenantId: string, reward: Reward): Promise<void> {
    const { stock, ...data } = reward;
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.reward(tenantId, reward.rewardId), entity: 'Reward', data, ...(stock !== undefined && { stock }) } }),
    );
  }

  async rewards(tenantId: string): Promise<Reward[]> {
    const result = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.rewardsPartition(tenantId) } }),
    );
    return (result.Items ?? []).map((i) => ({ ...(i.data as Reward), ...(i.stock !== undefined && { stock: i.stock as number }) }));
  }

  async redemption(tenantId: string, customerId: string, redemptionId: string): Promise<Redemption | undefined> {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.loyaltyRedemption(tenantId, customerId, redemptionId), ConsistentRead: true }),
    );
    return Item?.data as Redemption | undefined;
  }

  async accountsExpiringBefore(tenantId: string, until: string): Promise<string[]> {
    const ids: string[] = [];
    for (const shard of keys.loyaltyExpiryShards(tenantId)) {
      let start: Record<string, unknown> | undefined;
      do {
        const result = await documentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :until',
            ExpressionAttributeValues: { ':pk': shard, ':until': until },
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const item of result.Items ?? []) {
          const sk = item.gsi1sk as string;
          ids.push(unpart(sk.slice(sk.indexOf('#') + 1)));
        }
        start = result.LastEvaluatedKey;
      } while (start);
    }
    return ids;
  }

  async tenants(): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.loyaltyTenantsPartition },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of result.Items ?? []) out.push(unpart(item.gsi2sk as string));
      start = result.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async referrer(tenantId: string, code: string): Promise<string | undefined> {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: keys.referralCode(tenantId, code) }));
    return Item?.customerId as string | undefined;
  }
}

export const loyaltyStore = new DynamoLoyaltyStore();
