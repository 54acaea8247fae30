/**
 * The messaging port: every message the system sends to a person (welcome packs, points-expiry notices,
 * campaign messages, service replies on e-mail/SMS/WhatsApp) goes through one `MessageSender`.
 * In AWS: e-mail through SES v2, SMS through AWS End User Messaging SMS, WhatsApp through the Cloud API.
 * Locally: every channel writes one JSON file per message to `<dataDir>/outbox/`.
 *
 * Senders are at-least-once by nature (a provider can take a message and time out): callers that must send
 * exactly once write their own ledger entry (keyed by `idempotencyKey`) before calling `send`.
 */
export const MESSAGE_CHANNELS = ['email', 'sms', 'whatsapp'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface OutgoingMessage {
  tenantId: string;
  channel: MessageChannel;
  /** E-mail address, or E.164 phone number for sms/whatsapp. */
  to: string;
  /** E-mail subject (ignored by other channels). */
  subject?: string;
  text: string;
  html?: string;
  /** E-mail headers (RFC 8058 List-Unsubscribe and List-Unsubscribe-Post for marketing). */
  headers?: Record<string, string>;
  /** WhatsApp: an approved template (outside the 24-hour window marketing must use one). */
  template?: { name: string; language: string; parameters: string[] };
  /** Why we send: `transactional` (welcome, points expiry, service reply) or `marketing` (campaigns). */
  purpose: 'transactional' | 'marketing';
  /** Non-personal tags for the provider's reports and for metering (kind, campaignId, ...). */
  tags?: Record<string, string>;
  /** Stable per logical message: the ledger key the caller wrote before sending. */
  idempotencyKey: string;
  /** For metering: ISO 3166 alpha-2 destination country of sms/whatsapp, when known. */
  country?: string;
}

export interface SentMessage {
  /** The provider's id (SES MessageId, SMS MessageId, WhatsApp wamid); locally the outbox file's id. */
  providerMessageId: string;
}

/** A provider refusal that retrying later can fix (throttling, 5xx, timeouts): the message was NOT sent. */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** A provider refusal that retrying will not fix (invalid number, unverified address): not sent, do not retry. */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export interface MessageSender {
  send(message: OutgoingMessage): Promise<SentMessage>;
}

/**
 * Sends with retries and exponential backoff on transient errors; a permanent error or running out of attempts
 * throws, and the message counts as not sent.
 */
export async function sendWithRetry(
  sender: MessageSender,
  message: OutgoingMessage,
  options: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<SentMessage> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 200;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await sender.send(message);
    } catch (error) {
      if (!(error instanceof TransientSendError) || attempt >= attempts) throw error;
      await sleep(error.retryAfterMs ?? base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }
}
