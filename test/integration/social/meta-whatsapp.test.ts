/**
 * WhatsApp Cloud API through real HTTP: a sender's number becomes a whatsapp and a phone identity (and
 * joins the customer who already has that phone); statuses move an outbound message forward, never back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerRepository } from '../../../adapters/customers/dynamo-customers.js';
import { DynamoMessageStore } from '../../../adapters/social/dynamo-messages.js';
import { resolveCustomer } from '../../../domain/customers/identity.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, sample } from '../../support/webhooks.js';
import { freshId, sendMeta, wabaDelivery, whatsappChange, whatsappStatus, whatsappText } from '../../support/meta.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let PHONE_ID: string;
const messages = new DynamoMessageStore();

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
  PHONE_ID = acme.accounts.whatsapp;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const send = (body: string) => sendMeta(rt.url, acme, body);
let phoneSeq = 0;
/** A Spanish mobile number, different each time: 34 6xx xxx xxx. */
const newNumber = () => `346${String((Date.now() + ++phoneSeq) % 100_000_000).padStart(8, '0')}`;

describe('WhatsApp messages', () => {
  it('creates a customer with the whatsapp id and the phone in E.164, found by either; redelivery changes nothing', async () => {
    const waId = newNumber();
    const body = wabaDelivery([whatsappText({ phoneNumberId: PHONE_ID, waId, name: 'Lucía Pérez', body: '¿Tenéis la chaqueta en verde? 💚' })]);
    expect((await send(body)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    expect((await send(body)).body).toEqual({ received: 1, recorded: 0, duplicates: 1 });

    const byPhone = await marketer(`/v1/customers?phone=%2B${waId}`);
    const byWhatsApp = await marketer(`/v1/customers?channel=whatsapp&externalId=${waId}`);
    expect(byPhone.body.items).toHaveLength(1);
    const customer = byPhone.body.items[0];
    expect(byWhatsApp.body.items[0].id).toBe(customer.id);
    expect(customer.identities.map((i: { channel: string; externalId: string }) => [i.channel, i.externalId])).toEqual([
      ['whatsapp', waId],
      ['phone', `+${waId}`],
    ]);
    const timeline = await marketer(`/v1/customers/${customer.id}/timeline`);
    expect(timeline.body.items).toEqual([expect.objectContaining({ channel: 'whatsapp', kind: 'dm', text: '¿Tenéis la chaqueta en verde? 💚', accountId: PHONE_ID })]);
  });

  it('joins the customer who already has that phone', async () => {
    const waId = newNumber();
    // a customer known by phone only (as a shop order would leave it), made through the identity use case
    const { customerId } = await resolveCustomer(
      { customers: new DynamoCustomerRepository(), clock: { now: () => new Date() }, ids: { next: () => `seed-${freshId()}` } },
      'acme',
      { primary: { channel: 'phone', externalId: `+${waId}` }, displayName: 'Lucía Pérez' },
    );
    const res = await send(wabaDelivery([whatsappText({ phoneNumberId: PHONE_ID, waId, body: 'Hola 👋 soy Lucía' })]));
    expect(res.body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    const byWhatsApp = await marketer(`/v1/customers?channel=whatsapp&externalId=${waId}`);
    expect(byWhatsApp.body.items[0].id).toBe(customerId);
    const timeline = await marketer(`/v1/customers/${customerId}/timeline`);
    expect(timeline.body.items).toEqual([expect.objectContaining({ kind: 'dm', text: 'Hola 👋 soy Lucía' })]);
  });

  it('uses the business-scoped id when no number is sent (verbatim bsuid sample)', async () => {
    const body = sample('whatsapp-message-text-bsuid.restfb.json').replaceAll('106540352242922', PHONE_ID);
    expect((await send(body)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    const found = await marketer('/v1/customers?channel=whatsapp&externalId=US.13491208655302741918');
    expect(found.body.items[0]).toMatchObject({ displayName: 'Sheena Nelson', identities: [{ channel: 'whatsapp', externalId: 'US.13491208655302741918', handle: '@realsheenanelson' }] });
  });

  it("ignores another tenant's number", async () => {
    const waId = newNumber();
    const other = rt.credentials.tenants[1]!.accounts.whatsapp;
    const res = await send(wabaDelivery([whatsappText({ phoneNumberId: other, waId, body: 'x' })]));
    expect(res.body).toEqual({ received: 0, recorded: 0, duplicates: 0, ignored: 1 });
    expect((await marketer(`/v1/customers?phone=%2B${waId}`)).body.items).toEqual([]);
  });
});

describe('WhatsApp statuses', () => {
  const statuses = (...s: unknown[]) => wabaDelivery([whatsappChange(PHONE_ID, { statuses: s })]);

  it('moves a message sent → read, never back to delivered; repeats change nothing', async () => {
    const id = `wamid.${freshId('HBg')}=`;
    await messages.createOutboundMessage({ tenantId: 'acme', channel: 'whatsapp', providerMessageId: id, createdAt: new Date().toISOString() });
    const t = 1750030073;
    expect((await send(statuses(whatsappStatus({ id, status: 'sent', timestamp: t })))).body.statuses).toEqual({ advanced: 1, unchanged: 0, unknown: 0 });
    expect((await send(statuses(whatsappStatus({ id, status: 'read', timestamp: t + 60 })))).body.statuses).toEqual({ advanced: 1, unchanged: 0, unknown: 0 });
    const late = await send(statuses(whatsappStatus({ id, status: 'delivered', timestamp: t + 30 }), whatsappStatus({ id, status: 'read', timestamp: t + 60 })));
    expect(late.body).toEqual({ received: 0, recorded: 0, duplicates: 0, statuses: { advanced: 0, unchanged: 2, unknown: 0 } });
    expect(await messages.get('acme', 'whatsapp', id)).toMatchObject({
      status: 'read',
      statusTimes: { sent: new Date(t * 1000).toISOString(), read: new Date((t + 60) * 1000).toISOString() },
    });
    expect((await messages.get('acme', 'whatsapp', id))?.statusTimes).not.toHaveProperty('delivered');
  });

  it('keeps a failure final, with its error code', async () => {
    const id = `wamid.${freshId('HBg')}=`;
    await messages.createOutboundMessage({ tenantId: 'acme', channel: 'whatsapp', providerMessageId: id, createdAt: new Date().toISOString() });
    const failed = whatsappStatus({ id, status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }] });
    expect((await send(statuses(failed))).body.statuses).toEqual({ advanced: 1, unchanged: 0, unknown: 0 });
    expect((await send(statuses(whatsappStatus({ id, status: 'delivered' })))).body.statuses).toEqual({ advanced: 0, unchanged: 1, unknown: 0 });
    expect(await messages.get('acme', 'whatsapp', id)).toMatchObject({ status: 'failed', error: { code: '131047', title: 'Re-engagement message' } });
  });

  it('acknowledges a status for a message it does not know (the verbatim sample), writing nothing', async () => {
    const body = sample('whatsapp-status-sent.json').replaceAll('106540352242922', PHONE_ID);
    const res = await send(body);
    expect(res).toEqual({ status: 200, body: { received: 0, recorded: 0, duplicates: 0, statuses: { advanced: 0, unchanged: 0, unknown: 1 } } });
    expect(await messages.get('acme', 'whatsapp', 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=')).toBeUndefined();
  });

  it("does not touch another tenant's message of the same id", async () => {
    const id = `wamid.${freshId('HBg')}=`;
    await messages.createOutboundMessage({ tenantId: 'globex', channel: 'whatsapp', providerMessageId: id, createdAt: new Date().toISOString() });
    expect((await send(statuses(whatsappStatus({ id, status: 'read' })))).body.statuses).toEqual({ advanced: 0, unchanged: 0, unknown: 1 });
    expect((await messages.get('globex', 'whatsapp', id))?.status).toBe('accepted');
  });
});
