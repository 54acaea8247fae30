/**
 * The campaign document on the one table: the campaign item (listed by status on GSI1) and one history item
 * per version, written together in one transaction conditional on the version read.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignRepository } from '../../domain/campaigns/document.js';
import type { Campaign, CampaignStatus, CampaignVersion } from '../../domain/campaigns/model.js';
import type { Page } from '../../domain/shared/model.js';
import { campaignKeys } from '../../store/keys/campaigns.js';
import { documentClient, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';

function campaignItem(c: Campaign) {
  return { ...campaignKeys.campaign(c.tenantId, c.id), ...campaignKeys.campaignStatusIndex(c.tenantId, c.status, c.createdAt, c.id), entity: 'Campaign', version: c.version, data: c };
}

function versionItem(tenantId: string, campaignId: string, v: CampaignVersion) {
  return { ...campaignKeys.campaignVersion(tenantId, campaignId, v.version), entity: 'CampaignVersion', data: v };
}

const encode = (key: Record<string, unknown> | undefined) => (key ? encodeCursor(key) : null);
const CampaignKey = z.object({ pk: z.string().max(1024), sk: z.string().max(1024), gsi1sk: z.string().max(1024) });
/** The last key of a status page, rebuilt for the caller's partition: a cursor cannot reach another tenant or status. */
const decode = (cursor: string | undefined, gsi1pk: string) => (cursor ? { ...decodeCursor(cursor, CampaignKey), gsi1pk } : undefined);

export const campaignRepository: CampaignRepository = {
  async create(campaign, first) {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: campaignItem(campaign), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: tableName(), Item: versionItem(campaign.tenantId, campaign.id, first) } },
        ],
      }),
    );
  },

  async get(tenantId, campaignId) {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: campaignKeys.campaign(tenantId, campaignId), ConsistentRead: true }));
    return Item?.data as Campaign | undefined;
  },

  async save(campaign, entry, previousVersion) {
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: campaignItem(campaign),
                ConditionExpression: '#v = :previous',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':previous': previousVersion },
              },
            },
            { Put: { TableName: tableName(), Item: versionItem(campaign.tenantId, campaign.id, entry), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (transactionConditionFailed(error)) return false;
      throw error;
    }
  },

  async history(tenantId, campaignId) {
    const items: CampaignVersion[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': campaignKeys.campaignPartition(tenantId, campaignId), ':v': campaignKeys.campaignVersionPrefix },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((i) => i.data as CampaignVersion));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  },

  async listByStatus(tenantId: string, status: CampaignStatus, limit: number, cursor?: string): Promise<Page<Campaign>> {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': campaignKeys.campaignStatusPartition(tenantId, status) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decode(cursor, campaignKeys.campaignStatusPartition(tenantId, status)),
      }),
    );
    return { items: (page.Items ?? []).map((i) => i.data as Campaign), nextCursor: encode(page.LastEvaluatedKey) };
  },
};
