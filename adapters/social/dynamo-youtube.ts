/**
 * YouTube on the one table: WebSub leases of watched channels (by expiry), and the notification ids of a video
 * so a deleted video's interactions lose their text.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { YoutubeSubscription } from '../../domain/shared/model.js';
import type { YoutubeSubscriptionRepository, YoutubeVideoIndex } from '../../domain/shared/ports.js';
import { keys } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';

/** WebSub leases of YouTube channel feeds: one item per tenant and channel, indexed by expiry (gsi1). */
export class DynamoYoutubeSubscriptions implements YoutubeSubscriptionRepository {
  async put(subscription: YoutubeSubscription): Promise<void> {
    const { tenantId, channelId, leaseExpiresAt } = subscription;
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.youtubeSubscription(tenantId, channelId),
          ...keys.youtubeLeaseIndex(tenantId, leaseExpiresAt, channelId),
          entity: 'YoutubeSubscription',
          data: subscription,
        },
      }),
    );
  }

  async expiringBefore(tenantId: string, before: string, limit = 100): Promise<YoutubeSubscription[]> {
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': keys.youtubeLeasePartition(tenantId), ':before': before },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => i.data as YoutubeSubscription);
  }
}

/** Per-video record of the notification ids seen and of the deletion (keys.youtubeVideo). */
export class DynamoYoutubeVideos implements YoutubeVideoIndex {
  async remember(tenantId: string, videoId: string, channelId: string, externalId: string): Promise<{ deletedAt?: string }> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.youtubeVideo(tenantId, videoId),
        UpdateExpression: 'SET entity = :entity, videoId = :video, channelId = if_not_exists(channelId, :channel) ADD externalIds :ids',
        ExpressionAttributeValues: { ':entity': 'YoutubeVideo', ':video': videoId, ':channel': channelId, ':ids': new Set([externalId]) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const deletedAt = Attributes?.deletedAt as string | undefined;
    return deletedAt ? { deletedAt } : {};
  }

  async markDeleted(tenantId: string, videoId: string, at: string): Promise<string[]> {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.youtubeVideo(tenantId, videoId),
        UpdateExpression: 'SET entity = :entity, videoId = :video, deletedAt = if_not_exists(deletedAt, :at)',
        ExpressionAttributeValues: { ':entity': 'YoutubeVideo', ':video': videoId, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const ids = Attributes?.externalIds as Set<string> | undefined;
    return ids ? [...ids].sort() : [];
  }
}
