/**
 * The service flow end to end through the local runtime (real HTTP, DynamoDB Local, the bus, the queues, the
 * breach schedule):
 * - a Spanish complaint by Instagram DM from a Gold member becomes an urgent ticket (the same complaint from a
 *   prospect is only high), routed to the VIP queue for Spanish, assigned to the free agent with the skills (never
 *   to the online agent without them), due at the business-hours time the calendar gives;
 * - the agent's first reply meets the first-response clock: the breach job past the due time finds nothing to
 *   announce for it, while the prospect's unanswered ticket is breached, once;
 * - twenty tickets opened at once into a queue with five free slots: exactly five are assigned, no agent above
 *   capacity; a resolved ticket frees its slot for exactly one waiting ticket, the one due first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaBreached, TicketOpened } from '../../../events/catalog.js';
import { delivery, freshId, igMessage, messagingEntry, sendMeta } from '../../support/meta.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { busMark, postEvent, uniqueEmail } from '../../support/stores.js';
import { api } from '../../support/webhooks.js';

let rt: TestRuntime;
type Client = ReturnType<typeof api>;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY = 86_400_000;

beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
});
afterAll(async () => rt?.stop());

async function settle(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rt.drain();
    } catch (error) {
      if (attempt >= 6) throw error;
    }
  }
}

async function ok(res: Promise<{ status: number; body: any }>, what: string) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const put = (c: Client, path: string, body: unknown) => ok(c(path, { method: 'PUT', body: JSON.stringify(body) }), `PUT ${path}`);
const post = (c: Client, path: string, body: unknown) => ok(c(path, { method: 'POST', body: JSON.stringify(body) }), `POST ${path}`);

describe('a Spanish complaint by Instagram DM from a Gold member', () => {
  const t = () => rt.credentials.tenants[1]!; // globex: its own queues, agents and program
  let admin: Client;
  let agent: Client;
  const gold = { sender: freshId('17'), email: uniqueEmail('gold') };
  const prospect = { sender: freshId('17') };
  let goldTicket: any;
  let prospectTicket: any;
  let expectedDue: Date;

  beforeAll(async () => {
    admin = api(rt.url, t().tokens.admin);
    agent = api(rt.url, t().tokens.agent);
    // business hours: one hour a week, 09:00–10:00 UTC on the weekday after tomorrow, so the due time is that day
    // at 09:30 whatever the time the test runs (urgent first response: 30 business minutes)
    const now = new Date();
    const openDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 2 * DAY);
    expectedDue = new Date(openDay.getTime() + 9.5 * 3_600_000);
    const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as unknown[]]));
    week[WEEKDAYS[openDay.getUTCDay()]!] = [{ start: '09:00', end: '10:00' }];
    await put(admin, '/v1/service/settings', { calendar: { timeZone: 'UTC', week, holidays: [] } });
    await put(admin, '/v1/service/queues/vip-es', { name: 'VIP español', order: 1, skills: { channels: [], languages: ['es'], intents: [], vipTiers: ['gold'] } });
    await put(admin, '/v1/service/queues/general', { name: 'General', order: 50 });
    // both online in the VIP queue; only Lucía has the skills it asks for
    await put(admin, '/v1/service/agents/otto', { name: 'Otto', queues: ['vip-es', 'general'], skills: { channels: [], languages: ['en'], intents: [], vipTiers: [] }, capacity: 5, status: 'online' });
    await put(admin, '/v1/service/agents/lucia', { name: 'Lucía', queues: ['vip-es'], skills: { channels: [], languages: ['es'], intents: [], vipTiers: ['gold'] }, capacity: 5, status: 'online' });
    // Gold from qualifying points: a low threshold and one paid order
    await put(admin, '/v1/settings/loyalty', {
      tiers: [
        { name: 'Bronze', threshold: 0 },
        { name: 'Silver', threshold: 20 },
        { name: 'Gold', threshold: 50 },
      ],
      purchase: { pointsPerUnit: 1 },
    });
    await post(api(rt.url, t().tokens.marketer), '/v1/customers', { email: gold.email, externalIds: [{ channel: 'instagram', externalId: gold.sender }] });
    const order = await postEvent(rt.url, t().tenantId, t().secrets.events.secret, 'order.placed', {
      orderId: `gold-${Date.now()}`,
      status: 'paid',
      customer: { email: gold.email },
      total: { amount: '80.00', currency: 'EUR' },
      lineItems: [{ productId: 'boots', quantity: 1, price: { amount: '80.00', currency: 'EUR' } }],
    });
    expect(order.status).toBe(200);
    await settle();
  });

  it('is an urgent ticket in the VIP queue, with the tier among the inputs of its priority, assigned to the agent with the skills', async () => {
    const before = busMark(rt.bus);
    const complaint = (sender: string) =>
      delivery('instagram', [messagingEntry(t().accounts.instagram, [igMessage({ accountId: t().accounts.instagram, senderId: sender, text: 'El pedido llegó roto y nadie me responde, es una vergüenza' })])]);
    expect((await sendMeta(rt.url, t(), complaint(gold.sender))).status).toBe(200);
    expect((await sendMeta(rt.url, t(), complaint(prospect.sender))).status).toBe(200);
    await settle();
    const opened = before(TicketOpened.detailType);
    expect(opened).toHaveLength(2);
    const tickets = await Promise.all(opened.map(async (e) => (await agent(`/v1/tickets/${(e.detail.data as { ticketId: string }).ticketId}`)).body));
    goldTicket = tickets.find((x) => x.priority.inputs.tier === 'Gold');
    prospectTicket = tickets.find((x) => x !== goldTicket);
    expect(goldTicket).toBeDefined();

    expect(goldTicket.priority).toMatchObject({ value: 'urgent', points: { sentiment: 3, value: 2, exposure: 0, intent: 1, total: 6 } });
    expect(goldTicket.priority.rule).toContain('urgent ≥ 6');
    expect(goldTicket).toMatchObject({ queueId: 'vip-es', assigneeId: 'lucia', channel: 'instagram', requirements: { language: 'es', vipTier: 'gold' } });
    // the same words from someone the CRM knows nothing about: high, and not for the VIP queue
    expect(prospectTicket.priority).toMatchObject({ value: 'high', points: { value: 0, total: 4 } });
    expect(prospectTicket.queueId).toBe('general');
    expect(prospectTicket.assigneeId).toBe('otto');
  });

  it('is due at the business-hours time: 30 minutes into the next opening', () => {
    const first = goldTicket.sla.clocks.find((c: { clock: string }) => c.clock === 'first_response');
    expect(first).toMatchObject({ status: 'running', dueAt: expectedDue.toISOString() });
  });

  it("the first reply stops the clock: past the due time only the unanswered ticket is breached, and only once", async () => {
    const reply = await agent(`/v1/tickets/${goldTicket.id}/replies`, { method: 'POST', body: JSON.stringify({ text: 'Lo sentimos, le enviamos otro hoy mismo.' }) });
    expect([200, 201]).toContain(reply.status);
    // the prospect's ticket is high: 60 business minutes, so due when that hour closes
    const prospectDue = new Date(expectedDue.getTime() + 30 * 60_000);
    expect(prospectTicket.sla.clocks.find((c: { clock: string }) => c.clock === 'first_response').dueAt).toBe(prospectDue.toISOString());
    const before = busMark(rt.bus);
    const past = new Date(prospectDue.getTime() + 60_000);
    await rt.runSchedule('ServiceSlaBreaches', past);
    await rt.runSchedule('ServiceSlaBreaches', new Date(past.getTime() + 60_000));
    await settle();
    const breached = before(SlaBreached.detailType).map((e) => (e.detail.data as { ticketId: string }).ticketId);
    expect(breached).toEqual([prospectTicket.id]);
    const after = (await agent(`/v1/tickets/${goldTicket.id}`)).body;
    expect(after.sla.clocks.find((c: { clock: string }) => c.clock === 'first_response').status).toBe('met');
  });
});

describe('twenty tickets at once into five free slots', () => {
  const t = () => rt.credentials.tenants[0]!;
  let admin: Client;
  let agent: Client;
  const queueId = `fr-${Date.now()}`;

  it('assigns exactly five, no agent above its capacity; a resolved ticket hands its slot to the waiting ticket due first', async () => {
    admin = api(rt.url, t().tokens.admin);
    agent = api(rt.url, t().tokens.agent);
    await put(admin, `/v1/service/queues/${queueId}`, { name: 'Français', order: 0, skills: { channels: [], languages: ['fr'], intents: [], vipTiers: [] } });
    await put(admin, `/v1/service/agents/${queueId}-a`, { name: 'Amélie', queues: [queueId], skills: { channels: [], languages: ['fr'], intents: [], vipTiers: [] }, capacity: 2, status: 'online' });
    await put(admin, `/v1/service/agents/${queueId}-b`, { name: 'Bruno', queues: [queueId], skills: { channels: [], languages: ['fr'], intents: [], vipTiers: [] }, capacity: 3, status: 'online' });
    const customer = await post(api(rt.url, t().tokens.marketer), '/v1/customers', { email: uniqueEmail('fr') });

    const opened = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(agent, '/v1/tickets', { customerId: customer.id, channel: 'whatsapp', kind: 'dm', externalId: `+3360000${String(i).padStart(4, '0')}`, subject: `Question ${i}`, language: 'fr' }),
      ),
    );
    await settle();
    const tickets = await Promise.all(opened.map(async (o) => (await agent(`/v1/tickets/${o.id}`)).body));
    expect(tickets.every((x) => x.queueId === queueId)).toBe(true);
    const assigned = tickets.filter((x) => x.assigneeId);
    expect(assigned).toHaveLength(5);
    expect(assigned.filter((x) => x.assigneeId === `${queueId}-a`)).toHaveLength(2);
    expect(assigned.filter((x) => x.assigneeId === `${queueId}-b`)).toHaveLength(3);
    const agents = (await admin('/v1/service/agents')).body.items as { id: string; openTickets: number; capacity: number }[];
    for (const a of agents.filter((x) => x.id.startsWith(queueId))) expect(a.openTickets).toBe(a.capacity);

    // the queue's waiting tickets, ordered by SLA due time (one Query): the first is the next to be served
    const waiting = (await agent(`/v1/service/queues/${queueId}/tickets?status=waiting`)).body.items as { id: string }[];
    expect(waiting).toHaveLength(15);
    const resolved = assigned.find((x) => x.assigneeId === `${queueId}-a`)!;
    await post(agent, `/v1/tickets/${resolved.id}/status`, { status: 'resolved' });
    await settle();
    const after = await Promise.all(opened.map(async (o) => (await agent(`/v1/tickets/${o.id}`)).body));
    const nowAssigned = after.filter((x) => x.assigneeId && x.status !== 'resolved');
    expect(nowAssigned).toHaveLength(5);
    const newcomer = nowAssigned.filter((x) => !assigned.some((a) => a.id === x.id));
    expect(newcomer.map((x) => x.id)).toEqual([waiting[0]!.id]);
    expect(newcomer[0]!.assigneeId).toBe(`${queueId}-a`);
  });
});

describe('a message its author deletes', () => {
  it("loses its words in the ticket that quoted it, resolved or not; the ticket keeps that it was there", async () => {
    const t = rt.credentials.tenants[0]!;
    const agent = api(rt.url, t.tokens.agent);
    const sender = freshId('17');
    const mid = `aWdfZAG1faXRlbToxOklH${freshId('M')}`;
    const words = 'Esto es una estafa, pésimo servicio y nadie responde';
    const dm = (extra: { text?: string; isDeleted?: boolean }) =>
      delivery('instagram', [messagingEntry(t.accounts.instagram, [igMessage({ accountId: t.accounts.instagram, senderId: sender, mid, ...extra })])]);
    const before = busMark(rt.bus);
    expect((await sendMeta(rt.url, t, dm({ text: words }))).status).toBe(200);
    await settle();
    const ticketId = (before(TicketOpened.detailType)[0]!.detail.data as { ticketId: string }).ticketId;
    expect((await agent(`/v1/tickets/${ticketId}`)).body.messages[0].text).toBe(words);
    await post(agent, `/v1/tickets/${ticketId}/status`, { status: 'resolved' });

    expect((await sendMeta(rt.url, t, dm({ isDeleted: true }))).status).toBe(200);
    await settle();
    const ticket = (await agent(`/v1/tickets/${ticketId}`)).body;
    expect(ticket.status).toBe('resolved');
    expect(ticket.messages).toHaveLength(1);
    expect(ticket.messages[0]).not.toHaveProperty('text');
    expect(ticket.messages[0].removedAt).toEqual(expect.any(String));
    expect(JSON.stringify(ticket)).not.toContain('estafa');
  });
});
