/**
 * The DynamoDB document client every adapter shares: asks for consumed capacity on every call and hands
 * it to the current meter, so each tenant's usage is measured from what DynamoDB itself reports.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TABLE_NAME } from '../../store/table.js';
import { addConsumedCapacity } from '../shared/meter.js';
import { CHANGED, untilUnchanged } from '../../domain/shared/optimistic.js';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

let shared: DynamoDBDocumentClient | undefined;

export function tableName(): string {
  return process.env.TABLE_NAME ?? DEFAULT_TABLE_NAME;
}

export function documentClient(): DynamoDBDocumentClient {
  if (shared) return shared;
  const client = new DynamoDBClient({
    ...(process.env.DYNAMODB_ENDPOINT && { endpoint: process.env.DYNAMODB_ENDPOINT }),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Parameters<typeof addConsumedCapacity>[1] };
      addConsumedCapacity(READS.has(context.commandName ?? '') ? 'read' : 'write', output.ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'meterConsumedCapacity' },
  );
  shared = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return shared;
}

/** Replace the shared client (tests, the local runtime pointing at DynamoDB Local). */
export function setDocumentClient(client: DynamoDBDocumentClient | undefined): void {
  shared = client;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A transaction cancelled because one of its conditions failed (and not for another reason). */
export function transactionConditionFailed(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed') && reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None');
}

/** Thrown inside an optimistic attempt when the item changed between its read and its conditional write. */
export class ChangedMeanwhile extends Error {
  constructor() {
    super('the item changed between read and write');
    this.name = 'ChangedMeanwhile';
  }
}

const OPTIMISTIC_ATTEMPTS = 5;

/**
 * Optimistic read-modify-write: runs `attempt` (a consistent read, then a write conditional on what was read)
 * again while its write loses to a concurrent writer, i.e. while it throws a failed condition or
 * ChangedMeanwhile. Gives up after a few attempts rather than spin on a hot item.
 */
export async function retryWhileChanged<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  // the domain's one loop; here a lost conditional write is the signal to read again
  return untilUnchanged(
    what,
    async () => {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof ChangedMeanwhile || isConditionalCheckFailed(error)) return CHANGED;
        throw error;
      }
    },
    { attempts: OPTIMISTIC_ATTEMPTS },
  );
}
