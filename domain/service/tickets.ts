/**
 * Tickets: opening from what customers say, routing to a queue, assignment to an agent, working and resolving.
 * Use cases take their ports; the DynamoDB adapter makes each write conditional (revisions), so a redelivery
 * or two callers at once never double an effect.
 */
import { buildEvent, SlaBreached, TicketOpened, TicketResolved, TicketRouted, type OutgoingEvent } from '../../events/catalog.js';
import { recordAudit } from '../audit/index.js';
import { Conflict, InvalidInput, NotFound } from '../shared/errors.js';
import type { AuditLog, Clock, EventPublisher, IdGenerator } from '../shared/ports.js';
import { decidePriority, type PriorityInputs } from './priority.js';
import { SlaWarning } from '../../events/service/index.js';
import {
  queueStatusOf,
  slaEvents,
  type Agent,
  type QueueTicketStatus,
  type Queue,
  type Requirements,
  type ServiceSettings,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
} from './model.js';
import { dueAlerts, nextAlert, slaState, type Priority } from './sla.js';
import { CHANGED, KeptChanging, untilUnchanged } from '../shared/optimistic.js';

export interface Versioned<T> {
  value: T;
  rev: number;
}

/** What a ticket write may carry besides the ticket itself. */
export interface TicketWrite {
  /** The processed marker of the event that caused it (exactly once). */
  markerEventId?: string;
  /** The conversation pointer goes with the ticket (resolved: a new message opens a new ticket). */
  releaseConversation?: boolean;
  /** Open-ticket count changes of agents (assignment +1, resolve/reassign -1), with their conditions. */
  agentChanges?: { agentId: string; delta: 1 | -1; rev?: number }[];
}

export interface ServiceStore {
  settings(tenantId: string): Promise<ServiceSettings>;
  putSettings(tenantId: string, settings: ServiceSettings): Promise<void>;
  queues(tenantId: string): Promise<Queue[]>;
  queue(tenantId: string, queueId: string): Promise<Queue | undefined>;
  putQueue(queue: Queue): Promise<void>;
  agents(tenantId: string): Promise<Versioned<Agent>[]>;
  agent(tenantId: string, agentId: string): Promise<Versioned<Agent> | undefined>;
  /** Conditional on the revision; false when it changed meanwhile. */
  putAgent(agent: Agent, rev: number | null): Promise<boolean>;
  ticket(tenantId: string, ticketId: string): Promise<Versioned<Ticket> | undefined>;
  openTicketOf(tenantId: string, customerId: string, conversationKey: string): Promise<string | undefined>;
  processed(tenantId: string, eventId: string): Promise<boolean>;
  /** 'created', or 'duplicate' (marker exists), or 'conversation-taken' (another ticket holds the conversation). */
  createTicket(ticket: Ticket, write: TicketWrite): Promise<'created' | 'duplicate' | 'conversation-taken'>;
  /** Conditional on `rev` (and the agents' conditions); false when anything changed meanwhile or the marker exists. */
  saveTicket(ticket: Ticket, rev: number, write?: TicketWrite): Promise<boolean>;
  queueTickets(tenantId: string, queueId: string, status: QueueTicketStatus, limit: number, cursor?: string): Promise<{ items: Ticket[]; nextCursor: string | null }>;
  /** The customer's tickets that hold a message of this interaction (from the tickets on their timeline). */
  ticketsWithMessage(tenantId: string, customerId: string, interactionId: string): Promise<string[]>;
  /** Tickets whose next warning or due time is at or before `now` (an index by alert time, not a scan). */
  alertsDue(tenantId: string, now: string, limit: number): Promise<string[]>;
  /** Tenants that have tickets (the breach job's list). */
  serviceTenants(): Promise<string[]>;
  /** Every ticket of a queue (reports); paged by the adapter. */
  ticketsOfQueue(tenantId: string, queueId: string): AsyncIterable<Ticket>;
}

/** Where agents' replies go out: one implementation per network (Graph API, WhatsApp Cloud API, X), or an outbox. */
export interface ReplyPort {
  send(reply: {
    tenantId: string;
    ticketId: string;
    replyId: string;
    channel: string;
    kind: 'comment' | 'dm';
    /** comment: the comment/tweet id answered; dm: the customer's id on the network. */
    target: string;
    accountId?: string;
    text: string;
  }): Promise<{ providerMessageId: string }>;
}

