/**
 * Imported bills: the export file is read from S3 (`s3://bucket/key`, in AWS) or a local path (the local
 * runtime only), and each reconciled day is kept as one item, which tenants' cost reports read to mark
 * their days `reconciled` and show their share.
 */
import { readFile } from 'node:fs/promises';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../store/keys.js';
import { documentClient, tableName } from '../dynamo/client.js';
import { batchGetAll } from '../dynamo/items.js';
import { InvalidInput } from '../../domain/shared/errors.js';
import type { ServiceReconciliation } from '../../domain/finance/reconciliation.js';

export async function readExportFile(source: string): Promise<string> {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  if (s3) {
    const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
    const result = await new S3Client({}).send(new GetObjectCommand({ Bucket: s3[1], Key: s3[2] }));
    return (await result.Body?.transformToString('utf8')) ?? '';
  }
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) throw new InvalidInput('source: in AWS the export is read from S3 (s3://bucket/key)');
  try {
    return await readFile(source, 'utf8');
  } catch {
    throw new InvalidInput(`source: cannot read ${source}`);
  }
}

export interface BillDay {
  day: string;
  format: string;
  importedAt: string;
  services: ServiceReconciliation[];
}

export async function saveBillDays(days: BillDay[]): Promise<void> {
  for (const d of days) {
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.billDay(d.day), entity: 'BillDay', data: d } }));
  }
}

export async function loadBillDays(days: string[]): Promise<BillDay[]> {
  const out = (await batchGetAll(days.map((d) => keys.billDay(d)))).map((item) => item.data as BillDay);
  return out.sort((a, b) => a.day.localeCompare(b.day));
}
