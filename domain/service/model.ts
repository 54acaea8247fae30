/**
 * The service context's records: settings, queues, agents and tickets, as stored and as the API shows them.
 */
import { z } from 'zod';
import { ALWAYS_OPEN, BusinessCalendar } from './calendar.js';
import type { PriorityDecision } from './priority.js';
import { DEFAULT_POLICY, Priority, SlaPolicy, type SlaEvent, type SlaState } from './sla.js';

export const TicketStatus = z.enum(['open', 'pending_customer', 'resolved']);
export type TicketStatus = z.infer<typeof TicketStatus>;
/** What a queue lists: an open ticket nobody holds is `waiting`. */
export const QueueTicketStatus = z.enum(['waiting', 'open', 'pending_customer', 'resolved']);
export type QueueTicketStatus = z.infer<typeof QueueTicketStatus>;

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (1 to 64)');
const Values = z.array(z.string().min(1).max(40)).max(30).default([]);

/** Skills of a queue (what its tickets need) or of an agent (what they can do). Empty = any. */
export const Skills = z.object({ channels: Values, languages: Values, intents: Values, vipTiers: Values });
export type Skills = z.infer<typeof Skills>;

export const ServiceSettings = z.object({
  /** An interaction at or below this sentiment opens a ticket, whatever its intent. */
  sentimentThreshold: z.number().min(-1).max(1).default(-0.5),
  calendar: BusinessCalendar.default(ALWAYS_OPEN),
  policy: SlaPolicy.default(DEFAULT_POLICY),
});
export type ServiceSettings = z.infer<typeof ServiceSettings>;

export const QueueInput = z.object({
  name: z.string().min(1).max(80),
  /** Routing: the first queue (lowest `order`) whose skills all match the ticket takes it. */
  order: z.number().int().min(0).max(10_000).default(100),
  skills: Skills.default({ channels: [], languages: [], intents: [], vipTiers: [] }),
  /** Only tickets of these priorities (empty = any). */
  priorities: z.array(Priority).default([]),
  assignment: z.enum(['round_robin', 'least_loaded']).default('least_loaded'),
  calendar: BusinessCalendar.optional(),
  policy: SlaPolicy.optional(),
});
export type QueueInput = z.infer<typeof QueueInput>;
export interface Queue extends QueueInput {
  id: string;
  tenantId: string;
  updatedAt: string;
}

export const AgentStatus = z.enum(['online', 'away', 'offline']);
export const AgentInput = z.object({
  name: z.string().min(1).max(80),
  /** The user's JWT subject, so an agent can act as themselves. */
  userId: z.string().min(1).max(200).optional(),
  queues: z.array(Id).min(1).max(50),
  skills: Skills.default({ channels: [], languages: [], intents: [], vipTiers: [] }),
  /** Open tickets at most. */
  capacity: z.number().int().min(0).max(200),
  status: AgentStatus.default('offline'),
});
export type AgentInput = z.infer<typeof AgentInput>;
export interface Agent extends AgentInput {
  id: string;
  tenantId: string;
  /** Tickets assigned and not resolved: kept by conditional writes, never above capacity. */
  openTickets: number;
  lastAssignedAt: string | null;
  updatedAt: string;
}

/** What a ticket needs of the agent who takes it. */
export interface Requirements {
  channel: string;
  language: string | null;
  intent: string | null;
  vipTier: string | null;
}

export type TicketEvent =
  | SlaEvent
  | { type: 'note'; at: string; by: string; noteId: string; text: string }
  | { type: 'reply_failed'; at: string; by: string; replyId: string; reason: string }
  | { type: 'assigned'; at: string; agentId: string | null; by: string }
  | { type: 'routed'; at: string; queueId: string | null }
  | { type: 'message_removed'; at: string; interactionId: string };

/** Extra fields some log entries carry. */
export interface MessageRef {
  interactionId: string;
  externalId: string;
  kind: string;
  /** Gone when the author deleted the message on the platform (`removedAt`): the fact stays, the words do not. */
  text?: string;
  removedAt?: string;
}
export interface ReplyRecord {
  replyId: string;
  by: string;
  text: string;
  at: string;
  status: 'sent' | 'failed';
  providerMessageId?: string;
}

export interface Ticket {
  id: string;
  tenantId: string;
  customerId: string;
  channel: string;
  /** Same customer + conversation (thread or DM) = same open ticket. */
  conversationKey: string;
  /** Where replies go: the customer's message to answer and the brand account it was addressed to. */
  replyTo: { channel: string; kind: 'comment' | 'dm'; externalId: string; accountId?: string; recipientId?: string };
  subject: string;
  status: TicketStatus;
  priority: PriorityDecision;
  requirements: Requirements;
  queueId: string | null;
  assigneeId: string | null;
  openedBy: string;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  log: TicketEvent[];
  messages: (MessageRef & { at: string })[];
  replies: ReplyRecord[];
  /** Alert keys already published (`<clock id>:warning`, `<clock id>:breach`). */
  announced: string[];
  /** Recomputed on every write: the state the index keys come from. */
  sla: SlaState;
  /** Interaction event ids that already joined (redeliveries change nothing). */
  sourceEventIds: string[];
}

export const slaEvents = (log: readonly TicketEvent[]): SlaEvent[] =>
  log.filter((e): e is SlaEvent => ['opened', 'customer_message', 'reply_delivered', 'status', 'priority_changed'].includes(e.type));

export function queueStatusOf(ticket: Pick<Ticket, 'status' | 'assigneeId'>): QueueTicketStatus {
  return ticket.status === 'open' && !ticket.assigneeId ? 'waiting' : ticket.status;
}
