/**
 * Keys of the service context (tickets, queues, agents, settings). Built from the same helpers as store/keys.ts,
 * which spreads these in, so every key still begins with the tenant (one exception below, and why).
 */
import { part } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;
/** Sorts after every ISO timestamp: tickets with no running clock go to the end of their queue. */
export const NO_DUE = '9999-12-31T23:59:59.999Z';

export const serviceKeys = {
  serviceSettings: (tenantId: string) => ({ pk: T(tenantId), sk: 'SETTINGS#SERVICE' }),
  serviceQueue: (tenantId: string, queueId: string) => ({ pk: `${T(tenantId)}#SVCQUEUE`, sk: `Q#${part(queueId)}` }),
  serviceQueuePartition: (tenantId: string) => `${T(tenantId)}#SVCQUEUE`,
  serviceAgent: (tenantId: string, agentId: string) => ({ pk: `${T(tenantId)}#SVCAGENT`, sk: `A#${part(agentId)}` }),
  serviceAgentPartition: (tenantId: string) => `${T(tenantId)}#SVCAGENT`,
  ticket: (tenantId: string, ticketId: string) => ({ pk: `${T(tenantId)}#TICKET#${part(ticketId)}`, sk: 'TICKET' }),
  /** GSI1 on the ticket: a queue's tickets of one status, by SLA due time (access pattern 8, one Query). */
  ticketQueueIndex: (tenantId: string, queueId: string, status: string, dueAt: string | null, ticketId: string) => ({
    gsi1pk: `${T(tenantId)}#SVCQ#${part(queueId)}#${part(status)}`,
    gsi1sk: `${dueAt ?? NO_DUE}#${part(ticketId)}`,
  }),
  ticketQueuePartition: (tenantId: string, queueId: string, status: string) => `${T(tenantId)}#SVCQ#${part(queueId)}#${part(status)}`,
  /** GSI2 on the ticket: tickets by the time their next SLA warning or breach falls due (the breach job). */
  ticketAlertIndex: (tenantId: string, alertAt: string, ticketId: string) => ({
    gsi2pk: `${T(tenantId)}#SLAALERT`,
    gsi2sk: `${alertAt}#${part(ticketId)}`,
  }),
  ticketAlertPartition: (tenantId: string) => `${T(tenantId)}#SLAALERT`,
  /** The open ticket of a customer's conversation (thread or DM), in the customer's partition. */
  ticketConversation: (tenantId: string, customerId: string, conversationKey: string) => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `TCONV#${part(conversationKey)}`,
  }),
  /**
   * The tenants that have service tickets: the one key that does not begin with a tenant, because a scheduled
   * job that serves every tenant must learn their ids somewhere without a scan. It holds tenant ids only.
   */
  serviceTenant: (tenantId: string) => ({ pk: 'SERVICE#TENANTS', sk: T(tenantId) }),
  serviceTenantsPartition: 'SERVICE#TENANTS',
  tenantOfServiceKey: (sk: string) => sk.slice(2).replaceAll('%23', '#').replaceAll('%25', '%'),
};

export const SERVICE_ENTITIES = [
  { name: 'ServiceSettings', key: 'T#{tenant} / SETTINGS#SERVICE', serves: 'business-hours calendar, SLA policy and ticket sentiment threshold of a tenant', personal: false, erasure: 'not-personal' },
  { name: 'ServiceQueue', key: 'T#{tenant}#SVCQUEUE / Q#{queue}', serves: "a tenant's service queues with skills, routing order and assignment mode (one Query)", personal: false, erasure: 'not-personal' },
  { name: 'ServiceAgent', key: 'T#{tenant}#SVCAGENT / A#{agent}', serves: "a tenant's agents with skills, capacity, status and open-ticket count (one Query; conditional assignment)", personal: false, erasure: 'not-personal' },
  { name: 'Ticket', key: 'T#{tenant}#TICKET#{ticket} / TICKET', gsi1: 'T#{tenant}#SVCQ#{queue}#{status} / {slaDueAt}#{ticket}', gsi2: 'T#{tenant}#SLAALERT / {nextAlertAt}#{ticket}', serves: '8 tickets by queue and status ordered by SLA due time; tickets by next SLA alert (breach job)', personal: true, erasure: 'by-reference' },
  { name: 'TicketConversation', key: 'T#{tenant}#C#{customer} / TCONV#{conversation}', serves: 'the open ticket of a customer conversation (a message joins it)', personal: true, erasure: 'customer-partition' },
  { name: 'ServiceTenant', key: 'SERVICE#TENANTS / T#{tenant}', serves: 'tenants with tickets, for the SLA breach job (tenant ids only)', personal: false, erasure: 'not-personal' },
] as const;