export interface CustomerFacts {
  followers: number;
  tier: string | null;
  rfmClass: string | null;
  clv: { amount: string; currency: string } | null;
  /** The customer's id on each channel (whom a reply on that channel goes to). */
  senderIds?: Record<string, string>;
}
export interface CustomerFactsPort {
  facts(tenantId: string, customerId: string): Promise<CustomerFacts | undefined>;
}

export interface ServicePorts {
  store: ServiceStore;
  publisher: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditLog;
  customers: CustomerFactsPort;
  replies: ReplyPort;
}

const MAX_ATTEMPTS = 8;

// ---------- SLA bookkeeping ----------

function calendarAndPolicy(settings: ServiceSettings, queue: Queue | undefined) {
  return { calendar: queue?.calendar ?? settings.calendar, policy: queue?.policy ?? settings.policy };
}

/** Recomputes the ticket's SLA state (and so its index keys) from its log. */
export function withSla(ticket: Ticket, settings: ServiceSettings, queue: Queue | undefined, now: string): Ticket {
  const { calendar, policy } = calendarAndPolicy(settings, queue);
  const sla = slaState(slaEvents(ticket.log), policy, calendar, now);
  return { ...ticket, sla: { ...sla, nextAlertAt: nextAlert(sla.clocks, ticket.announced) } };
}

// ---------- routing and assignment ----------

const matches = (wanted: readonly string[], value: string | null) => wanted.length === 0 || (value !== null && wanted.includes(value));

export function routeTicket(queues: readonly Queue[], requirements: Requirements, priority: Priority): Queue | undefined {
  return [...queues]
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
    .find(
      (q) =>
        matches(q.skills.channels, requirements.channel) &&
        matches(q.skills.languages, requirements.language) &&
        matches(q.skills.intents, requirements.intent) &&
        matches(q.skills.vipTiers, requirements.vipTier) &&
        (q.priorities.length === 0 || q.priorities.includes(priority)),
    );
}

/** An agent can take a ticket of a queue: member, online, free capacity, and the skills the queue asks for. */
export function canTake(agent: Agent, queue: Queue, requirements: Requirements): boolean {
  const need = (queueWants: string[], agentHas: string[], value: string | null) =>
    queueWants.length === 0 || value === null || agentHas.includes(value);
  return (
    agent.queues.includes(queue.id) &&
    agent.status === 'online' &&
    agent.openTickets < agent.capacity &&
    need(queue.skills.channels, agent.skills.channels, requirements.channel) &&
    need(queue.skills.languages, agent.skills.languages, requirements.language) &&
    need(queue.skills.intents, agent.skills.intents, requirements.intent) &&
    need(queue.skills.vipTiers, agent.skills.vipTiers, requirements.vipTier)
  );
}

/** Round-robin: whoever was assigned longest ago; least-loaded: the lowest share of capacity in use, then round-robin. */
export function chooseAgent(candidates: readonly Agent[], mode: Queue['assignment']): Agent | undefined {
  const since = (a: Agent) => a.lastAssignedAt ?? '';
  return [...candidates].sort(
    (a, b) =>
      (mode === 'least_loaded' ? a.openTickets / a.capacity - b.openTickets / b.capacity : 0) ||
      since(a).localeCompare(since(b)) ||
      a.id.localeCompare(b.id),
  )[0];
}

/**
 * Gives one ticket to a free agent of its queue.
 * 1. read the agents; 2. choose among those who can take it; 3. write ticket and agent together, each conditional
 * on its revision and the agent's free capacity; on a race, read again. Answers the agent, or undefined when
 * nobody is free (the ticket waits in the queue).
 */
