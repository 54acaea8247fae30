/**
 * The run's storage: the audience snapshot, the run counters and cursor (one conditional update per page), the send
 * ledger in each recipient's partition (one conditional put per recipient, before the message leaves) and the
 * outbound message it became (the second and last write per recipient).
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../domain/shared/model.js';
import { DEFAULT_CAMPAIGN_SETTINGS, type CampaignSettings, type LedgerEntry, type PageTally, type Recipient, type RunCounters, type RunStore } from '../../domain/campaigns/run.js';
import type { AttributionStore } from '../../domain/campaigns/attribution.js';
import { keys, unpart } from '../../store/keys.js';
import { campaignRepository } from './dynamo-campaigns.js';
import { campaignKeys } from '../../store/keys/campaigns.js';
import { DynamoMessageStore } from '../social/index.js';
import { documentClient, isConditionalCheckFailed, tableName } from '../dynamo/client.js';
import { availablePoints } from '../../domain/loyalty/index.js';

const messages = new DynamoMessageStore();
const cursorOf = (round: number, page: number) => round * 1_000_000 + page;

async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function batchWrite(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: unknown[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await documentClient().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending as never } }));
      pending = out.UnprocessedItems?.[tableName()] ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }
}

export async function loadCampaignSettings(tenantId: string): Promise<CampaignSettings> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaignSettings(tenantId) }));
  return { ...DEFAULT_CAMPAIGN_SETTINGS, ...((Item?.data as Partial<CampaignSettings>) ?? {}) };
}

export async function saveCampaignSettings(tenantId: string, settings: CampaignSettings): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...campaignKeys.campaignSettings(tenantId), entity: 'CampaignSettings', data: settings } }));
}

function countersOf(item: Record<string, unknown> | undefined): RunCounters | undefined {
  if (!item) return undefined;
  const num = (name: string) => Number(item[name] ?? 0);
  const skipped: Record<string, number> = {};
  const perArm: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('skip_')) skipped[name.slice(5)] = Number(value);
    if (name.startsWith('arm_')) perArm[name.slice(4)] = Number(value);
  }
  const cursor = num('cursor');
  return {
    round: Math.floor(cursor / 1_000_000),
    page: cursor % 1_000_000,
    audience: num('audience'),
    sent: num('sent'),
    failed: num('failed'),
    holdout: num('holdout'),
    deferred: num('deferred'),
    spentMicros: num('spentMicros'),
    skipped,
    perArm,
    ...(typeof item.stopReason === 'string' && { stopReason: item.stopReason }),
  };
}

export async function runCounters(tenantId: string, campaignId: string): Promise<(RunCounters & { attribution: Record<string, number> }) | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaignRun(tenantId, campaignId), ConsistentRead: true }));
  const counters = countersOf(Item);
  if (!counters || !Item) return undefined;
  const attribution: Record<string, number> = {};
  for (const [name, value] of Object.entries(Item)) if (/^(conv|rev|unsub|delivered)_/.test(name)) attribution[name] = Number(value);
  return { ...counters, attribution };
}

export const dynamoRunStore: RunStore = {
  settings: loadCampaignSettings,

  async snapshotAudience(tenantId, campaignId, segmentId, pageSize) {
    // 1. taken already? 2. every member of every shard, in shard and key order, 3. pages of ids, 4. the record
    const run = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaignRun(tenantId, campaignId), ConsistentRead: true }));
    if (run.Item?.snapshotPages !== undefined) return { pages: Number(run.Item.snapshotPages), audience: Number(run.Item.snapshotAudience) };
    const ids: string[] = [];
    for (const pk of keys.segmentShards(tenantId, segmentId)) {
      const members = await queryAll({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': pk, ':c': keys.segmentMemberPrefix },
        ProjectionExpression: 'sk',
      });
      ids.push(...members.map((m) => unpart(String(m.sk).slice(keys.segmentMemberPrefix.length))));
    }
    const pages: Record<string, unknown>[] = [];
    for (let i = 0; i * pageSize < ids.length; i++) {
      pages.push({ ...campaignKeys.campaignAudiencePage(tenantId, campaignId, 0, i), entity: 'CampaignAudiencePage', ids: ids.slice(i * pageSize, (i + 1) * pageSize) });
    }
    await batchWrite(pages);
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...campaignKeys.campaignRun(tenantId, campaignId), entity: 'CampaignRun', cursor: 0, snapshotPages: pages.length, snapshotAudience: ids.length, snapshotAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return { pages: pages.length, audience: ids.length };
  },

  async audiencePage(tenantId, campaignId, round, page) {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaignAudiencePage(tenantId, campaignId, round, page), ConsistentRead: true }));
    return (Item?.ids as string[] | undefined) ?? [];
  },

  async roundPages(tenantId, campaignId, round) {
    const items = await queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
      ExpressionAttributeValues: { ':pk': campaignKeys.campaignPartition(tenantId, campaignId), ':r': campaignKeys.campaignAudienceRoundPrefix(round) },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    });
    return items.length;
  },

  async deferTo(tenantId, campaignId, round, fromPage, customerIds, notBefore) {
    // pages of the next round are numbered densely: the n-th page deferred from this round
    const existing = await this.roundPages(tenantId, campaignId, round);
    void fromPage;
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...campaignKeys.campaignAudiencePage(tenantId, campaignId, round, existing), entity: 'CampaignAudiencePage', ids: customerIds, notBefore } }),
    );
  },

  async roundNotBefore(tenantId, campaignId, round) {
    const items = await queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
      ExpressionAttributeValues: { ':pk': campaignKeys.campaignPartition(tenantId, campaignId), ':r': campaignKeys.campaignAudienceRoundPrefix(round) },
      ProjectionExpression: 'notBefore',
      ConsistentRead: true,
    });
    return items.map((i) => String(i.notBefore ?? '')).sort().at(-1) || undefined;
  },

  async counters(tenantId, campaignId) {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaignRun(tenantId, campaignId), ConsistentRead: true }));
    return countersOf(Item);
  },

  async commitPage(tenantId, campaignId, at, next, tally: PageTally, stopReason) {
    const names: Record<string, string> = { '#cursor': 'cursor' };
    const values: Record<string, unknown> = { ':at': cursorOf(at.round, at.page), ':next': cursorOf(next.round, next.page) };
    const adds: string[] = [];
    const add = (attribute: string, value: number) => {
      if (value === 0) return;
      const n = `#a${adds.length}`;
      names[n] = attribute;
      values[`:v${adds.length}`] = value;
      adds.push(`${n} :v${adds.length}`);
    };
    for (const name of ['audience', 'sent', 'failed', 'holdout', 'deferred', 'spentMicros'] as const) add(name, tally[name]);
    for (const [reason, n] of Object.entries(tally.skipped)) add(`skip_${reason}`, n ?? 0);
    for (const [arm, n] of Object.entries(tally.perArm)) add(`arm_${arm}`, n);
    let update = 'SET #cursor = :next';
    if (stopReason) {
      names['#stop'] = 'stopReason';
      values[':stop'] = stopReason;
      update += ', #stop = :stop';
    }
    if (adds.length > 0) update += ` ADD ${adds.join(', ')}`;
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: campaignKeys.campaignRun(tenantId, campaignId),
          UpdateExpression: update,
          ConditionExpression: '#cursor = :at',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },

  async recipients(tenantId, customerIds, fields) {
    const found = new Map<string, Recipient>();
    const wantTier = fields.has('tier');
    const wantPoints = fields.has('pointsBalance');
    const now = new Date().toISOString();
    for (let i = 0; i < customerIds.length; i += 100) {
      const slice = customerIds.slice(i, i + 100);
      let requested: Record<string, unknown>[] = slice.flatMap((id) => [
        { ...keys.customer(tenantId, id) },
        ...(wantTier ? [{ ...keys.customerKnowledge(tenantId, id) }] : []),
        ...(wantPoints ? [{ ...keys.loyaltyAccount(tenantId, id) }] : []),
      ]);
      while (requested.length > 0) {
        const out = await documentClient().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: requested, ConsistentRead: true } } }));
        for (const item of out.Responses?.[tableName()] ?? []) {
          if (item.sk === 'PROFILE') {
            const customer = item.data as Customer;
            found.set(customer.id, { ...(found.get(customer.id) ?? {}), customer });
          } else if (item.sk === 'KNOWLEDGE') {
            const data = item.data as { customerId: string; inputs?: { tier?: string }; tier?: string };
            const tier = data.inputs?.tier ?? data.tier;
            const prior = found.get(data.customerId);
            if (tier) found.set(data.customerId, { ...(prior as Recipient), extras: { ...prior?.extras, tier } });
          } else if (item.sk === 'LOYALTY') {
            // the member's available points now (pending purchase points and expired lots do not count)
            const account = item.data as { customerId: string; lots: Parameters<typeof availablePoints>[0] };
            const prior = found.get(account.customerId);
            found.set(account.customerId, { ...(prior as Recipient), extras: { ...prior?.extras, pointsBalance: String(availablePoints(account.lots, now)) } });
          }
        }
        requested = (out.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    for (const [id, r] of found) if (!r.customer) found.delete(id);
    return found;
  },

  async ledgerOf(tenantId, customerId, channel) {
    const items = await queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(tenantId, customerId), ':s': campaignKeys.sendLedgerPrefix(channel) },
      ConsistentRead: true,
    });
    return items.map((i) => i.data as LedgerEntry);
  },

  async claim(entry) {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...campaignKeys.sendLedger(entry.tenantId, entry.customerId, entry.channel, entry.campaignId), entity: 'SendLedger', data: entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },

  async recordSent(entry, providerMessageId) {
    // WhatsApp reports statuses by its message id alone: the outbound message item is how they find the campaign.
    // SES and SMS events carry the message's tags (campaign, variant, customer), so e-mail and SMS cost no second write.
    if (entry.channel !== 'whatsapp') return;
    await messages.createOutboundMessage({
      tenantId: entry.tenantId,
      channel: entry.channel,
      providerMessageId,
      customerId: entry.customerId,
      campaignId: entry.campaignId,
      createdAt: new Date().toISOString(),
    });
  },

  async recordFailed(entry, reason) {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKeys.sendLedger(entry.tenantId, entry.customerId, entry.channel, entry.campaignId),
        UpdateExpression: 'SET #d.#s = :failed, #d.#r = :reason',
        ExpressionAttributeNames: { '#d': 'data', '#s': 'status', '#r': 'failure' },
        ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason },
      }),
    );
  },
};

/** The measuring side: attribution items in the campaign's partition, marks on the ledger, counters on the run. */
export const dynamoAttributionStore: AttributionStore = {
  async ledgerOf(tenantId, customerId) {
    const items = await queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(tenantId, customerId), ':s': campaignKeys.sendLedgerPrefix() },
      ConsistentRead: true,
    });
    return items.map((i) => i.data as LedgerEntry);
  },
  async campaign(tenantId, campaignId) {
    return campaignRepository.get(tenantId, campaignId);
  },
  async attributeOrder(tenantId, campaignId, order) {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...campaignKeys.campaignAttribution(tenantId, campaignId, order.store, order.orderId), entity: 'CampaignAttribution', data: order, refunds: [] },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },
  async markOnce(entry, mark, at) {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: campaignKeys.sendLedger(entry.tenantId, entry.customerId, entry.channel, entry.campaignId),
          UpdateExpression: 'SET #m = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#m)',
          ExpressionAttributeNames: { '#m': mark },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },
  async refundOrder(tenantId, campaignId, store, orderId, refundId) {
    try {
      const out = await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: campaignKeys.campaignAttribution(tenantId, campaignId, store, orderId),
          UpdateExpression: 'SET refunds = list_append(refunds, :r)',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(refunds, :id)',
          ExpressionAttributeValues: { ':r': [refundId], ':id': refundId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { arm: (out.Attributes?.data as { arm: string }).arm };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  },
  async addCounters(tenantId, campaignId, adds) {
    const entries = Object.entries(adds).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKeys.campaignRun(tenantId, campaignId),
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:v${i}`, n])),
      }),
    );
  },
};

/**
 * An e-mail or SMS of a campaign reached the person (SES events carry the message's tags: campaign, customer):
 * counted once for the recipient's arm. The send-ledger entry records when, in the same transaction as the
 * count, conditional on not being recorded yet: a repeated or late event counts nothing. Answers whether it counted.
 */
export async function countCampaignDelivery(input: { tenantId: string; customerId: string; channel: 'email' | 'sms'; campaignId: string; at: string }): Promise<boolean> {
  const ledgerKey = campaignKeys.sendLedger(input.tenantId, input.customerId, input.channel, input.campaignId);
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: ledgerKey }));
  const arm = (Item?.data as { arm?: string; deliveredAt?: string } | undefined)?.arm;
  if (!arm || (Item?.data as { deliveredAt?: string }).deliveredAt) return false;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: ledgerKey,
              UpdateExpression: 'SET #d.deliveredAt = :at',
              ConditionExpression: 'attribute_not_exists(#d.deliveredAt)',
              ExpressionAttributeNames: { '#d': 'data' },
              ExpressionAttributeValues: { ':at': input.at },
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: campaignKeys.campaignRun(input.tenantId, input.campaignId),
              UpdateExpression: 'ADD #c :one',
              ExpressionAttributeNames: { '#c': `delivered_${arm}` },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return false;
    throw error;
  }
}
