/**
 * The service context on the one table (keys: store/keys/service.ts). Every ticket write is conditional on the
 * ticket's revision; assignment adds the agent's open-ticket count in the same transaction, conditional on the
 * agent being online with free capacity, so two tickets can never take one free slot.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../domain/shared/model.js';
import type { KnowledgeRecord, KnowledgeSettings, TenantKnowledgeStats } from '../../domain/knowledge/index.js';
import { computeKnowledge, DEFAULT_SETTINGS } from '../../domain/knowledge/index.js';
import { ServiceSettings, queueStatusOf, type Agent, type Queue, type QueueTicketStatus, type Ticket } from '../../domain/service/model.js';
import type { CustomerFacts, CustomerFactsPort, ServiceStore, TicketWrite, Versioned } from '../../domain/service/tickets.js';
import { keys } from '../../store/keys.js';
import { documentClient, isConditionalCheckFailed, tableName, transactionConditionFailed } from '../dynamo/client.js';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/shared/cursor.js';
import { TtlCache } from '../dynamo/ttl-cache.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const MARKER_TTL_SECONDS = 15 * 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);
export const TICKET_CONSUMER = 'serviceTickets';

function ticketItem(ticket: Ticket, rev: number) {
  return {
    ...keys.ticket(ticket.tenantId, ticket.id),
    ...(ticket.queueId && keys.ticketQueueIndex(ticket.tenantId, ticket.queueId, queueStatusOf(ticket), ticket.sla.nextDueAt, ticket.id)),
    ...(ticket.sla.nextAlertAt && keys.ticketAlertIndex(ticket.tenantId, ticket.sla.nextAlertAt, ticket.id)),
    entity: 'Ticket',
    rev,
    data: ticket,
  };
}

/** The ticket on the customer's timeline (type `ticket`): what it is about and how it stands. */
function timelineItem(ticket: Ticket) {
  return {
    ...keys.timelineItem(ticket.tenantId, ticket.customerId, ticket.openedAt, 'ticket', ticket.id),
    entity: 'TimelineItem',
    type: 'ticket',
    occurredAt: ticket.openedAt,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      channel: ticket.channel,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority.value,
      queueId: ticket.queueId,
      assigneeId: ticket.assigneeId,
      replies: ticket.replies.filter((r) => r.status === 'sent').map((r) => ({ replyId: r.replyId, at: r.at, text: r.text })),
      messages: ticket.messages.map((m) => ({ interactionId: m.interactionId, at: m.at })),
    },
  };
}

function markerPut(tenantId: string, eventId: string): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.processedEvent(tenantId, TICKET_CONSUMER, eventId), entity: 'ProcessedEvent', at: new Date().toISOString(), expiresAt: nowSeconds() + MARKER_TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function agentUpdates(tenantId: string, write: TicketWrite | undefined): TransactItem[] {
  return (write?.agentChanges ?? []).map(({ agentId, delta, rev }) => ({
    Update: {
      TableName: tableName(),
      Key: keys.serviceAgent(tenantId, agentId),
      UpdateExpression: 'SET #data.openTickets = #data.openTickets + :delta, rev = rev + :one' + (delta > 0 ? ', #data.lastAssignedAt = :now' : ''),
      ConditionExpression:
        delta > 0
          ? // a slot is taken only while it is free and the agent is as we read them (online, same revision)
            'attribute_exists(pk) AND #data.openTickets < #data.#capacity' + (rev !== undefined ? ' AND rev = :rev AND #data.#status = :online' : '')
          : 'attribute_exists(pk) AND #data.openTickets > :zero',
      // `capacity` and `status` are DynamoDB reserved words
      ExpressionAttributeNames: { '#data': 'data', ...(delta > 0 && { '#capacity': 'capacity' }), ...(delta > 0 && rev !== undefined && { '#status': 'status' }) },
      ExpressionAttributeValues: {
        ':delta': delta,
        ':one': 1,
        ...(delta > 0 ? { ':now': new Date().toISOString() } : { ':zero': 0 }),
        ...(delta > 0 && rev !== undefined && { ':rev': rev, ':online': 'online' }),
      },
    },
  }));
}

const SETTINGS_TTL_MS = 2000;
const settingsCache = new TtlCache<ServiceSettings>(SETTINGS_TTL_MS);

