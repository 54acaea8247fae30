/**
 * Counts every DynamoDB call the runtime's functions make (webhook and consumers alike: they share one
 * process and one document client here) with the units DynamoDB reported, grouped by the function whose
 * meter was current; calls made outside any function's meter are the usage-counter writes of the chain.
 */
import { documentClient } from '../adapters/dynamo/client.js';
import { currentMeter } from '../adapters/shared/meter.js';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface CallTally {
  calls: number;
  readUnits: number;
  writeUnits: number;
  /** calls per owner: a function id, or `usage` for the chain's counter writes */
  byOwner: Map<string, number>;
  /** write units per owner, as DynamoDB reported them */
  writeUnitsByOwner: Map<string, number>;
}

const emptyTally = (): CallTally => ({ calls: 0, readUnits: 0, writeUnits: 0, byOwner: new Map(), writeUnitsByOwner: new Map() });
let tally = emptyTally();
let installed = false;

export function countDynamoCalls(): void {
  if (installed) return;
  installed = true;
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const owner = currentMeter()?.functionName ?? 'usage';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const read = READS.has(context.commandName ?? '');
      tally.calls += 1;
      tally.byOwner.set(owner, (tally.byOwner.get(owner) ?? 0) + 1);
      for (const c of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
        if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
          tally.readUnits += c.ReadCapacityUnits ?? 0;
          tally.writeUnits += c.WriteCapacityUnits ?? 0;
          tally.writeUnitsByOwner.set(owner, (tally.writeUnitsByOwner.get(owner) ?? 0) + (c.WriteCapacityUnits ?? 0));
        } else if (read) tally.readUnits += c.CapacityUnits ?? 0;
        else {
          tally.writeUnits += c.CapacityUnits ?? 0;
          tally.writeUnitsByOwner.set(owner, (tally.writeUnitsByOwner.get(owner) ?? 0) + (c.CapacityUnits ?? 0));
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchCountCalls' },
  );
}

/** Starts a new count and answers the one that was running. */
export function takeTally(): CallTally {
  const t = tally;
  tally = emptyTally();
  return t;
}
