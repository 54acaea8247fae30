/**
 * The messaging port in AWS, one provider per channel:
 * - e-mail: SES v2 SendEmail from EMAIL_FROM, with the message's headers (a marketing e-mail carries the RFC 8058
 *   List-Unsubscribe and List-Unsubscribe-Post headers with the signed one-click link);
 * - SMS: AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage), MARKETING or TRANSACTIONAL;
 * - WhatsApp: the Cloud API (POST /{phone-number-id}/messages), an approved template for marketing.
 * Provider refusals are sorted: throttling, 5xx and timeouts are TransientSendError (the caller retries with
 * backoff, and never counts them as sent); everything else is PermanentSendError.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PermanentSendError, TransientSendError, type MessageSender, type OutgoingMessage, type SentMessage } from '../../domain/shared/messaging.js';
import { secretString } from '../shared/secret-string.js';
import { setCloudMessageSender } from './index.js';

const TRANSIENT_AWS = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException', 'ServiceUnavailableException', 'InternalServiceErrorException', 'InternalServerException', 'RequestTimeout', 'TimeoutError']);

/** An AWS SDK error as the port's error: transient when the service says so (throttling, 5xx, timeouts). */
export function classifyAwsError(error: unknown): Error {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (TRANSIENT_AWS.has(e.name ?? '') || status === 429 || status >= 500 || e.$retryable) return new TransientSendError(`${e.name}: ${e.message ?? ''}`);
  return new PermanentSendError(`${e.name}: ${e.message ?? ''}`, e.name);
}

const tagSafe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

export class SesMessageSender implements MessageSender {
  constructor(
    private readonly client = new SESv2Client({}),
    private readonly from = process.env.EMAIL_FROM,
    private readonly configurationSet = process.env.SES_CONFIGURATION_SET,
  ) {}

  async send(message: OutgoingMessage): Promise<SentMessage> {
    if (!this.from) throw new PermanentSendError('EMAIL_FROM is not configured', 'not_configured');
    try {
      const out = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, ...(message.html !== undefined && { Html: { Data: message.html, Charset: 'UTF-8' } }) },
              ...(message.headers && { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }),
            },
          },
          EmailTags: Object.entries({ tenant: message.tenantId, purpose: message.purpose, ...message.tags }).map(([Name, Value]) => ({ Name: tagSafe(Name), Value: tagSafe(Value) })),
          ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
        }),
      );
      return { providerMessageId: out.MessageId ?? '' };
    } catch (error) {
      throw classifyAwsError(error);
    }
  }
}

export class SmsMessageSender implements MessageSender {
  constructor(
    private readonly client = new PinpointSMSVoiceV2Client({}),
    /** A phone number, sender id or pool (SMS_ORIGINATION_IDENTITY); absent: the account's default. */
    private readonly origination = process.env.SMS_ORIGINATION_IDENTITY,
    private readonly configurationSet = process.env.SMS_CONFIGURATION_SET,
  ) {}

  async send(message: OutgoingMessage): Promise<SentMessage> {
    try {
      const out = await this.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: message.to,
          MessageBody: message.text,
          MessageType: message.purpose === 'marketing' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
          ...(this.origination && { OriginationIdentity: this.origination }),
          ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
          Context: Object.fromEntries(Object.entries({ tenant: message.tenantId, ...message.tags }).map(([k, v]) => [tagSafe(k), tagSafe(v)])),
        }),
      );
      return { providerMessageId: out.MessageId ?? '' };
    } catch (error) {
      throw classifyAwsError(error);
    }
  }
}

export interface WhatsAppAccount {
  phoneNumberId: string;
  accessToken: string;
}

/** The tenant's WhatsApp sending account: a Secrets Manager secret `${WHATSAPP_SECRET_PREFIX}${tenantId}` holding `{ phoneNumberId, accessToken }`. */
async function whatsappAccountFromSecret(tenantId: string): Promise<WhatsAppAccount> {
  const raw = await secretString(`${process.env.WHATSAPP_SECRET_PREFIX ?? 'social-crm/whatsapp/'}${tenantId}`, 300_000);
  return JSON.parse(raw) as WhatsAppAccount;
}

export class WhatsAppMessageSender implements MessageSender {
  constructor(
    private readonly account: (tenantId: string) => Promise<WhatsAppAccount> = whatsappAccountFromSecret,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly graphUrl = process.env.WHATSAPP_GRAPH_URL ?? 'https://graph.facebook.com/v21.0',
  ) {}

  async send(message: OutgoingMessage): Promise<SentMessage> {
    if (message.purpose === 'marketing' && !message.template) throw new PermanentSendError('a WhatsApp marketing message needs an approved template', 'no_template');
    const { phoneNumberId, accessToken } = await this.account(message.tenantId);
    const body = message.template
      ? {
          messaging_product: 'whatsapp',
          to: message.to.replace(/^\+/, ''),
          type: 'template',
          template: {
            name: message.template.name,
            language: { code: message.template.language },
            ...(message.template.parameters.length > 0 && { components: [{ type: 'body', parameters: message.template.parameters.map((text) => ({ type: 'text', text })) }] }),
          },
        }
      : { messaging_product: 'whatsapp', to: message.to.replace(/^\+/, ''), type: 'text', text: { body: message.text } };
    let response: Response;
    try {
      response = await this.fetchFn(`${this.graphUrl}/${encodeURIComponent(phoneNumberId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TransientSendError(`WhatsApp Cloud API unreachable: ${(error as Error).name}`);
    }
    const payload = (await response.json().catch(() => ({}))) as { messages?: { id: string }[]; error?: { code?: number; message?: string } };
    if (response.ok && payload.messages?.[0]?.id) return { providerMessageId: payload.messages[0].id };
    const code = payload.error?.code;
    // 429 and 5xx, and Meta's throughput codes (4 app, 80007 account, 130429 pair rate, 131056 pair, 133016 spam rate)
    if (response.status === 429 || response.status >= 500 || [4, 80007, 130429, 131056].includes(code ?? -1)) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new TransientSendError(`WhatsApp ${response.status} ${code ?? ''}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    throw new PermanentSendError(`WhatsApp ${response.status} ${code ?? ''}: ${payload.error?.message ?? 'refused'}`, String(code ?? response.status));
  }
}

/** One sender for every channel, each provider made on first use. */
export class CloudMessageSender implements MessageSender {
  private readonly senders = new Map<string, MessageSender>();
  constructor(private readonly factories: Record<OutgoingMessage['channel'], () => MessageSender> = { email: () => new SesMessageSender(), sms: () => new SmsMessageSender(), whatsapp: () => new WhatsAppMessageSender() }) {}

  send(message: OutgoingMessage): Promise<SentMessage> {
    let sender = this.senders.get(message.channel);
    if (!sender) this.senders.set(message.channel, (sender = this.factories[message.channel]()));
    return sender.send(message);
  }
}

let registered: CloudMessageSender | undefined;

/** Makes the cloud providers the messaging port's AWS sender (functions that send call this once). */
export function registerCloudMessageSenders(): void {
  setCloudMessageSender(() => (registered ??= new CloudMessageSender()));
}
