/**
 * Writes an invocation's metered usage to the tenant's counters for the day (access pattern 11).
 * Counters are ADDed, so concurrent invocations never overwrite each other; the partition is chosen at
 * random among the day's shards, and the finance reader sums the shards.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, randomShard, SHARDS, dayOf } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';
import type { Meter } from './meter.js';

export interface InvocationFigures {
  billedMs: number;
  memoryMb: number;
}

export async function recordUsage(meter: Meter, figures: InvocationFigures, at = new Date()): Promise<void> {
  if (!meter.tenantId) return;
  const day = dayOf(at.toISOString());
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.usage(meter.tenantId, day, meter.functionName, randomShard(SHARDS.usage)),
      UpdateExpression:
        'SET entity = :entity, tenantId = :tenant, #day = :day, functionName = :fn, memoryMb = :mem ' +
        'ADD invocations :one, billedMs :ms, mbMs :mbms, readUnits :ru, writeUnits :wu, eventsPublished :ev',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: {
        ':entity': 'Usage',
        ':tenant': meter.tenantId,
        ':day': day,
        ':fn': meter.functionName,
        ':mem': figures.memoryMb,
        ':one': 1,
        ':ms': figures.billedMs,
        ':mbms': figures.billedMs * figures.memoryMb,
        ':ru': meter.usage.readUnits,
        ':wu': meter.usage.writeUnits,
        ':ev': meter.usage.eventsPublished,
      },
    }),
  );
}