export async function assignTicket(ports: ServicePorts, tenantId: string, ticketId: string, by = 'system:routing'): Promise<string | undefined> {
  return untilUnchanged('the queue', async () => {
    const current = await ports.store.ticket(tenantId, ticketId);
    if (!current) return undefined;
    const ticket = current.value;
    if (ticket.assigneeId || ticket.status === 'resolved' || !ticket.queueId) return ticket.assigneeId ?? undefined;
    const queue = await ports.store.queue(tenantId, ticket.queueId);
    if (!queue) return undefined;
    const agents = await ports.store.agents(tenantId);
    const chosen = chooseAgent(
      agents.map((a) => a.value).filter((a) => canTake(a, queue, ticket.requirements)),
      queue.assignment,
    );
    if (!chosen) return undefined;
    const agentRev = agents.find((a) => a.value.id === chosen.id)!.rev;
    const now = ports.clock.now().toISOString();
    const next = withSla(
      { ...ticket, assigneeId: chosen.id, updatedAt: now, log: [...ticket.log, { type: 'assigned', at: now, agentId: chosen.id, by }] },
      await ports.store.settings(tenantId),
      queue,
      now,
    );
    if (await ports.store.saveTicket(next, current.rev, { agentChanges: [{ agentId: chosen.id, delta: 1, rev: agentRev }] })) return chosen.id;
    return CHANGED;
  }, { attempts: MAX_ATTEMPTS });
}

/** Capacity freed or an agent came online: hand waiting tickets of the queues out, most urgent due time first. */
export async function assignWaiting(ports: ServicePorts, tenantId: string, queueIds: readonly string[]): Promise<number> {
  let assigned = 0;
  for (const queueId of queueIds) {
    for (;;) {
      const { items } = await ports.store.queueTickets(tenantId, queueId, 'waiting', 10);
      if (items.length === 0) break;
      let progress = false;
      for (const ticket of items) {
        if (await assignTicket(ports, tenantId, ticket.id)) {
          assigned += 1;
          progress = true;
        } else break; // nobody free for the most urgent one: stop here, order matters
      }
      if (!progress) break;
    }
  }
  return assigned;
}

// ---------- opening ----------

export interface InteractionSignal {
  tenantId: string;
  eventId: string;
  correlationId: string;
  occurredAt: string;
  customerId: string;
  interactionId: string;
  channel: string;
  kind: string;
  externalId: string;
  accountId?: string;
  /** The post (comments) the interaction belongs to. */
  postId?: string;
  /** The customer's id on the network (a DM's recipient for replies). */
  senderId?: string;
  text?: string;
  language: string | null;
  sentiment: number | null;
  intent: string | null;
}

const PUBLIC_KINDS = ['comment', 'mention', 'review', 'share', 'content'];
const CONVERSATION_KINDS = ['comment', 'mention', 'dm', 'review'];

/** Whether an interaction of this kind can open or join a ticket at all (the rest need not even be read). */
export const isConversationKind = (kind: string) => CONVERSATION_KINDS.includes(kind);

export function conversationKeyOf(s: Pick<InteractionSignal, 'channel' | 'kind' | 'accountId' | 'postId' | 'externalId'>): string {
  return s.kind === 'dm' ? `dm:${s.channel}:${s.accountId ?? ''}` : `thread:${s.channel}:${s.postId ?? s.externalId}`;
}

export function opensTicket(s: Pick<InteractionSignal, 'kind' | 'intent' | 'sentiment'>, settings: ServiceSettings): boolean {
  if (!CONVERSATION_KINDS.includes(s.kind)) return false;
  return s.kind === 'dm' || s.intent === 'complaint' || (s.sentiment !== null && s.sentiment <= settings.sentimentThreshold);
}

function newTicket(
  id: string,
  signal: Omit<InteractionSignal, 'eventId' | 'correlationId' | 'interactionId' | 'externalId'> & { interactionId?: string; externalId: string },
  facts: CustomerFacts,
  openedBy: string,
  subject: string,
): Ticket {
  const priorityInputs: PriorityInputs = {
    sentiment: signal.sentiment,
    intent: signal.intent,
    kind: signal.kind,
    isPublic: PUBLIC_KINDS.includes(signal.kind),
    followers: facts.followers,
    tier: facts.tier,
    rfmClass: facts.rfmClass,
    clv: facts.clv,
  };
  const priority = decidePriority(priorityInputs);
  const at = signal.occurredAt;
  return {
    id,
    tenantId: signal.tenantId,
    customerId: signal.customerId,
    channel: signal.channel,
    conversationKey: conversationKeyOf(signal),
    replyTo: {
      channel: signal.channel,
      kind: signal.kind === 'dm' ? 'dm' : 'comment',
      externalId: signal.externalId,
      ...(signal.accountId !== undefined && { accountId: signal.accountId }),
      ...(signal.senderId !== undefined && { recipientId: signal.senderId }),
    },
    subject,
    status: 'open',
    priority,
    requirements: { channel: signal.channel, language: signal.language, intent: signal.intent, vipTier: facts.tier?.toLowerCase() ?? null },
    queueId: null,
    assigneeId: null,
    openedBy,
    openedAt: at,
    updatedAt: at,
    resolvedAt: null,
    log: [{ type: 'opened', at, priority: priority.value }],
    messages: signal.interactionId
      ? [{ interactionId: signal.interactionId, externalId: signal.externalId, kind: signal.kind, at, ...(signal.text !== undefined && { text: signal.text }) }]
      : [],
    replies: [],
    announced: [],
    sla: { priority: priority.value, policyId: '', clocks: [], nextDueAt: null, nextAlertAt: null },
    sourceEventIds: [],
  };
}

