/**
 * WhatsApp Cloud API webhooks: inbound messages (phone number as identity and as a linked `phone`),
 * business-scoped user ids, and statuses of the brand's outbound messages.
 */
import { describe, expect, it } from 'vitest';
import { extractMetaDelivery } from '../../../domain/social/ingest/meta.js';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { sample } from '../../support/webhooks.js';
import { parsed, wabaDelivery, whatsappChange, whatsappStatus, whatsappText } from '../../support/meta.js';

const PHONE_ID = '106540352242922';
const receivedAt = '2026-11-23T10:00:00.000Z';
const extract = (body: string, accounts = [PHONE_ID]) => extractMetaDelivery(parsed(body), { accounts: { facebook: [], instagram: [], whatsapp: accounts }, receivedAt });

describe('WhatsApp inbound messages', () => {
  it('makes the verbatim text message a DM of the wa_id, linked to the phone in E.164', () => {
    const { signals } = extract(sample('whatsapp-message-text.json'));
    expect(signals).toEqual([
      {
        channel: 'whatsapp',
        kind: 'dm',
        externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        accountId: PHONE_ID,
        author: { externalId: '16505551234', name: 'Sheena Nelson', links: [{ channel: 'phone', externalId: '+16505551234' }] },
        text: 'Does it come in another color?',
        occurredAt: new Date(1749416383 * 1000).toISOString(),
      },
    ]);
  });

  it('uses the business-scoped user id when the phone number is withheld (verbatim bsuid sample)', () => {
    const { signals } = extract(sample('whatsapp-message-text-bsuid.restfb.json'));
    expect(signals).toEqual([
      expect.objectContaining({
        externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        author: { externalId: 'US.13491208655302741918', name: 'Sheena Nelson', handle: '@realsheenanelson' },
        text: 'Does it come in another color?',
      }),
    ]);
  });

  it('keeps wa_id primary when both are sent, linking the phone and the business-scoped id', () => {
    const both = sample('whatsapp-message-text-bsuid.restfb.json')
      .replace('"user_id": "US.13491208655302741918",', '"user_id": "US.13491208655302741918", "wa_id": "34600111222",')
      .replace('"from_user_id"', '"from": "34600111222", "from_user_id"');
    const [signal] = extract(both).signals;
    expect(signal?.author).toEqual({
      externalId: '34600111222',
      name: 'Sheena Nelson',
      handle: '@realsheenanelson',
      links: [
        { channel: 'phone', externalId: '+34600111222' },
        { channel: 'whatsapp', externalId: 'US.13491208655302741918' },
      ],
    });
  });

  it('makes media, location and reply messages DMs, with the caption or label as text', () => {
    const m = (type: string, body: Record<string, unknown>) => ({ from: '34600111222', id: `wamid.${type}`, timestamp: '1749416383', type, [type]: body });
    const change = whatsappChange(PHONE_ID, {
      contacts: [{ profile: { name: 'Lucía' }, wa_id: '34600111222' }],
      messages: [
        m('image', { caption: 'Esta es la chaqueta rota 😡', mime_type: 'image/jpeg', sha256: 'x', id: '1' }),
        m('audio', { mime_type: 'audio/ogg; codecs=opus', id: '2', voice: true }),
        m('video', { mime_type: 'video/mp4', id: '3' }),
        m('document', { caption: 'Invoice', filename: 'invoice.pdf', mime_type: 'application/pdf', id: '4' }),
        m('sticker', { mime_type: 'image/webp', id: '5', animated: false }),
        m('location', { latitude: 40.4168, longitude: -3.7038, name: 'Sol', address: 'Madrid' }),
        m('button', { text: 'Yes, call me', payload: 'CALL' }),
        m('interactive', { type: 'list_reply', list_reply: { id: 'size-m', title: 'Talla M' } }),
      ],
    });
    const { signals } = extract(wabaDelivery([change]));
    expect(signals.map((s) => [s.externalId, s.kind, s.text])).toEqual([
      ['wamid.image', 'dm', 'Esta es la chaqueta rota 😡'],
      ['wamid.audio', 'dm', undefined],
      ['wamid.video', 'dm', undefined],
      ['wamid.document', 'dm', 'Invoice'],
      ['wamid.sticker', 'dm', undefined],
      ['wamid.location', 'dm', undefined],
      ['wamid.button', 'dm', 'Yes, call me'],
      ['wamid.interactive', 'dm', 'Talla M'],
    ]);
  });

  it('acknowledges other message types and fields as unsupported', () => {
    const change = whatsappChange(PHONE_ID, {
      messages: [{ from: '34600111222', id: 'wamid.r', timestamp: '1', type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }],
    });
    const template = { field: 'message_template_status_update', value: { event: 'APPROVED' } };
    expect(extract(wabaDelivery([change, template])).skipped).toEqual({
      'unsupported:whatsapp_business_account/messages/reaction': 1,
      'unsupported:whatsapp_business_account/message_template_status_update': 1,
    });
  });

  it('ignores a phone number the tenant has not connected, counting each message and status', () => {
    const body = sample('whatsapp-message-text.json');
    expect(extract(body, ['other'])).toMatchObject({ signals: [], skipped: { 'account-not-connected': 1 } });
    expect(extract(sample('whatsapp-status-sent.json'), ['other'])).toMatchObject({ reports: [], skipped: { 'account-not-connected': 1 } });
  });

  it('refuses a text message without its body, or a message without a sender, naming the path', () => {
    const noBody = whatsappChange(PHONE_ID, { messages: [{ from: '34600111222', id: 'wamid.1', timestamp: '1', type: 'text' }] });
    expect(() => extract(wabaDelivery([noBody]))).toThrow(InvalidInput);
    const noSender = whatsappChange(PHONE_ID, { messages: [{ id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'x' } }] });
    try {
      extract(wabaDelivery([whatsappText({ phoneNumberId: PHONE_ID, waId: '34600111222', body: 'fine' }), noSender]));
      throw new Error('expected InvalidInput');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInput);
      expect(JSON.stringify((error as InvalidInput).details)).toContain('entry[0].changes[1].value.messages[0].from');
    }
  });
});

describe('WhatsApp statuses', () => {
  it('reads the verbatim sent and delivered (bsuid) statuses as delivery reports', () => {
    expect(extract(sample('whatsapp-status-sent.json')).reports).toEqual([
      { channel: 'whatsapp', providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=', status: 'sent', at: new Date(1750030073 * 1000).toISOString() },
    ]);
    const delivered = extract(sample('whatsapp-status-delivered-bsuid.restfb.json'));
    expect(delivered.reports).toEqual([expect.objectContaining({ status: 'delivered', providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=' })]);
    expect(delivered.signals).toEqual([]);
  });

  it('carries the error code of a failed message, and acknowledges statuses it does not track', () => {
    const change = whatsappChange(PHONE_ID, {
      statuses: [
        whatsappStatus({ id: 'wamid.f', status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] }),
        whatsappStatus({ id: 'wamid.d', status: 'deleted' }),
      ],
    });
    const { reports, skipped } = extract(wabaDelivery([change]));
    expect(reports).toEqual([{ channel: 'whatsapp', providerMessageId: 'wamid.f', status: 'failed', at: expect.any(String), error: { code: '131047', title: 'Re-engagement message' } }]);
    expect(skipped).toEqual({ 'unsupported:whatsapp_business_account/statuses/deleted': 1 });
  });

  it('refuses a status without its id', () => {
    const change = whatsappChange(PHONE_ID, { statuses: [{ status: 'read', timestamp: '1' }] });
    expect(() => extract(wabaDelivery([change]))).toThrow(InvalidInput);
  });
});
