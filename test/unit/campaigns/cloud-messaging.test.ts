/**
 * The cloud providers of the messaging port: what each sends, and that throttling and 5xx are retried with backoff
 * and never count as sent, while a refusal is final.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMessageSender, SmsMessageSender, WhatsAppMessageSender } from '../../../adapters/messaging/cloud.js';
import { PermanentSendError, sendWithRetry, TransientSendError, type OutgoingMessage } from '../../../domain/shared/messaging.js';

const ses = mockClient(SESv2Client);
const sms = mockClient(PinpointSMSVoiceV2Client);
const noSleep = { sleep: async () => undefined };

const email: OutgoingMessage = {
  tenantId: 'acme',
  channel: 'email',
  to: 'ana@example.com',
  subject: 'Hi Ana',
  text: 'Spring is here',
  headers: { 'List-Unsubscribe': '<https://api.example/unsubscribe?token=t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  purpose: 'marketing',
  tags: { campaignId: 'c-1' },
  idempotencyKey: 'c-1:ana:email',
};

function awsError(name: string, status: number) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  ses.reset();
  sms.reset();
});

describe('SES v2 e-mail', () => {
  it('sends the RFC 8058 headers and answers the SES message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sent = await new SesMessageSender(new SESv2Client({}), 'Brand <crm@brand.example>').send(email);
    expect(sent.providerMessageId).toBe('ses-1');
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Simple?.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://api.example/unsubscribe?token=t>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('retries throttling with backoff and succeeds; a rejected address is final', async () => {
    ses.on(SendEmailCommand).rejectsOnce(awsError('TooManyRequestsException', 429)).rejectsOnce(awsError('InternalFailure', 500)).resolves({ MessageId: 'ses-2' });
    const sender = new SesMessageSender(new SESv2Client({}), 'crm@brand.example');
    expect((await sendWithRetry(sender, email, noSleep)).providerMessageId).toBe('ses-2');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);

    ses.reset();
    ses.on(SendEmailCommand).rejects(awsError('MessageRejected', 400));
    await expect(sendWithRetry(sender, email, noSleep)).rejects.toBeInstanceOf(PermanentSendError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('gives up after the attempts on lasting throttling: not sent', async () => {
    ses.on(SendEmailCommand).rejects(awsError('TooManyRequestsException', 429));
    await expect(sendWithRetry(new SesMessageSender(new SESv2Client({}), 'crm@brand.example'), email, { ...noSleep, attempts: 3 })).rejects.toBeInstanceOf(TransientSendError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });
});

describe('End User Messaging SMS', () => {
  it('sends marketing as PROMOTIONAL to the number', async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
    const sent = await new SmsMessageSender(new PinpointSMSVoiceV2Client({}), '+15550100').send({ ...email, channel: 'sms', to: '+34600000001' });
    expect(sent.providerMessageId).toBe('sms-1');
    const input = sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ DestinationPhoneNumber: '+34600000001', MessageType: 'PROMOTIONAL', OriginationIdentity: '+15550100' });
  });
});

describe('WhatsApp Cloud API', () => {
  const message: OutgoingMessage = { ...email, channel: 'whatsapp', to: '+34600000001', template: { name: 'spring_sale', language: 'es', parameters: ['Ana'] } };
  const account = async () => ({ phoneNumberId: '106000000000001', accessToken: 'token' });

  it('sends the approved template with its parameters', async () => {
    const calls: { url: string; body: any }[] = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ messages: [{ id: 'wamid.1' }] }), { status: 200 });
    }) as unknown as typeof fetch;
    const sent = await new WhatsAppMessageSender(account, fetchFn, 'https://graph.example').send(message);
    expect(sent.providerMessageId).toBe('wamid.1');
    expect(calls[0]!.url).toBe('https://graph.example/106000000000001/messages');
    expect(calls[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      to: '34600000001',
      type: 'template',
      template: { name: 'spring_sale', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
    });
  });

  it('treats 429 and pair-rate limits as transient, a bad number as permanent, and refuses marketing without a template', async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: 130429 } }), { status: 400 }),
      new Response('{}', { status: 503 }),
      new Response(JSON.stringify({ messages: [{ id: 'wamid.2' }] }), { status: 200 }),
    ];
    const fetchFn = (async () => answers.shift()!) as unknown as typeof fetch;
    expect((await sendWithRetry(new WhatsAppMessageSender(account, fetchFn), message, noSleep)).providerMessageId).toBe('wamid.2');

    const invalid = (async () => new Response(JSON.stringify({ error: { code: 131026, message: 'undeliverable' } }), { status: 400 })) as unknown as typeof fetch;
    await expect(new WhatsAppMessageSender(account, invalid).send(message)).rejects.toBeInstanceOf(PermanentSendError);
    const { template: _t, ...plain } = message;
    await expect(new WhatsAppMessageSender(account, invalid).send(plain)).rejects.toThrow(/template/);
  });
});