const meta = (tenantId: string, eventId: string, correlationId: string, occurredAt: string) => ({ tenantId, eventId, correlationId, occurredAt });

/** Opens the ticket with its queue, publishes TicketOpened and TicketRouted, then assigns. */
async function openRoutedTicket(ports: ServicePorts, draft: Ticket, write: TicketWrite, correlationId: string): Promise<'created' | 'duplicate' | 'conversation-taken'> {
  const settings = await ports.store.settings(draft.tenantId);
  const queue = routeTicket(await ports.store.queues(draft.tenantId), draft.requirements, draft.priority.value);
  const now = ports.clock.now().toISOString();
  const routed: Ticket = { ...draft, queueId: queue?.id ?? null, log: [...draft.log, { type: 'routed', at: draft.openedAt, queueId: queue?.id ?? null }] };
  const ticket = withSla(routed, settings, queue, now);
  const outcome = await ports.store.createTicket(ticket, write);
  if (outcome !== 'created') return outcome;
  const events: OutgoingEvent[] = [
    buildEvent(TicketOpened, meta(ticket.tenantId, `${ticket.id}:opened`, correlationId, ticket.openedAt), {
      customerId: ticket.customerId,
      ticketId: ticket.id,
      priority: ticket.priority.value,
      channel: ticket.channel as never,
    }),
  ];
  if (queue) {
    events.push(
      buildEvent(TicketRouted, meta(ticket.tenantId, `${ticket.id}:routed`, correlationId, now), {
        customerId: ticket.customerId,
        ticketId: ticket.id,
        queue: queue.id,
        slaDueAt: ticket.sla.nextDueAt ?? '',
      }),
    );
  }
  await ports.publisher.publish(events);
  if (queue) await assignTicket(ports, ticket.tenantId, ticket.id);
  return 'created';
}

/**
 * InteractionRecorded → a ticket.
 * 1. a message on a conversation with no open ticket that would not open one (praise, a question with a good
 *    sentiment) ends here, after one read (and the tenant's settings, kept a moment per container);
 * 2. skip what was applied before (processed marker);
 * 3. a message on a conversation with an open ticket joins it (the customer wrote: paused clocks resume);
 * 4. otherwise a complaint, a sentiment at or below the tenant's threshold, or a DM opens a ticket:
 *    priority from the customer's facts, routed to a queue, published, then assigned.
 */
