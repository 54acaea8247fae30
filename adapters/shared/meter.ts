/**
 * Per-invocation usage meter. The shared handler chain opens one per invocation; the DynamoDB client and
 * the event publisher add to whichever meter is current (AsyncLocalStorage), so no use case has to pass
 * it around. At the end of the invocation the chain writes the figures to the tenant's usage counters.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Usage {
  readUnits: number;
  writeUnits: number;
  eventsPublished: number;
}

export class Meter {
  tenantId: string | undefined;
  readonly usage: Usage = { readUnits: 0, writeUnits: 0, eventsPublished: 0 };
  constructor(readonly functionName: string, readonly startedAt: number) {}
}

const storage = new AsyncLocalStorage<Meter>();

export function runMetered<T>(meter: Meter, fn: () => Promise<T>): Promise<T> {
  return storage.run(meter, fn);
}

export function currentMeter(): Meter | undefined {
  return storage.getStore();
}

interface CapacityLike {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * Adds a response's ConsumedCapacity. DynamoDB reports read and write units separately for some calls
 * and only CapacityUnits for others; a single-item read or write reports just the total, so the
 * operation tells which kind it was.
 */
export function addConsumedCapacity(kind: 'read' | 'write', consumed: CapacityLike | CapacityLike[] | undefined): void {
  const meter = currentMeter();
  if (!meter || !consumed) return;
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      meter.usage.readUnits += c.ReadCapacityUnits ?? 0;
      meter.usage.writeUnits += c.WriteCapacityUnits ?? 0;
    } else if (kind === 'read') meter.usage.readUnits += c.CapacityUnits ?? 0;
    else meter.usage.writeUnits += c.CapacityUnits ?? 0;
  }
}

export function addEventsPublished(count: number): void {
  const meter = currentMeter();
  if (meter) meter.usage.eventsPublished += count;
}
