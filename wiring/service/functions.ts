/** The service context's functions (spread into wiring/functions.ts). */
import type { FunctionDeclaration } from '../functions.js';

export const SERVICE_FUNCTIONS = {
  serviceApi: {
    id: 'ServiceApi',
    entry: 'functions/service/api.ts',
    memoryMb: 512,
    timeoutSeconds: 15,
    // replies go out through the networks' APIs with the tenant's tokens (its secret)
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true },
  },
  serviceTickets: {
    id: 'ServiceTickets',
    entry: 'functions/service/tickets-consumer.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  serviceSlaBreaches: {
    id: 'ServiceSlaBreaches',
    entry: 'functions/service/sla-breaches.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
} as const satisfies Record<string, FunctionDeclaration>;
