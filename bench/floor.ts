/**
 * The floor: what the same DynamoDB Local serves with the same number of requests in flight, measured in the
 * same process right before and after each scenario. Two kinds: TransactWriteItems of 2 items (what one
 * exactly-once write of an ingest costs at least) and PutItem of 300 B. Its own client, so nothing it does is
 * counted as the system's calls.
 */
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

const PAD = 'x'.repeat(230); // with the keys and names, ~300 B per item
let seq = 0;

export interface FloorRounds {
  tx: number[];
  put: number[];
}

export class Floor {
  private readonly client: DynamoDBClient;
  constructor(endpoint: string, private readonly table: string) {
    this.client = new DynamoDBClient({ endpoint });
  }

  private item() {
    seq += 1;
    return { pk: { S: `BENCH#FLOOR#${seq % 997}` }, sk: { S: `ITEM#${seq}` }, data: { S: PAD } };
  }

  /** ops/s of `ops` operations with `concurrency` in flight. */
  private async round(kind: 'tx' | 'put', ops: number, concurrency: number): Promise<number> {
    let started = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < ops) {
          started += 1;
          if (kind === 'put') await this.client.send(new PutItemCommand({ TableName: this.table, Item: this.item() }));
          else await this.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: this.table, Item: this.item() } }, { Put: { TableName: this.table, Item: this.item() } }] }));
        }
      }),
    );
    return ops / ((performance.now() - t0) / 1000);
  }

  /** `rounds` rounds of each kind, interleaved so that both see the same moment of a shared machine. */
  async measure(rounds: number, ops: number, concurrency: number): Promise<FloorRounds> {
    const out: FloorRounds = { tx: [], put: [] };
    for (let r = 0; r < rounds; r++) {
      out.tx.push(await this.round('tx', ops, concurrency));
      out.put.push(await this.round('put', ops, concurrency));
    }
    return out;
  }

  destroy(): void {
    this.client.destroy();
  }
}

export function stats(values: number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0] ?? 0, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1] ?? 0 };
}