export class DynamoServiceStore implements ServiceStore, CustomerFactsPort {
  private async get(key: { pk: string; sk: string }) {
    const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    return Item;
  }

  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every message reads the tenant's service settings: a container keeps them SETTINGS_TTL_MS. */
  async settings(tenantId: string): Promise<ServiceSettings> {
    return settingsCache.through(tenantId, async () => ServiceSettings.parse((await this.get(keys.serviceSettings(tenantId)))?.data ?? {}));
  }

  async putSettings(tenantId: string, settings: ServiceSettings): Promise<void> {
    settingsCache.forget(tenantId);
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.serviceSettings(tenantId), entity: 'ServiceSettings', data: settings } }));
  }

  async queues(tenantId: string): Promise<Queue[]> {
    return (await this.queryAll(keys.serviceQueuePartition(tenantId))).map((i) => i.data as Queue);
  }

  async queue(tenantId: string, queueId: string): Promise<Queue | undefined> {
    return (await this.get(keys.serviceQueue(tenantId, queueId)))?.data as Queue | undefined;
  }

  async putQueue(queue: Queue): Promise<void> {
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.serviceQueue(queue.tenantId, queue.id), entity: 'ServiceQueue', data: queue } }));
  }

  async agents(tenantId: string): Promise<Versioned<Agent>[]> {
    return (await this.queryAll(keys.serviceAgentPartition(tenantId))).map((i) => ({ value: i.data as Agent, rev: i.rev as number }));
  }

  async agent(tenantId: string, agentId: string): Promise<Versioned<Agent> | undefined> {
    const item = await this.get(keys.serviceAgent(tenantId, agentId));
    return item && { value: item.data as Agent, rev: item.rev as number };
  }

  async putAgent(agent: Agent, rev: number | null): Promise<boolean> {
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.serviceAgent(agent.tenantId, agent.id), entity: 'ServiceAgent', rev: (rev ?? -1) + 1, data: agent },
          ConditionExpression: rev === null ? 'attribute_not_exists(pk)' : 'rev = :rev',
          ...(rev !== null && { ExpressionAttributeValues: { ':rev': rev } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async ticket(tenantId: string, ticketId: string): Promise<Versioned<Ticket> | undefined> {
    const item = await this.get(keys.ticket(tenantId, ticketId));
    return item && { value: item.data as Ticket, rev: item.rev as number };
  }

  async ticketsWithMessage(tenantId: string, customerId: string, interactionId: string): Promise<string[]> {
    const pk = keys.customerPartition(tenantId, customerId);
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#type = :ticket',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.timelinePrefix, ':ticket': 'ticket' },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const data = item.data as { ticketId: string; messages?: { interactionId: string }[] };
        if (data.messages?.some((m) => m.interactionId === interactionId)) ids.push(data.ticketId);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async openTicketOf(tenantId: string, customerId: string, conversationKey: string): Promise<string | undefined> {
    return (await this.get(keys.ticketConversation(tenantId, customerId, conversationKey)))?.ticketId as string | undefined;
  }

  async processed(tenantId: string, eventId: string): Promise<boolean> {
    return (await this.get(keys.processedEvent(tenantId, TICKET_CONSUMER, eventId))) !== undefined;
  }

  async createTicket(ticket: Ticket, write: TicketWrite): Promise<'created' | 'duplicate' | 'conversation-taken'> {
    const items: TransactItem[] = [
      { Put: { TableName: tableName(), Item: ticketItem(ticket, 0), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.ticketConversation(ticket.tenantId, ticket.customerId, ticket.conversationKey), entity: 'TicketConversation', ticketId: ticket.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: tableName(), Item: timelineItem(ticket) } },
      ...(write.markerEventId ? [markerPut(ticket.tenantId, write.markerEventId)] : []),
    ];
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!transactionConditionFailed(error)) throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (write.markerEventId && reasons[3]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'conversation-taken';
      throw error;
    }
    // the breach job's tenant list; written once per tenant (an unconditional put of the same item)
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: { ...keys.serviceTenant(ticket.tenantId), entity: 'ServiceTenant' } }));
    return 'created';
  }

  async saveTicket(ticket: Ticket, rev: number, write?: TicketWrite): Promise<boolean> {
    const items: TransactItem[] = [
      { Put: { TableName: tableName(), Item: ticketItem(ticket, rev + 1), ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } } },
      { Put: { TableName: tableName(), Item: timelineItem(ticket) } },
      ...agentUpdates(ticket.tenantId, write),
      ...(write?.markerEventId ? [markerPut(ticket.tenantId, write.markerEventId)] : []),
      ...(write?.releaseConversation
        ? [
            {
              Delete: {
                TableName: tableName(),
                Key: keys.ticketConversation(ticket.tenantId, ticket.customerId, ticket.conversationKey),
                ConditionExpression: 'attribute_not_exists(pk) OR ticketId = :id',
                ExpressionAttributeValues: { ':id': ticket.id },
              },
            } satisfies TransactItem,
          ]
        : []),
    ];
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (transactionConditionFailed(error)) return false;
      throw error;
    }
  }

  async queueTickets(tenantId: string, queueId: string, status: QueueTicketStatus, limit: number, cursor?: string): Promise<{ items: Ticket[]; nextCursor: string | null }> {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketQueuePartition(tenantId, queueId, status) },
        Limit: limit,
        ...(cursor && { ExclusiveStartKey: decodeQueueCursor(cursor, keys.ticketQueuePartition(tenantId, queueId, status)) }),
      }),
    );
    return {
      items: (page.Items ?? []).map((i) => i.data as Ticket),
      nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : null,
    };
  }

  async alertsDue(tenantId: string, now: string, limit: number): Promise<string[]> {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':pk': keys.ticketAlertPartition(tenantId), ':now': `${now}#\uffff` },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => (i.data as Ticket).id);
  }

  async serviceTenants(): Promise<string[]> {
    return (await this.queryAll(keys.serviceTenantsPartition)).map((i) => keys.tenantOfServiceKey(i.sk as string));
  }

  async *ticketsOfQueue(tenantId: string, queueId: string): AsyncIterable<Ticket> {
    for (const status of ['waiting', 'open', 'pending_customer', 'resolved'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.queueTickets(tenantId, queueId, status, 200, cursor);
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
  }

  /** What priority needs from the customer record: reach from the profile, tier, RFM class and CLV from knowledge. */
  async facts(tenantId: string, customerId: string): Promise<CustomerFacts | undefined> {
    const [profile, knowledge] = await Promise.all([this.get(keys.customer(tenantId, customerId)), this.get(keys.customerKnowledge(tenantId, customerId))]);
    if (!profile) return undefined;
    const customer = profile.data as Customer;
    const followers = Math.max(0, ...customer.identities.map((i) => i.influence?.followers ?? 0));
    // the first identity on a channel is whom a reply there goes to
    const senderIds: Record<string, string> = {};
    for (const i of customer.identities) senderIds[i.channel] ??= i.externalId;
    const record = knowledge?.data as KnowledgeRecord | undefined;
    if (!record) return { followers, tier: null, rfmClass: null, clv: null, senderIds };
    const [settings, stats] = await Promise.all([this.get(keys.knowledgeSettings(tenantId)), this.get(keys.knowledgeStats(tenantId))]);
    const figures = computeKnowledge(record.inputs, customer, {
      now: new Date(),
      settings: { ...DEFAULT_SETTINGS, ...(settings?.data as Partial<KnowledgeSettings> | undefined) },
      ...(stats?.data !== undefined && { stats: stats.data as TenantKnowledgeStats }),
    });
    return {
      followers: Math.max(followers, record.inputs.reach?.followers ?? 0),
      tier: record.inputs.tier ?? null,
      rfmClass: figures.rfm.value?.class ?? null,
      clv: figures.clv.value?.predictive ?? null,
      senderIds,
    };
  }

}

/** A queue page's cursor: the last key, rebuilt for the caller's partition (it cannot reach another tenant or queue). */
function decodeQueueCursor(cursor: string, partition: string): Record<string, unknown> {
  const key = decodeCursor(cursor, z.object({ pk: z.string().max(1024), sk: z.string().max(1024), gsi1sk: z.string().max(1024) }).loose());
  return { pk: key.pk, sk: key.sk, gsi1sk: key.gsi1sk, gsi1pk: partition };
}