export async function ticketFromInteraction(ports: ServicePorts, received: InteractionSignal): Promise<'opened' | 'joined' | 'ignored' | 'duplicate'> {
  // the clocks start when the message reaches us (a platform's timestamp can be late or skewed)
  const signal = { ...received, occurredAt: ports.clock.now().toISOString() };
  const { tenantId } = signal;
  if (!CONVERSATION_KINDS.includes(signal.kind)) return 'ignored';
  return untilUnchanged('the conversation', async () => {
    const conversationKey = conversationKeyOf(signal);
    const openId = await ports.store.openTicketOf(tenantId, signal.customerId, conversationKey);
    if (!openId && !opensTicket(signal, await ports.store.settings(tenantId))) return 'ignored';
    if (await ports.store.processed(tenantId, signal.eventId)) return 'duplicate';
    if (openId) {
      const current = await ports.store.ticket(tenantId, openId);
      if (current && current.value.status !== 'resolved') {
        const t = current.value;
        if (t.sourceEventIds.includes(signal.eventId)) return 'duplicate';
        const settings = await ports.store.settings(tenantId);
        const queue = t.queueId ? await ports.store.queue(tenantId, t.queueId) : undefined;
        const joined = withSla(
          {
            ...t,
            status: t.status === 'pending_customer' ? 'open' : t.status,
            updatedAt: signal.occurredAt,
            log: [...t.log, { type: 'customer_message', at: signal.occurredAt }],
            messages: [
              ...t.messages,
              { interactionId: signal.interactionId, externalId: signal.externalId, kind: signal.kind, at: signal.occurredAt, ...(signal.text !== undefined && { text: signal.text }) },
            ],
            // answer the latest message
            replyTo: { ...t.replyTo, externalId: signal.externalId },
            sourceEventIds: [...t.sourceEventIds, signal.eventId].slice(-50),
          },
          settings,
          queue,
          ports.clock.now().toISOString(),
        );
        if (await ports.store.saveTicket(joined, current.rev, { markerEventId: signal.eventId })) return 'joined';
        return CHANGED;
      }
    }
    const settings = await ports.store.settings(tenantId);
    if (!opensTicket(signal, settings)) return 'ignored';
    const facts = (await ports.customers.facts(tenantId, signal.customerId)) ?? { followers: 0, tier: null, rfmClass: null, clv: null };
    const senderId = signal.senderId ?? facts.senderIds?.[signal.channel];
    const draft = newTicket(ports.ids.next(), { ...signal, ...(senderId !== undefined && { senderId }) }, facts, 'system:social', subjectOf(signal));
    draft.sourceEventIds = [signal.eventId];
    const outcome = await openRoutedTicket(ports, draft, { markerEventId: signal.eventId }, signal.correlationId);
    if (outcome === 'created') return 'opened';
    if (outcome === 'duplicate') return 'duplicate';
    // another message of the same conversation opened one meanwhile: join it
    return CHANGED;
  }, { attempts: MAX_ATTEMPTS });
}

function subjectOf(s: Pick<InteractionSignal, 'channel' | 'kind' | 'intent'>): string {
  return `${s.intent === 'complaint' ? 'Complaint' : s.kind === 'dm' ? 'Direct message' : 'Negative ' + s.kind} on ${s.channel}`;
}

export interface AgentTicketInput {
  customerId: string;
  channel: string;
  kind: 'comment' | 'dm';
  /** The message to answer (comment or tweet id) or the customer's id on the network for a DM. */
  externalId: string;
  accountId?: string;
  subject: string;
  language?: string;
  intent?: string;
  sentiment?: number;
}

/** An agent opens a ticket by hand (a phone call, an e-mail): same priority rule, routing and assignment. */
export async function openTicketByAgent(ports: ServicePorts, tenantId: string, actor: string, input: AgentTicketInput, correlationId: string): Promise<Ticket> {
  const facts = await ports.customers.facts(tenantId, input.customerId);
  if (!facts) throw new NotFound(`No customer ${input.customerId}`);
  const id = ports.ids.next();
  const draft = newTicket(
    id,
    {
      tenantId,
      customerId: input.customerId,
      occurredAt: ports.clock.now().toISOString(),
      channel: input.channel,
      kind: input.kind,
      externalId: input.externalId,
      ...(input.accountId !== undefined && { accountId: input.accountId }),
      ...(input.kind === 'dm' && { senderId: input.externalId }),
      // agent tickets hold their own conversation: another agent ticket on the same thread is allowed
      postId: `agent:${id}`,
      language: input.language ?? null,
      sentiment: input.sentiment ?? null,
      intent: input.intent ?? null,
    },
    facts,
    actor,
    input.subject,
  );
  draft.conversationKey = `agent:${id}`;
  await openRoutedTicket(ports, draft, {}, correlationId);
  return (await ports.store.ticket(tenantId, id))!.value;
}

/**
 * InteractionRemoved: the author deleted a message on the platform (a tweet, a comment, a DM). The platforms'
 * terms and the person's wish agree: its words leave every ticket that quoted them, open or resolved; the fact
 * that a message was there (and when) stays, so the conversation still reads in order.
 */
export async function forgetRemovedMessage(ports: ServicePorts, input: { tenantId: string; customerId: string; interactionId: string }): Promise<number> {
  let changed = 0;
  for (const ticketId of await ports.store.ticketsWithMessage(input.tenantId, input.customerId, input.interactionId)) {
    const result = await updateTicket(ports, input.tenantId, ticketId, (t, now) => {
      if (!t.messages.some((m) => m.interactionId === input.interactionId && m.text !== undefined)) return undefined;
      const messages = t.messages.map((m) => {
        if (m.interactionId !== input.interactionId) return m;
        const { text: _gone, ...rest } = m;
        return { ...rest, removedAt: now };
      });
      return { ticket: { ...t, messages, log: [...t.log, { type: 'message_removed', at: now, interactionId: input.interactionId }] } };
    });
    if (result) changed += 1;
  }
  return changed;
}

