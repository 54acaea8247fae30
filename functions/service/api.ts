/**
 * The service API: tickets (agents work them, marketers read), queues, agents, settings and reports (admin).
 * The tenant is always the token's; another tenant's ids are simply not found.
 */
import {
  AgentBody,
  AgentPatch,
  AssignmentChange,
  NoteCreate,
  PriorityChange,
  QueueBody,
  QueueTicketsQuery,
  ReplyCreate,
  ReportQuery,
  SettingsBody,
  StatusChange,
  TicketCreate,
} from '../../api/service/schemas.js';
import { userActor } from '../../domain/audit/index.js';
import { InvalidInput, NotFound } from '../../domain/shared/errors.js';
import { patchAgent, saveAgent, saveQueue } from '../../domain/service/admin.js';
import { ReplyNotDelivered } from '../../domain/service/errors.js';
import type { Agent, Queue, Ticket } from '../../domain/service/model.js';
import { serviceReport } from '../../domain/service/reports.js';
import {
  addNote,
  changePriority,
  changeStatus,
  getTicket,
  openTicketByAgent,
  reassign,
  replyToTicket,
  withSla,
} from '../../domain/service/tickets.js';
import { recordAudit } from '../../domain/audit/index.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { routeRoles } from '../shared/route-auth.js';
import { servicePorts } from './ports.js';

const ticketView = (t: Ticket) => {
  const { tenantId: _t, sourceEventIds: _s, announced: _a, conversationKey: _c, replyTo: _r, openedBy: _o, ...view } = t;
  return view;
};
const queueView = (q: Queue) => ({ id: q.id, name: q.name, order: q.order, skills: q.skills, priorities: q.priorities, assignment: q.assignment, updatedAt: q.updatedAt });
const agentView = (a: Agent) => {
  const { tenantId: _t, userId: _u, ...view } = a;
  return view;
};
const body = (event: HttpEvent) => parseJsonBytes(rawBody(event));

export const handler = httpFunction(FUNCTIONS.serviceApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const ports = servicePorts();
  const tenantId = actor.tenantId;
  const by = userActor(actor);
  const ticketId = () => pathParam(event, 'ticketId');

  switch (event.routeKey) {
    case 'POST /v1/tickets': {
      const input = validate(TicketCreate, body(event), 'ticket');
      return json(201, ticketView(await openTicketByAgent(ports, tenantId, by, input, correlationIdOf(event))));
    }
    case 'GET /v1/tickets/{ticketId}':
      return json(200, ticketView(await getTicket(ports, tenantId, ticketId())));
    case 'POST /v1/tickets/{ticketId}/replies': {
      const { text } = validate(ReplyCreate, body(event), 'reply');
      const { ticket, delivered } = await replyToTicket(ports, tenantId, ticketId(), by, text);
      if (!delivered) throw new ReplyNotDelivered(`The ${ticket.channel} reply was not delivered; it is recorded as failed and stopped no clock`);
      return json(201, ticketView(ticket));
    }
    case 'POST /v1/tickets/{ticketId}/notes': {
      const { text } = validate(NoteCreate, body(event), 'note');
      return json(201, ticketView(await addNote(ports, tenantId, ticketId(), by, text)));
    }
    case 'POST /v1/tickets/{ticketId}/status': {
      const { status } = validate(StatusChange, body(event), 'status change');
      return json(200, ticketView(await changeStatus(ports, tenantId, ticketId(), by, status, correlationIdOf(event))));
    }
    case 'POST /v1/tickets/{ticketId}/assignment': {
      const { agentId } = validate(AssignmentChange, body(event), 'assignment');
      return json(200, ticketView(await reassign(ports, tenantId, ticketId(), by, agentId)));
    }
    case 'POST /v1/tickets/{ticketId}/priority': {
      const { priority } = validate(PriorityChange, body(event), 'priority change');
      return json(200, ticketView(await changePriority(ports, tenantId, ticketId(), by, priority)));
    }
    case 'GET /v1/service/queues':
      return json(200, { items: (await ports.store.queues(tenantId)).map(queueView), nextCursor: null });
    case 'PUT /v1/service/queues/{queueId}': {
      const input = validate(QueueBody, body(event), 'queue');
      return json(200, queueView(await saveQueue(ports, tenantId, validateId(pathParam(event, 'queueId'), 'queueId'), input, by)));
    }
    case 'GET /v1/service/queues/{queueId}/tickets': {
      const queueId = pathParam(event, 'queueId');
      const query = validate(QueueTicketsQuery, event.queryStringParameters ?? {}, 'queue tickets query');
      if (!(await ports.store.queue(tenantId, queueId))) throw new NotFound(`No queue ${queueId}`);
      const page = await ports.store.queueTickets(tenantId, queueId, query.status, query.limit, query.cursor);
      return json(200, { items: page.items.map(ticketView), nextCursor: page.nextCursor });
    }
    case 'GET /v1/service/agents':
      return json(200, { items: (await ports.store.agents(tenantId)).map((a) => agentView(a.value)), nextCursor: null });
    case 'PUT /v1/service/agents/{agentId}': {
      const input = validate(AgentBody, body(event), 'agent');
      return json(200, agentView(await saveAgent(ports, tenantId, validateId(pathParam(event, 'agentId'), 'agentId'), input, by)));
    }
    case 'PATCH /v1/service/agents/{agentId}': {
      const patch = validate(AgentPatch, body(event), 'agent change');
      return json(200, agentView(await patchAgent(ports, tenantId, pathParam(event, 'agentId'), patch, by)));
    }
    case 'GET /v1/service/settings':
      return json(200, await ports.store.settings(tenantId));
    case 'PUT /v1/service/settings': {
      const settings = validate(SettingsBody, body(event), 'service settings');
      await ports.store.putSettings(tenantId, settings);
      await recordAudit(ports.audit, { tenantId, actor: by, action: 'service.settings_changed', targetId: tenantId, targetType: 'tenant', at: ports.clock.now().toISOString() });
      return json(200, settings);
    }
    case 'GET /v1/service/reports': {
      const { from, to } = validate(ReportQuery, event.queryStringParameters ?? {}, 'report query');
      const settings = await ports.store.settings(tenantId);
      const now = ports.clock.now().toISOString();
      const tickets: Ticket[] = [];
      for (const queue of await ports.store.queues(tenantId)) {
        for await (const t of ports.store.ticketsOfQueue(tenantId, queue.id)) tickets.push(withSla(t, settings, queue, now));
      }
      return json(200, { from: from ?? null, to: to ?? null, ...serviceReport(tickets, from, to) });
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});

function validateId(id: string, field: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new InvalidInput(`Invalid ${field}`, { issues: [{ path: field, message: 'letters, digits, - and _ (1 to 64)' }] });
  return id;
}
