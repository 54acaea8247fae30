/**
 * The service context's ports, resolved per call so the local runtime (and tests) can install the bus, the
 * outbox and a clock after import.
 */
import { auditLog } from '../../adapters/audit/index.js';
import { eventPublisher } from '../../adapters/shared/event-publisher.js';
import { DynamoServiceStore } from '../../adapters/service/dynamo-service.js';
import { replySender } from '../../adapters/service/replies.js';
import type { Clock } from '../../domain/shared/ports.js';
import type { ServicePorts } from '../../domain/service/tickets.js';
import { systemClock, uuidIds } from '../shared/ports.js';

const store = new DynamoServiceStore();
let clock: Clock = systemClock;

/** Tests move time (business hours, due times) without waiting for it. */
export function setServiceClock(next: Clock | undefined): void {
  clock = next ?? systemClock;
}

export function servicePorts(): ServicePorts {
  return { store, publisher: eventPublisher(), clock, ids: uuidIds, audit: auditLog, customers: store, replies: replySender() };
}