// ---------- working a ticket ----------

async function loadTicket(ports: ServicePorts, tenantId: string, ticketId: string): Promise<Versioned<Ticket>> {
  const current = await ports.store.ticket(tenantId, ticketId);
  if (!current) throw new NotFound(`No ticket ${ticketId}`);
  return current;
}

/** Read-modify-write of one ticket with its SLA recomputed; `change` may also ask for agent count changes. */
async function updateTicket(
  ports: ServicePorts,
  tenantId: string,
  ticketId: string,
  change: (t: Ticket, now: string) => { ticket: Ticket; write?: TicketWrite } | undefined,
): Promise<{ before: Ticket; after: Ticket } | undefined> {
  return untilUnchanged(`ticket ${ticketId}`, async () => {
    const current = await loadTicket(ports, tenantId, ticketId);
    const now = ports.clock.now().toISOString();
    const changed = change(current.value, now);
    if (!changed) return undefined;
    const settings = await ports.store.settings(tenantId);
    const queue = changed.ticket.queueId ? await ports.store.queue(tenantId, changed.ticket.queueId) : undefined;
    const next = withSla({ ...changed.ticket, updatedAt: now }, settings, queue, now);
    if (await ports.store.saveTicket(next, current.rev, changed.write)) return { before: current.value, after: next };
    return CHANGED;
  }, { attempts: MAX_ATTEMPTS });
}

/** View of a ticket with its SLA as of now (clocks keep running between writes). */
export async function getTicket(ports: ServicePorts, tenantId: string, ticketId: string): Promise<Ticket> {
  const { value } = await loadTicket(ports, tenantId, ticketId);
  const settings = await ports.store.settings(tenantId);
  const queue = value.queueId ? await ports.store.queue(tenantId, value.queueId) : undefined;
  return withSla(value, settings, queue, ports.clock.now().toISOString());
}

function reopenEvents(t: Ticket, now: string): TicketEvent[] {
  return t.status === 'resolved' ? [{ type: 'status', at: now, status: 'open' }] : [];
}

/**
 * An agent's reply.
 * 1. a reply to a resolved ticket reopens it;
 * 2. the reply goes out through the channel's reply port;
 * 3. only a reply the channel accepted stops the first/next-response clock; a failed one is recorded as failed.
 */
export async function replyToTicket(ports: ServicePorts, tenantId: string, ticketId: string, by: string, text: string): Promise<{ ticket: Ticket; delivered: boolean }> {
  const { value: ticket } = await loadTicket(ports, tenantId, ticketId);
  const replyId = ports.ids.next();
  let providerMessageId: string | undefined;
  let failure: string | undefined;
  try {
    ({ providerMessageId } = await ports.replies.send({
      tenantId,
      ticketId,
      replyId,
      channel: ticket.replyTo.channel,
      kind: ticket.replyTo.kind,
      target: ticket.replyTo.kind === 'dm' ? (ticket.replyTo.recipientId ?? ticket.replyTo.externalId) : ticket.replyTo.externalId,
      ...(ticket.replyTo.accountId !== undefined && { accountId: ticket.replyTo.accountId }),
      text,
    }));
  } catch (error) {
    failure = (error as Error).name || 'SendError';
  }
  const result = await updateTicket(ports, tenantId, ticketId, (t, now) => {
    const wasResolved = t.status === 'resolved';
    const reopened = wasResolved && providerMessageId !== undefined;
    const log: TicketEvent[] = providerMessageId
      ? [...(reopened ? reopenEvents(t, now) : []), { type: 'reply_delivered', at: now }]
      : [{ type: 'reply_failed', at: now, by, replyId, reason: failure ?? 'unknown' }];
    return {
      ticket: {
        ...t,
        status: reopened ? 'open' : t.status,
        resolvedAt: reopened ? null : t.resolvedAt,
        log: [...t.log, ...log],
        replies: [...t.replies, { replyId, by, text, at: now, status: providerMessageId ? 'sent' : 'failed', ...(providerMessageId && { providerMessageId }) }],
      },
      // a reopened ticket counts against its agent's capacity again
      ...(reopened && t.assigneeId && { write: { agentChanges: [{ agentId: t.assigneeId, delta: 1 as const }] } }),
    };
  });
  const after = result!.after;
  if (result!.before.status === 'resolved' && after.status === 'open') {
    await recordAudit(ports.audit, { tenantId, actor: by, action: 'ticket.reopened', targetId: ticketId, targetType: 'ticket', at: after.updatedAt, details: { reason: 'reply' } });
  }
  return { ticket: after, delivered: providerMessageId !== undefined };
}

