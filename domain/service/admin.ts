/**
 * Queues and agents (admin). An agent coming online, a raised capacity or a new agent frees slots: the waiting
 * tickets of the agent's queues are handed out at once.
 */
import { recordAudit } from '../audit/index.js';
import { NotFound } from '../shared/errors.js';
import { CHANGED, untilUnchanged } from '../shared/optimistic.js';
import type { Agent, AgentInput, Queue, QueueInput } from './model.js';
import { assignWaiting, type ServicePorts } from './tickets.js';

export async function saveQueue(ports: ServicePorts, tenantId: string, queueId: string, input: QueueInput, by: string): Promise<Queue> {
  const queue: Queue = { ...input, id: queueId, tenantId, updatedAt: ports.clock.now().toISOString() };
  await ports.store.putQueue(queue);
  await recordAudit(ports.audit, { tenantId, actor: by, action: 'service.queue_saved', targetId: queueId, targetType: 'queue', at: queue.updatedAt });
  return queue;
}

/** Creates or replaces an agent; the open-ticket count is the system's, never the caller's. */
export async function saveAgent(ports: ServicePorts, tenantId: string, agentId: string, input: AgentInput, by: string): Promise<Agent> {
  return untilUnchanged(`agent ${agentId}`, async () => {
    const current = await ports.store.agent(tenantId, agentId);
    const agent: Agent = {
      ...input,
      id: agentId,
      tenantId,
      openTickets: current?.value.openTickets ?? 0,
      lastAssignedAt: current?.value.lastAssignedAt ?? null,
      updatedAt: ports.clock.now().toISOString(),
    };
    if (await ports.store.putAgent(agent, current?.rev ?? null)) {
      await recordAudit(ports.audit, { tenantId, actor: by, action: 'service.agent_saved', targetId: agentId, targetType: 'agent', at: agent.updatedAt, details: { status: agent.status, capacity: agent.capacity } });
      await assignWaiting(ports, tenantId, agent.queues);
      return (await ports.store.agent(tenantId, agentId))!.value;
    }
    return CHANGED;
  }, { attempts: 8 });
}

export async function patchAgent(ports: ServicePorts, tenantId: string, agentId: string, patch: { status?: Agent['status']; capacity?: number }, by: string): Promise<Agent> {
  return untilUnchanged(`agent ${agentId}`, async () => {
    const current = await ports.store.agent(tenantId, agentId);
    if (!current) throw new NotFound(`No agent ${agentId}`);
    const agent: Agent = { ...current.value, ...patch, updatedAt: ports.clock.now().toISOString() };
    if (await ports.store.putAgent(agent, current.rev)) {
      await recordAudit(ports.audit, { tenantId, actor: by, action: 'service.agent_changed', targetId: agentId, targetType: 'agent', at: agent.updatedAt, details: { ...patch } });
      await assignWaiting(ports, tenantId, agent.queues);
      return (await ports.store.agent(tenantId, agentId))!.value;
    }
    return CHANGED;
  }, { attempts: 8 });
}
