/**
 * The newsroom's shards on GSI1 (keys: store/keys.ts `newsroomIndex`, `newsroomShards`).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Interaction } from '../../domain/shared/model.js';
import type { NewsroomReader, ShardPosition, ShardRef } from '../../domain/social/newsroom.js';
import { keys, SHARDS } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';

export class DynamoNewsroomReader implements NewsroomReader {
  shardCount(): number {
    return SHARDS.newsroom;
  }

  async readShard(
    tenantId: string,
    ref: ShardRef,
    after: ShardPosition | undefined,
    limit: number,
    since: string | undefined,
  ): Promise<{ items: Interaction[]; last?: ShardPosition; exhausted: boolean }> {
    const gsi1pk = keys.newsroomShards(tenantId, ref.channel)[ref.shard];
    if (gsi1pk === undefined) throw new Error(`no newsroom shard ${ref.shard}`);
    const result = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: since !== undefined ? 'gsi1pk = :pk AND gsi1sk >= :since' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk, ...(since !== undefined && { ':since': since }) },
        ScanIndexForward: false,
        Limit: limit,
        // every key rebuilt for this tenant from the cursor's parts: a cursor cannot reach another tenant
        ...(after && { ExclusiveStartKey: startKey(tenantId, ref, gsi1pk, after) }),
      }),
    );
    const nowSeconds = Math.floor(Date.now() / 1000);
    const read = (result.Items ?? []).filter((item) => item.type === 'interaction' && item.data);
    const lastItem = read.at(-1);
    return {
      // TTL deletes expired items some time after they expire: they are passed over, not shown
      items: read.filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds).map((item) => item.data as Interaction),
      ...(lastItem && { last: positionOf(lastItem.data as Interaction) }),
      exhausted: result.LastEvaluatedKey === undefined,
    };
  }
}

function positionOf(interaction: Interaction): ShardPosition {
  return { occurredAt: interaction.occurredAt, itemId: interaction.id, customerId: interaction.customerId };
}

function startKey(tenantId: string, ref: ShardRef, gsi1pk: string, after: ShardPosition) {
  const { gsi1sk } = keys.newsroomIndex(tenantId, ref.channel, after.occurredAt, after.itemId);
  const { pk, sk } = keys.timelineItem(tenantId, after.customerId, after.occurredAt, 'interaction', after.itemId);
  return { gsi1pk, gsi1sk, pk, sk };
}