export async function addNote(ports: ServicePorts, tenantId: string, ticketId: string, by: string, text: string): Promise<Ticket> {
  const noteId = ports.ids.next();
  return (await updateTicket(ports, tenantId, ticketId, (t, now) => ({ ticket: { ...t, log: [...t.log, { type: 'note', at: now, by, noteId, text }] } })))!.after;
}

/**
 * Status changes: pending on the customer pauses the clocks, resolved stops them (TicketResolved, the agent's slot
 * frees and waiting tickets are assigned), reopened resumes resolution where it stopped. Audited.
 */
export async function changeStatus(
  ports: ServicePorts,
  tenantId: string,
  ticketId: string,
  by: string,
  status: 'pending_customer' | 'resolved' | 'reopened' | 'open',
  correlationId: string,
): Promise<Ticket> {
  const target: TicketStatus = status === 'reopened' ? 'open' : status;
  const result = await updateTicket(ports, tenantId, ticketId, (t, now) => {
    if (t.status === target) return undefined;
    if (status === 'reopened' && t.status !== 'resolved') throw new Conflict('Only a resolved ticket can be reopened');
    if (status === 'pending_customer' && t.status === 'resolved') throw new Conflict('A resolved ticket cannot wait for the customer; reopen it first');
    const agentChanges =
      t.assigneeId && target === 'resolved' ? [{ agentId: t.assigneeId, delta: -1 as const }] : t.assigneeId && t.status === 'resolved' ? [{ agentId: t.assigneeId, delta: 1 as const }] : [];
    return {
      ticket: {
        ...t,
        status: target,
        resolvedAt: target === 'resolved' ? now : null,
        log: [...t.log, { type: 'status', at: now, status: target }],
      },
      write: { agentChanges, releaseConversation: target === 'resolved' },
    };
  });
  if (!result) return (await loadTicket(ports, tenantId, ticketId)).value;
  const { before, after } = result;
  await recordAudit(ports.audit, {
    tenantId,
    actor: by,
    action: `ticket.${status === 'reopened' || (before.status === 'resolved' && target === 'open') ? 'reopened' : target}`,
    targetId: ticketId,
    targetType: 'ticket',
    at: after.updatedAt,
    details: { from: before.status, to: after.status },
  });
  if (target === 'resolved') {
    await ports.publisher.publish([
      buildEvent(TicketResolved, meta(tenantId, `${ticketId}:resolved:${after.updatedAt}`, correlationId, after.updatedAt), { customerId: after.customerId, ticketId }),
    ]);
    if (after.assigneeId) await assignWaiting(ports, tenantId, await queuesOfAgent(ports, tenantId, after.assigneeId));
  }
  return after;
}

async function queuesOfAgent(ports: ServicePorts, tenantId: string, agentId: string): Promise<string[]> {
  return (await ports.store.agent(tenantId, agentId))?.value.queues ?? [];
}

