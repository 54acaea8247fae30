/**
 * Request and response shapes of the service API (tickets, queues, agents, settings, reports).
 */
import { z } from 'zod';
import { INTENTS } from '../../domain/shared/vocabulary.js';
import { apiSchemas, pageOf } from '../shared/schemas.js';
import { AgentInput, AgentStatus, QueueInput, QueueTicketStatus, ServiceSettings, Skills } from '../../domain/service/model.js';
import { Priority } from '../../domain/service/sla.js';

export const TicketCreate = z
  .object({
    customerId: z.string().min(1).max(100),
    channel: z.enum(['facebook', 'instagram', 'whatsapp', 'x']),
    kind: z.enum(['comment', 'dm']),
    externalId: z.string().min(1).max(200).describe('comment or tweet id to answer; for a DM the customer id on the network'),
    accountId: z.string().min(1).max(100).optional(),
    subject: z.string().min(1).max(200),
    language: z.string().min(2).max(10).optional(),
    intent: z.enum(INTENTS).optional(),
    sentiment: z.number().min(-1).max(1).optional(),
  })
  .strict()
  .register(apiSchemas, { id: 'TicketCreate' });

export const ReplyCreate = z.object({ text: z.string().min(1).max(2000) }).strict().register(apiSchemas, { id: 'TicketReplyCreate' });
export const NoteCreate = z.object({ text: z.string().min(1).max(5000) }).strict().register(apiSchemas, { id: 'TicketNoteCreate' });
export const StatusChange = z
  .object({ status: z.enum(['pending_customer', 'resolved', 'reopened', 'open']) })
  .strict()
  .register(apiSchemas, { id: 'TicketStatusChange' });
export const AssignmentChange = z.object({ agentId: z.string().min(1).max(64).nullable() }).strict().register(apiSchemas, { id: 'TicketAssignment' });
export const PriorityChange = z.object({ priority: Priority }).strict().register(apiSchemas, { id: 'TicketPriorityChange' });

const ClockView = z.object({
  clock: z.enum(['first_response', 'next_response', 'resolution']),
  id: z.string(),
  startedAt: z.string(),
  targetMinutes: z.number(),
  usedBusinessMs: z.number(),
  pausedBusinessMs: z.number(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  status: z.enum(['running', 'paused', 'met', 'breached']),
});

export const TicketView = z
  .object({
    id: z.string(),
    customerId: z.string(),
    channel: z.string(),
    subject: z.string(),
    status: z.enum(['open', 'pending_customer', 'resolved']),
    priority: z.object({
      value: Priority,
      inputs: z.record(z.string(), z.unknown()),
      points: z.record(z.string(), z.number()),
      rule: z.string(),
    }),
    requirements: z.object({ channel: z.string(), language: z.string().nullable(), intent: z.string().nullable(), vipTier: z.string().nullable() }),
    queueId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    openedAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
    sla: z.object({ priority: Priority, policyId: z.string(), clocks: z.array(ClockView), nextDueAt: z.string().nullable(), nextAlertAt: z.string().nullable() }),
    messages: z.array(z.object({ interactionId: z.string(), externalId: z.string(), kind: z.string(), text: z.string().optional(), removedAt: z.string().optional().describe('the author deleted it on the platform: its text is gone'), at: z.string() })),
    replies: z.array(z.object({ replyId: z.string(), by: z.string(), text: z.string(), at: z.string(), status: z.enum(['sent', 'failed']), providerMessageId: z.string().optional() })),
    log: z.array(z.record(z.string(), z.unknown())),
  })
  .register(apiSchemas, { id: 'Ticket' });
export const TicketPage = pageOf(TicketView, 'TicketPage');

export const QueueTicketsQuery = z.object({
  status: QueueTicketStatus.default('waiting'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(4096).optional(),
});

export const QueueBody = QueueInput.strict().register(apiSchemas, { id: 'ServiceQueueInput' });
export const QueueView = z
  .object({ id: z.string(), name: z.string(), order: z.number(), skills: Skills, priorities: z.array(Priority), assignment: z.enum(['round_robin', 'least_loaded']), updatedAt: z.string() })
  .register(apiSchemas, { id: 'ServiceQueue' });
export const QueuePage = pageOf(QueueView, 'ServiceQueuePage');

export const AgentBody = AgentInput.strict().register(apiSchemas, { id: 'ServiceAgentInput' });
export const AgentPatch = z
  .object({ status: AgentStatus.optional(), capacity: z.number().int().min(0).max(200).optional() })
  .strict()
  .refine((p) => p.status !== undefined || p.capacity !== undefined, { message: 'status or capacity is required' })
  .register(apiSchemas, { id: 'ServiceAgentPatch' });
export const AgentView = z
  .object({
    id: z.string(),
    name: z.string(),
    queues: z.array(z.string()),
    skills: Skills,
    capacity: z.number(),
    status: AgentStatus,
    openTickets: z.number(),
    lastAssignedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .register(apiSchemas, { id: 'ServiceAgent' });
export const AgentPage = pageOf(AgentView, 'ServiceAgentPage');

export const SettingsBody = ServiceSettings.register(apiSchemas, { id: 'ServiceSettings' });

const ReportRow = z.object({
  id: z.string(),
  opened: z.number(),
  resolved: z.number(),
  medianFirstResponseBusinessMinutes: z.number().nullable(),
  medianResolutionBusinessMinutes: z.number().nullable(),
  slaMetPercent: z.number().nullable(),
});
export const ServiceReportView = z
  .object({ from: z.string().nullable(), to: z.string().nullable(), queues: z.array(ReportRow), agents: z.array(ReportRow) })
  .register(apiSchemas, { id: 'ServiceReport' });
export const ReportQuery = z.object({
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});
