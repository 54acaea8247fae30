/** Reads the usage counters (shards merged) and the active-tenant and active-customer markers. */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';
import type { UsageReader } from '../../domain/finance/ports.js';
import type { UsageRow } from '../../domain/finance/costs.js';

/** Item attributes that are not counts. */
const NOT_COUNTS = new Set(['pk', 'sk', 'entity', 'tenantId', 'day', 'functionName', 'feature', 'campaignId', 'memoryMb']);

export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

async function queryAll(pk: string, select?: 'COUNT'): Promise<{ items: Record<string, unknown>[]; count: number }> {
  const items: Record<string, unknown>[] = [];
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(select && { Select: select }),
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    items.push(...(page.Items ?? []));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return { items, count };
}

/** Runs `fn` over `inputs` at most `limit` at a time. */
async function pooled<T, R>(inputs: T[], limit: number, fn: (input: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, inputs.length) }, async () => {
      while (next < inputs.length) {
        const i = next++;
        out[i] = await fn(inputs[i]!);
      }
    }),
  );
  return out;
}

export const dynamoUsageReader: UsageReader = {
  async read(tenantId, from, to) {
    const partitions = daysOf(from, to).flatMap((day) => keys.usageShards(tenantId, day));
    const pages = await pooled(partitions, 16, (pk) => queryAll(pk));
    // the same function/feature/campaign lands on several shards: merge them into one row per day
    const rows = new Map<string, UsageRow>();
    for (const item of pages.flatMap((p) => p.items)) {
      if (item.entity !== 'Usage') continue;
      const id = [item.day, item.functionName, item.feature, item.campaignId ?? ''].join('\u0000');
      let row = rows.get(id);
      if (!row) {
        row = {
          tenantId,
          day: String(item.day),
          functionName: String(item.functionName),
          feature: String(item.feature ?? 'api'),
          ...(typeof item.campaignId === 'string' && { campaignId: item.campaignId }),
          counts: {},
        };
        rows.set(id, row);
      }
      for (const [k, v] of Object.entries(item)) {
        if (NOT_COUNTS.has(k) || typeof v !== 'number') continue;
        row.counts[k] = (row.counts[k] ?? 0) + v;
      }
    }
    return [...rows.values()];
  },

  async activeTenants(from, to) {
    const pages = await pooled(daysOf(from, to), 8, (day) => queryAll(keys.activePartition(day)));
    return [...new Set(pages.flatMap((p) => p.items.map((i) => String(i.tenantId))))].sort();
  },

  async activeCustomers(tenantId, month) {
    const counts = await Promise.all(keys.activeCustomerShards(tenantId, month).map((pk) => queryAll(pk, 'COUNT')));
    return counts.reduce((n, c) => n + c.count, 0);
  },
};
