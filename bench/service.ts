/**
 * `npm run bench` (service): tickets opened through the whole path, a signed WhatsApp complaint → webhook → bus →
 * service queue → ServiceTickets → a ticket routed to its queue and assigned, with every other consumer of the
 * message running too. Printed beside the 2-item-transaction floor measured in the same run at the same
 * concurrency (opening a ticket is one transaction: the ticket, its conversation, the processed marker, the
 * timeline item):
 * - tickets opened per second end to end, and the ratio to the floor;
 * - DynamoDB calls and write units per ticket of ServiceTickets alone, and of the whole path per complaint.
 * The tickets are counted from the queue afterwards (one Query per page), not assumed from the messages sent.
 *
 * Sizes: BENCH_SERVICE_TICKETS (default 150), BENCH_SERVICE_CONCURRENCY (default 8).
 */
import type { LocalRuntime } from '../local/runtime.js';
import { bigId, postMeta, whatsappText } from './deliveries.js';
import { apiCall, measuredBurst } from './end-to-end.js';
import type { Floor } from './floor.js';

const TICKETS = Number(process.env.BENCH_SERVICE_TICKETS ?? 150);
const CONCURRENCY = Number(process.env.BENCH_SERVICE_CONCURRENCY ?? 8);
const COMPLAINT = 'Mi pedido llegó roto y nadie me responde, pésimo servicio 😡';

async function ticketsIn(runtime: LocalRuntime, token: string, queueId: string): Promise<number> {
  let count = 0;
  for (const status of ['waiting', 'open']) {
    let cursor: string | null = null;
    do {
      const page = await apiCall(runtime, token, `/v1/service/queues/${queueId}/tickets?status=${status}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      count += (page.items as unknown[]).length;
      cursor = page.nextCursor as string | null;
    } while (cursor);
  }
  return count;
}

export async function benchService(runtime: LocalRuntime, floor: Floor, rounds: number, floorOps: number) {
  const tenant = runtime.credentials.tenants[0]!;
  // 1. a queue for this run's complaints (first in routing order) and one agent who takes a few of them
  const queueId = `bench-${bigId('4')}`;
  await apiCall(runtime, tenant.tokens.admin, `/v1/service/queues/${queueId}`, { method: 'PUT', body: JSON.stringify({ name: 'Bench', order: 0, skills: { channels: ['whatsapp'], languages: [], intents: [], vipTiers: [] } }) });
  await apiCall(runtime, tenant.tokens.admin, `/v1/service/agents/${queueId}-agent`, {
    method: 'PUT',
    body: JSON.stringify({ name: 'Bench agent', queues: [queueId], capacity: 20, status: 'online' }),
  });
  const sender = (i: number) => `3469${bigId('1').slice(-5)}${String(i).padStart(4, '0')}`;
  // one warm-up complaint: containers loaded
  await postMeta(runtime.url, tenant.tenantId, tenant.secrets.meta.appSecret, whatsappText(tenant.accounts.whatsapp, sender(99_999), COMPLAINT));
  await runtime.drain(600_000);
  const before = await ticketsIn(runtime, tenant.tokens.agent, queueId);

  // 2. the floor before, the complaints (each from its own person: each opens a ticket), the floor after
  const { seconds, failures, tally, tx } = await measuredBurst(runtime, floor, { rounds, floorOps, concurrency: CONCURRENCY, count: TICKETS }, (i) => postMeta(runtime.url, tenant.tenantId, tenant.secrets.meta.appSecret, whatsappText(tenant.accounts.whatsapp, sender(i), COMPLAINT)));

  const opened = (await ticketsIn(runtime, tenant.tokens.agent, queueId)) - before;
  const owner = (m: Map<string, number>) => [...m.entries()].filter(([k]) => k.includes('ServiceTickets')).reduce((s, [, v]) => s + v, 0);
  const per = (n: number) => (opened > 0 ? n / opened : Number.NaN);
  const perSecond = opened / seconds;
  console.log(`\nService: ${TICKETS} WhatsApp complaints from as many people, ${CONCURRENCY} in flight, floor ${rounds}+${rounds} rounds of ${floorOps} ops`);
  console.table([
    {
      'tickets counted': opened,
      'webhook failures': failures,
      'tickets/s e2e': perSecond.toFixed(1),
      'tx floor/s min/med/max': `${tx.min.toFixed(0)}/${tx.median.toFixed(0)}/${tx.max.toFixed(0)}`,
      'tickets/tx floor': `${((100 * perSecond) / tx.median).toFixed(0)}%`,
      'ServiceTickets calls/ticket': per(owner(tally.byOwner)).toFixed(1),
      'ServiceTickets WU/ticket': per(owner(tally.writeUnitsByOwner)).toFixed(1),
      'all calls/complaint': per(tally.calls).toFixed(1),
      'all WU/complaint': per(tally.writeUnits).toFixed(1),
    },
  ]);
  if (opened !== TICKETS) console.log(`  NOTE: ${TICKETS} complaints sent but ${opened} tickets counted`);
}
