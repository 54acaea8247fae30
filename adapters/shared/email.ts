/**
 * E-mail out: SES v2 `SendEmail` in AWS (from `EMAIL_FROM`, a verified SES identity; optional
 * `SES_CONFIGURATION_SET`), and locally a folder of JSON files, one per message, that people and tests
 * read (`<dataDir>/outbox/`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailMessage, EmailSender } from '../../domain/shared/ports.js';
import { meteredEmailSender } from '../messaging/metered.js';

/** SES tag names and values allow letters, digits, `_` and `-` only. */
const tagSafe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client = new SESv2Client({}),
    private readonly from = process.env.EMAIL_FROM,
    private readonly configurationSet = process.env.SES_CONFIGURATION_SET,
  ) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    if (!this.from) throw new Error('EMAIL_FROM is not configured');
    const charset = 'UTF-8';
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: charset },
            Body: {
              Text: { Data: message.text, Charset: charset },
              ...(message.html !== undefined && { Html: { Data: message.html, Charset: charset } }),
            },
            ...(message.headers && { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }),
          },
        },
        EmailTags: Object.entries({ tenant: message.tenantId, ...message.tags }).map(([Name, Value]) => ({
          Name: tagSafe(Name),
          Value: tagSafe(Value),
        })),
        ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
      }),
    );
    return { messageId: result.MessageId ?? '' };
  }
}

let outboxSequence = 0;
/**
 * The start of an outbox file's name: the time, then a sequence of this process, so a listing is in sending order
 * even for two messages of one millisecond (a random id alone would order those by chance).
 */
export function outboxStamp(sentAt: string): string {
  outboxSequence = (outboxSequence + 1) % 1_000_000;
  return `${sentAt.replace(/[:.]/g, '-')}-${String(outboxSequence).padStart(6, '0')}`;
}

/** Local: each message is a JSON file named so that a directory listing is in sending order. */
export class OutboxEmailSender implements EmailSender {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const messageId = randomUUID();
    const sentAt = new Date().toISOString();
    const file = join(this.directory, `${outboxStamp(sentAt)}-${messageId}.json`);
    writeFileSync(file, JSON.stringify({ messageId, sentAt, ...message }, null, 2), { mode: 0o600 });
    return { messageId };
  }
}

let override: EmailSender | undefined;
let cloud: EmailSender | undefined;

/** The sender handlers use: SES in AWS, the outbox when the local runtime set one. */
export function emailSender(): EmailSender {
  // metered: every e-mail that leaves counts on the tenant's usage
  if (override) return meteredEmailSender(override);
  cloud ??= new SesEmailSender();
  return meteredEmailSender(cloud);
}

export function setEmailSender(sender: EmailSender | undefined): void {
  override = sender;
}
