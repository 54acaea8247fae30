/** The service context's functions (spread into wiring/functions.ts). */
import { declareFunctions } from '../function-declaration.js';

export const SERVICE_FUNCTIONS = declareFunctions({
  serviceApi: {
    id: 'ServiceApi',
    entry: 'functions/service/api.ts',
    timeoutSeconds: 15,
    // replies go out through the networks' APIs with the tenant's tokens (its secret)
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true },
  },
  serviceTickets: {
    id: 'ServiceTickets',
    entry: 'functions/service/tickets-consumer.ts',
    timeoutSeconds: 30,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  serviceSlaBreaches: {
    id: 'ServiceSlaBreaches',
    entry: 'functions/service/sla-breaches.ts',
    timeoutSeconds: 60,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
});
