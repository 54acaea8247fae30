/**
 * Social customer service through the local runtime: a signed Instagram DM complaining in Spanish opens one
 * ticket (whatever the redeliveries), with its priority explained and SLA clocks; an agent answers it through
 * the channel (the local outbox), which meets the first-response clock; marketers read but cannot answer;
 * another tenant's token finds nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketOpened } from '../../../events/catalog.js';
import { delivery, freshId, igMessage, messagingEntry, sendMeta } from '../../support/meta.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { busMark } from '../../support/stores.js';
import { api } from '../../support/webhooks.js';

let rt: TestRuntime;
let agent: ReturnType<typeof api>;
let marketer: ReturnType<typeof api>;
let stranger: ReturnType<typeof api>;

beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
  const acme = rt.credentials.tenants[0]!;
  agent = api(rt.url, acme.tokens.agent);
  marketer = api(rt.url, acme.tokens.marketer);
  stranger = api(rt.url, rt.credentials.tenants[1]!.tokens.agent);
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

describe('a complaint by DM', () => {
  let ticketId: string;
  const sender = freshId('17');

  it('opens one ticket, however often the DM is delivered, with the priority explained and SLA clocks running', async () => {
    const acme = rt.credentials.tenants[0]!;
    const before = busMark(rt.bus);
    const body = delivery('instagram', [
      messagingEntry(acme.accounts.instagram, [igMessage({ accountId: acme.accounts.instagram, senderId: sender, text: 'El pedido llegó roto y nadie me responde, es una vergüenza' })]),
    ]);
    for (let i = 0; i < 3; i++) expect((await sendMeta(rt.url, acme, body)).status).toBe(200);
    await Promise.all(Array.from({ length: 3 }, () => sendMeta(rt.url, acme, body)));
    await settle();
    const opened = before(TicketOpened.detailType);
    expect(opened).toHaveLength(1);
    ticketId = (opened[0]!.detail.data as { ticketId: string }).ticketId;
    const ticket = (await agent(`/v1/tickets/${ticketId}`)).body;
    expect(ticket).toMatchObject({ id: ticketId, channel: 'instagram', status: 'open' });
    expect(ticket.priority.rule).toEqual(expect.any(String));
    expect(Object.keys(ticket.priority.inputs).length).toBeGreaterThan(0);
    expect(ticket.sla.clocks.map((c: { clock: string }) => c.clock)).toEqual(expect.arrayContaining(['first_response', 'resolution']));
    expect(ticket.sla.clocks.find((c: { clock: string }) => c.clock === 'first_response').status).toBe('running');
    expect(ticket.messages).toHaveLength(1);
  });

  it('a marketer reads the ticket but cannot answer it; another tenant finds nothing', async () => {
    expect((await marketer(`/v1/tickets/${ticketId}`)).status).toBe(200);
    expect((await marketer(`/v1/tickets/${ticketId}/replies`, { method: 'POST', body: JSON.stringify({ text: 'hola' }) })).status).toBe(403);
    expect((await stranger(`/v1/tickets/${ticketId}`)).status).toBe(404);
    const bad = await agent(`/v1/tickets/${ticketId}/replies`, { method: 'POST', body: JSON.stringify({ text: '' }) });
    expect(bad.status).toBe(400);
  });

  it("an agent's reply goes out through the channel (the outbox) and meets the first-response clock; resolving stops the rest", async () => {
    const reply = await agent(`/v1/tickets/${ticketId}/replies`, { method: 'POST', body: JSON.stringify({ text: 'Lo sentimos mucho, le enviamos uno nuevo hoy.' }) });
    expect([200, 201]).toContain(reply.status);
    const ticket = (await agent(`/v1/tickets/${ticketId}`)).body;
    expect(ticket.replies).toEqual([expect.objectContaining({ status: 'sent', text: 'Lo sentimos mucho, le enviamos uno nuevo hoy.' })]);
    expect(ticket.sla.clocks.find((c: { clock: string }) => c.clock === 'first_response').status).toBe('met');
    const outbox = readdirSync(join(rt.dataDir, 'outbox')).map((f) => readFileSync(join(rt.dataDir, 'outbox', f), 'utf8'));
    expect(outbox.some((m) => m.includes('le enviamos uno nuevo hoy'))).toBe(true);
    const resolved = await agent(`/v1/tickets/${ticketId}/status`, { method: 'POST', body: JSON.stringify({ status: 'resolved' }) });
    expect(resolved.status).toBe(200);
    expect((await agent(`/v1/tickets/${ticketId}`)).body).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    // the customer's timeline shows the ticket
    const timeline = (await marketer(`/v1/customers/${ticket.customerId}/timeline`)).body.items;
    expect(timeline.some((i: { type: string }) => i.type === 'ticket')).toBe(true);
    expect(timeline.some((i: { type: string }) => i.type !== 'ticket')).toBe(true);
    // and `type` keeps only the tickets (the 360's tickets panel), resolved as the ticket is
    const tickets = (await marketer(`/v1/customers/${ticket.customerId}/timeline?type=ticket`)).body.items;
    expect(tickets.map((i: { type: string; ticketId: string; status: string }) => [i.type, i.ticketId, i.status])).toEqual([['ticket', ticketId, 'resolved']]);
    expect((await marketer(`/v1/customers/${ticket.customerId}/timeline?type=Ticket!`)).status).toBe(400);
  });
});
