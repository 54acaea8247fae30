/**
 * The local messaging provider: one JSON file per message under `<dataDir>/outbox/`, named so a directory
 * listing is in sending order, readable by people and tests. Erasure removes a person's files from here.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageSender, OutgoingMessage, SentMessage } from '../../domain/shared/messaging.js';
import { outboxStamp } from '../shared/email.js';

export class OutboxMessageSender implements MessageSender {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    const providerMessageId = `outbox-${randomUUID()}`;
    const sentAt = new Date().toISOString();
    const file = join(this.directory, `${outboxStamp(sentAt)}-${message.channel}-${providerMessageId}.json`);
    writeFileSync(file, JSON.stringify({ providerMessageId, sentAt, ...message }, null, 2), { mode: 0o600 });
    return { providerMessageId };
  }
}