/** Reassignment to another agent (or back to the queue with null); the counts move with it. Audited. */
export async function reassign(ports: ServicePorts, tenantId: string, ticketId: string, by: string, agentId: string | null): Promise<Ticket> {
  return untilUnchanged(`ticket ${ticketId}`, async () => {
    const current = await loadTicket(ports, tenantId, ticketId);
    const t = current.value;
    if (t.assigneeId === agentId) return t;
    let agentRev: number | undefined;
    if (agentId) {
      const agent = await ports.store.agent(tenantId, agentId);
      if (!agent) throw new InvalidInput(`No agent ${agentId}`, { issues: [{ path: 'agentId', message: 'unknown agent' }] });
      if (t.status !== 'resolved' && agent.value.openTickets >= agent.value.capacity) throw new Conflict(`Agent ${agentId} has no free capacity`);
      agentRev = agent.rev;
    }
    const now = ports.clock.now().toISOString();
    const changes: NonNullable<TicketWrite['agentChanges']> = [];
    if (t.status !== 'resolved') {
      if (t.assigneeId) changes.push({ agentId: t.assigneeId, delta: -1 });
      if (agentId) changes.push({ agentId, delta: 1, ...(agentRev !== undefined && { rev: agentRev }) });
    }
    const settings = await ports.store.settings(tenantId);
    const queue = t.queueId ? await ports.store.queue(tenantId, t.queueId) : undefined;
    const next = withSla({ ...t, assigneeId: agentId, updatedAt: now, log: [...t.log, { type: 'assigned', at: now, agentId, by }] }, settings, queue, now);
    if (await ports.store.saveTicket(next, current.rev, { agentChanges: changes })) {
      await recordAudit(ports.audit, {
        tenantId,
        actor: by,
        action: 'ticket.reassigned',
        targetId: ticketId,
        targetType: 'ticket',
        at: now,
        details: { from: t.assigneeId, to: agentId },
      });
      if (t.assigneeId && t.status !== 'resolved') await assignWaiting(ports, tenantId, await queuesOfAgent(ports, tenantId, t.assigneeId));
      return next;
    }
    return CHANGED;
  }, { attempts: MAX_ATTEMPTS });
}

export async function changePriority(ports: ServicePorts, tenantId: string, ticketId: string, by: string, priority: Priority): Promise<Ticket> {
  const result = await updateTicket(ports, tenantId, ticketId, (t, now) =>
    t.sla.priority === priority ? undefined : { ticket: { ...t, log: [...t.log, { type: 'priority_changed', at: now, priority }] } },
  );
  if (result) {
    await recordAudit(ports.audit, { tenantId, actor: by, action: 'ticket.priority_changed', targetId: ticketId, targetType: 'ticket', at: result.after.updatedAt, details: { to: priority } });
  }
  return result?.after ?? (await loadTicket(ports, tenantId, ticketId)).value;
}

// ---------- breach detection ----------

/**
 * The scheduled job, per tenant: tickets whose next alert time has come (an index by that time), each clock's
 * warning and breach published once. The event id is derived from the clock, so a job that dies between
 * publishing and marking publishes again with the same id, which consumers apply once.
 */
export async function detectBreaches(ports: ServicePorts, tenantId: string, correlationId: string): Promise<{ breaches: number; warnings: number }> {
  const now = ports.clock.now().toISOString();
  let breaches = 0;
  let warnings = 0;
  for (const ticketId of await ports.store.alertsDue(tenantId, now, 100)) {
    // a ticket that keeps changing is left to the next run (its alert stays due)
    await untilUnchanged(`ticket ${ticketId}`, async () => {
      const current = await ports.store.ticket(tenantId, ticketId);
      if (!current) return;
      const settings = await ports.store.settings(tenantId);
      const queue = current.value.queueId ? await ports.store.queue(tenantId, current.value.queueId) : undefined;
      const fresh = withSla(current.value, settings, queue, now);
      const alerts = dueAlerts(fresh.sla, fresh.announced, now);
      const events = alerts.map(({ clock, kind, key }) =>
        kind === 'breach'
          ? buildEvent(SlaBreached, meta(tenantId, `${ticketId}:${key}`, correlationId, clock.dueAt!), {
              customerId: fresh.customerId,
              ticketId,
              queue: fresh.queueId ?? '',
            })
          : buildEvent(SlaWarning, meta(tenantId, `${ticketId}:${key}`, correlationId, clock.warnAt!), {
              customerId: fresh.customerId,
              ticketId,
              queue: fresh.queueId ?? '',
              clock: clock.clock,
              dueAt: clock.dueAt!,
            }),
      );
      if (events.length > 0) await ports.publisher.publish(events);
      const marked = withSla({ ...fresh, announced: [...fresh.announced, ...alerts.map((a) => a.key)] }, settings, queue, now);
      if (await ports.store.saveTicket(marked, current.rev)) {
        breaches += alerts.filter((a) => a.kind === 'breach').length;
        warnings += alerts.filter((a) => a.kind === 'warning').length;
        return;
      }
      return CHANGED;
    }, { attempts: MAX_ATTEMPTS }).catch((error: unknown) => {
      if (!(error instanceof KeptChanging)) throw error;
    });
  }
  return { breaches, warnings };
}
