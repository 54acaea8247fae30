/**
 * A campaign message personalised from what the CRM knows, through the local runtime and the real ASL: the given
 * name from the sign-up, the points the member can spend now (the welcome points; a purchase's points are still
 * pending), and the product the knowledge context recommends ("customers who bought the boots also bought the
 * socks"); and, for a site sign-up that gave only given and family names and bought nothing, the fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, outboxOf, settle, waitForStatus } from '../../support/campaigns.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { postEvent, uniqueEmail } from '../../support/stores.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ startSchedules: false });
});
afterAll(async () => rt?.stop());

describe('personalisation', () => {
  it('fills {{givenName}}, {{pointsBalance}} and {{recommendedProduct}} from the profile, the loyalty account and the recommendations', async () => {
    const acme = rt.credentials.tenants[0]!;
    const { marketer, approver } = clients(rt, acme);
    const tag = `perso-${Date.now()}`;
    const order = (email: string, products: string[], n: number) =>
      postEvent(rt.url, acme.tenantId, acme.secrets.events.secret, 'order.placed', {
        orderId: `${tag}-${n}`,
        status: 'paid',
        customer: { email },
        total: { amount: `${products.length * 10}.00`, currency: 'EUR' },
        lineItems: products.map((productId) => ({ productId, quantity: 1, price: { amount: '10.00', currency: 'EUR' } })),
      });
    // someone else bought the boots with the socks: the co-occurrence the recommendation stands on
    const other = uniqueEmail('other');
    expect((await order(other, [`${tag}-boots`, `${tag}-socks`], 1)).status).toBe(200);

    const email = uniqueEmail('lucia');
    const res = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email, givenName: 'Lucía', familyName: 'Pérez', tags: [tag] }) });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await marketer(`/v1/customers/${id}/consents`, {
      method: 'POST',
      body: JSON.stringify({ purpose: 'marketing', channel: 'email', status: 'granted', source: 'https://shop.example/signup', doubleOptIn: false }),
    });
    // Marta signs up on the site (the signed customer.registered event) with her given and family names only, and
    // buys nothing: no recommendation, so the template's fallback
    const marta = uniqueEmail('marta');
    const signup = await postEvent(rt.url, acme.tenantId, acme.secrets.events.secret, 'customer.registered', { email: marta, givenName: 'Marta', familyName: 'Gil' });
    expect(signup.status).toBe(200);
    const martaId = ((await signup.json()) as { customerId: string }).customerId;
    expect((await marketer(`/v1/customers/${martaId}`, { method: 'PATCH', body: JSON.stringify({ tags: [tag] }) })).body).toMatchObject({ givenName: 'Marta', familyName: 'Gil', displayName: 'Marta Gil' });
    await marketer(`/v1/customers/${martaId}/consents`, {
      method: 'POST',
      body: JSON.stringify({ purpose: 'marketing', channel: 'email', status: 'granted', source: 'https://shop.example/signup', doubleOptIn: false }),
    });
    await settle(rt);
    expect((await order(email, [`${tag}-boots`], 2)).status).toBe(200);
    const seg = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: tag, rule: { field: 'tags', op: 'has', value: tag } }) });
    await settle(rt);
    const loyalty = (await marketer(`/v1/customers/${id}/loyalty`)).body;
    expect(loyalty.available).toBe(100); // the welcome points; the boots' 10 are pending for the return window
    expect(loyalty.pending).toBe(10);
    const recs = (await marketer(`/v1/customers/${id}/recommendations`)).body.items as { productId: string }[];
    expect(recs[0]?.productId).toBe(`${tag}-socks`);

    const created = await marketer('/v1/campaigns', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Perso',
        brief: { objective: 'o', segmentId: seg.body.id, channels: ['email'], kpi: 'k', budget: { amount: '10', currency: 'EUR' }, holdoutPercent: 0 },
        creative: {
          variants: [
            { id: 'A', channel: 'email', subject: '{{givenName}}, {{pointsBalance}} points', body: 'Hola {{givenName}}: tienes {{pointsBalance}} puntos y te gustará {{recommendedProduct}}. {{unsubscribeLink}}' },
          ],
        },
      }),
    });
    expect(created.status).toBe(201);
    const campaignId = created.body.id as string;
    expect((await marketer(`/v1/campaigns/${campaignId}/submit`, { method: 'POST' })).status).toBe(200);
    expect((await approver(`/v1/campaigns/${campaignId}/approve`, { method: 'POST' })).status).toBe(200);
    expect((await marketer(`/v1/campaigns/${campaignId}/launch`, { method: 'POST', body: '{}' })).status).toBeLessThan(300);
    await waitForStatus(rt, acme, campaignId, ['completed']);
    const sent = outboxOf(rt, campaignId);
    expect(sent.map((m) => m.to).sort()).toEqual([email, marta].sort());
    const message = sent.find((m) => m.to === email);
    expect(message.subject).toBe('Lucía, 100 points');
    expect(message.text).toContain(`Hola Lucía: tienes 100 puntos y te gustará ${tag}-socks.`);
    const martaPoints = (await marketer(`/v1/customers/${martaId}/loyalty`)).body.available as number;
    expect(sent.find((m) => m.to === marta).text).toContain(`Hola Marta: tienes ${martaPoints} puntos y te gustará our new arrivals.`);

    // SES reports the delivery on the default bus, with the tags the e-mail was sent with (adapters/messaging/cloud.ts);
    // the EmailDeliveryEvents rule brings it to the email-events queue
    const sentTags = { tenant: [acme.tenantId], ...Object.fromEntries(Object.entries(message.tags as Record<string, string>).map(([k, v]) => [k, [v]])) };
    expect(sentTags).toMatchObject({ kind: ['campaign'], campaignId: [campaignId], customerId: [id] });
    const ses = (eventType: string, extra: Record<string, unknown>, tags: Record<string, string[]> = sentTags) =>
      JSON.stringify({
        version: '0',
        id: `ses-${eventType}-${Date.now()}`,
        'detail-type': `Email ${eventType}`,
        source: 'aws.ses',
        time: new Date().toISOString(),
        detail: { eventType, mail: { messageId: message.providerMessageId, timestamp: new Date().toISOString(), tags }, ...extra },
      });
    const queue = rt.queues.get('email-events')!.queue;
    await queue.send(ses('Bounce', { bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull' } })); // SES still trying: nothing
    await queue.send(ses('Delivery', { delivery: { timestamp: new Date().toISOString() } }, {})); // no tenant tag: dropped
    await queue.send('not json at all'); // dropped, never retried forever
    await settle(rt);
    expect((await marketer(`/v1/campaigns/${campaignId}/results`)).body.delivered).toBe(0);
    const delivered = ses('Delivery', { delivery: { timestamp: new Date().toISOString() } });
    await queue.send(delivered);
    await queue.send(delivered); // a repeat changes nothing
    await settle(rt);
    expect((await marketer(`/v1/campaigns/${campaignId}/results`)).body.delivered).toBe(1);
    expect(rt.queues.get('email-events')!.dlq.depth().visible).toBe(0);
  }, 120_000);
});

describe('attachments', () => {
  it('checks type and size, uploads through a signed URL, refuses submission until every file is there as declared, and asks approval again', async () => {
    const acme = rt.credentials.tenants[0]!;
    const { marketer, approver } = clients(rt, acme);
    const seg = await marketer('/v1/segments', { method: 'POST', body: JSON.stringify({ name: `att-${Date.now()}`, rule: { field: 'tags', op: 'has', value: 'nobody' } }) });
    const created = await marketer('/v1/campaigns', {
      method: 'POST',
      body: JSON.stringify({
        name: 'With a catalogue',
        brief: { objective: 'o', segmentId: seg.body.id, channels: ['email'], kpi: 'k', budget: { amount: '10', currency: 'EUR' } },
        creative: { variants: [{ id: 'A', channel: 'email', subject: 'Catalogue', body: 'Attached. {{unsubscribeLink}}' }] },
      }),
    });
    const id = created.body.id as string;
    const attach = (body: unknown) => marketer(`/v1/campaigns/${id}/attachments`, { method: 'POST', body: JSON.stringify(body) });
    // refused before anything is written: an executable, a file over 10 MiB, a path in the name
    for (const bad of [
      { fileName: 'tool.exe', contentType: 'application/x-msdownload', size: 10 },
      { fileName: 'big.pdf', contentType: 'application/pdf', size: 10 * 1024 * 1024 + 1 },
      { fileName: '../../etc/passwd', contentType: 'text/plain', size: 10 },
    ]) {
      const res = await attach(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await marketer(`/v1/campaigns/${id}`)).body.version).toBe(created.body.version);

    const pdf = Buffer.from('%PDF-1.4 a tiny catalogue\n%%EOF\n');
    const added = await attach({ fileName: 'Catálogo 2027.pdf', contentType: 'application/pdf', size: pdf.length });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ attachment: { fileName: 'Catálogo 2027.pdf', size: pdf.length }, upload: { method: 'PUT', headers: { 'content-type': 'application/pdf' } } });
    // not uploaded yet: it cannot be submitted
    const early = await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('was not uploaded');
    // the signed URL takes exactly the declared file, and nothing else
    const { url, headers } = added.body.upload;
    expect((await fetch(url, { method: 'PUT', headers, body: Buffer.concat([pdf, pdf]) })).status).toBe(400);
    expect((await fetch(url.replace(/sig=[^&]+/, 'sig=forged'), { method: 'PUT', headers, body: pdf })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', headers, body: pdf })).status).toBe(200);
    expect((await marketer(`/v1/campaigns/${id}/submit`, { method: 'POST' })).status).toBe(200);
    expect((await approver(`/v1/campaigns/${id}/approve`, { method: 'POST' })).status).toBe(200);
    // a file changed after approval needs approval again
    const removed = await marketer(`/v1/campaigns/${id}/attachments/${added.body.attachment.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('draft');
    expect(removed.body.approval).toBeUndefined();
    expect(removed.body.attachments).toEqual([]);
    const history = (await marketer(`/v1/campaigns/${id}/history`)).body.items.map((v: { changed: string[] }) => v.changed.join(','));
    expect(history.filter((c: string) => c === 'attachments')).toHaveLength(2);
  }, 60_000);
});
