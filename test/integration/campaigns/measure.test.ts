/**
 * Measuring through the local runtime: orders (minus refunds) by recipients within the window are attributed to
 * their variant or the holdout, exact revenue, the uplift with its named test; a WhatsApp delivery status of a
 * campaign message counts as delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inHoldout, variantFor } from '../../../domain/campaigns/allocation.js';
import type { Variant } from '../../../domain/campaigns/model.js';
import { approvedCampaign, audience, campaignBody, clients, outboxOf, settle, waitForStatus } from '../../support/campaigns.js';
import { delivery, whatsappChange, whatsappStatus } from '../../support/meta.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { postEvent } from '../../support/stores.js';
import { postMeta } from '../../support/webhooks.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
}, 60_000);

afterAll(async () => {
  await rt?.stop();
});

const order = (email: string, orderId: string, amount: string) => ({
  orderId,
  customer: { email },
  total: { amount, currency: 'EUR' },
  lineItems: [{ productId: 'jacket', quantity: 1, price: { amount, currency: 'EUR' } }],
});

describe('campaign results', () => {
  it('attributes orders minus refunds to variants and the holdout, with the uplift test named', async () => {
    const ids = await audience(rt, acme, 'measure', 12);
    const id = await approvedCampaign(rt, acme, (ids as any).segmentId, { holdoutPercent: 40 });
    await clients(rt, acme).marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: '{}' });
    await waitForStatus(rt, acme, id, ['completed']);
    const emailOf = (i: number) => `measure-${i}@example.com`;
    const held = ids.map((c, i) => ({ c, i })).filter(({ c }) => inHoldout(id, c, 40));
    const treated = ids.map((c, i) => ({ c, i })).filter(({ c }) => !inHoldout(id, c, 40));
    expect(held.length).toBeGreaterThan(0);
    expect(treated.length).toBeGreaterThan(1);
    // one conversion in each variant (when both have recipients): no variant may win on that
    const variants = (campaignBody('x').creative.variants as Variant[]).map((v) => ({ ...v }));
    const variantOf = (c: string) => variantFor(id, c, 'email', variants)?.id;
    const firstOf = (v: string) => treated.findIndex(({ c }) => variantOf(c) === v);
    const [a, b] = [firstOf('A'), firstOf('B')];
    if (a >= 0 && b >= 0) treated.unshift(...[treated[a]!, treated[b]!].map((x) => ({ ...x })));
    const converted = [...new Map(treated.map((t) => [t.c, t])).values()];
    treated.splice(0, treated.length, ...converted);

    const secret = acme.secrets.events.secret;
    for (const [k, { i }] of treated.slice(0, 2).entries()) expect((await postEvent(rt.url, acme.tenantId, secret, 'order.placed', order(emailOf(i), `m-${k}`, '19.95'))).status).toBe(200);
    // the same buyer again: revenue adds up, the conversion counts once
    expect((await postEvent(rt.url, acme.tenantId, secret, 'order.placed', order(emailOf(treated[0]!.i), 'm-again', '10.10'))).status).toBe(200);
    expect((await postEvent(rt.url, acme.tenantId, secret, 'order.placed', order(emailOf(held[0]!.i), 'm-held', '7.00'))).status).toBe(200);
    await settle(rt);
    expect((await postEvent(rt.url, acme.tenantId, secret, 'order.refunded', { orderId: 'm-0', refundId: 'r-1', amount: { amount: '5.00', currency: 'EUR' } })).status).toBe(200);
    await settle(rt);

    const r = (await clients(rt, acme).marketer(`/v1/campaigns/${id}/results`)).body;
    expect(r.conversions).toBe(2);
    expect(r.revenue).toEqual({ amount: '45.00', currency: 'EUR' }); // 19.95 + 19.95 + 10.10 − 5.00
    expect(r.holdout).toMatchObject({ recipients: held.length, conversions: 1, revenue: { amount: '7.00', currency: 'EUR' } });
    expect(r.uplift.test).toBe('two-proportion z-test');
    expect(r.uplift.pValue).toBeGreaterThan(0);
    expect(r.uplift.pValue).toBeLessThanOrEqual(1);
    expect(r.uplift.absolute).toBeCloseTo(2 / treated.length - 1 / held.length, 10);
    expect(r.winner).toBeNull();
    expect(r.roi).toBeGreaterThan(0);
  }, 120_000);

  it('counts a WhatsApp delivery status of a campaign message as delivered', async () => {
    const { marketer } = clients(rt, acme);
    const person = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ phone: '+34600999001', givenName: 'Ana', familyName: 'Wa', tags: ['wa'] }) });
    expect(person.status).toBe(201);
    await marketer(`/v1/customers/${person.body.id}/consents`, { method: 'POST', body: JSON.stringify({ purpose: 'marketing', channel: 'whatsapp', status: 'granted', source: 'https://shop.example/wa' }) });
    const seg = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'wa', rule: { field: 'tags', op: 'has', value: 'wa' } }) });
    await settle(rt);
    const created = await marketer('/v1/campaigns', {
      method: 'POST',
      body: JSON.stringify({
        name: 'WA',
        brief: { objective: 'o', segmentId: seg.body.id, channels: ['whatsapp'], kpi: 'k', budget: { amount: '10', currency: 'EUR' }, holdoutPercent: 0 },
        creative: { variants: [{ id: 'W', channel: 'whatsapp', body: 'Hola {{givenName}}', whatsappTemplate: { name: 'spring_sale', language: 'es' } }] },
      }),
    });
    const id = created.body.id;
    await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' });
    await clients(rt, acme).approver(`/v1/campaigns/${id}/approve`, { method: 'POST' });
    await marketer(`/v1/campaigns/${id}/launch`, { method: 'POST', body: '{}' });
    await waitForStatus(rt, acme, id, ['completed']);
    const [message] = outboxOf(rt, id);
    expect(message.template).toEqual({ name: 'spring_sale', language: 'es', parameters: ['Ana'] });

    const body = delivery('whatsapp_business_account', [{ id: '102290129340398', changes: [whatsappChange(acme.accounts.whatsapp, { statuses: [whatsappStatus({ id: message.providerMessageId, status: 'delivered' })] })] }]);
    expect((await postMeta(rt.url, acme.tenantId, acme.secrets.meta.appSecret, body)).status).toBe(200);
    // a repeated report changes nothing
    expect((await postMeta(rt.url, acme.tenantId, acme.secrets.meta.appSecret, body)).status).toBe(200);
    const r = (await marketer(`/v1/campaigns/${id}/results`)).body;
    expect(r.sent).toBe(1);
    expect(r.delivered).toBe(1);
  }, 120_000);
});
