/**
 * Outbound messages (a campaign's WhatsApp message, a DM reply) and their delivery state, as the
 * platform reports it back: sent → delivered → read, or failed. Reports arrive out of order and more
 * than once (WhatsApp retries for days and delivers to every subscribed app), so the state only moves
 * forward: a late `delivered` after `read` changes nothing, and `failed` is final.
 */
import type { Channel } from '../shared/vocabulary.js';

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `accepted`: the platform took the message; no receipt yet. */
export type MessageState = 'accepted' | DeliveryStatus;

/** The platform's reason for a failure, e.g. WhatsApp 131047 (the 24-hour window closed). */
export interface DeliveryError {
  code: string;
  title?: string;
}

export interface OutboundMessage {
  tenantId: string;
  channel: Channel;
  /** The platform's id of the message (WhatsApp `wamid....`), exactly as it answered the send. */
  providerMessageId: string;
  customerId?: string;
  campaignId?: string;
  status: MessageState;
  /** When the platform says each status happened. */
  statusTimes: Partial<Record<DeliveryStatus, string>>;
  error?: DeliveryError;
  createdAt: string;
  updatedAt: string;
}

export type NewOutboundMessage = Pick<OutboundMessage, 'tenantId' | 'channel' | 'providerMessageId' | 'createdAt'> &
  Partial<Pick<OutboundMessage, 'customerId' | 'campaignId'>>;

/** advanced: the state moved on; unchanged: a repeat or an older status; unknown: not a message we sent. */
export type DeliveryOutcome = 'advanced' | 'unchanged' | 'unknown';

export interface MessageStore {
  /** Stores a message the platform accepted, in state `accepted`. Creating it twice keeps the first. */
  createOutboundMessage(message: NewOutboundMessage): Promise<{ created: boolean }>;
  get(tenantId: string, channel: Channel, providerMessageId: string): Promise<OutboundMessage | undefined>;
  /** Moves the message to `status` when that is forward from where it is (see `canMoveTo`), atomically. */
  recordDeliveryStatus(
    tenantId: string,
    channel: Channel,
    providerMessageId: string,
    status: DeliveryStatus,
    at: string,
    error?: DeliveryError,
  ): Promise<DeliveryOutcome>;
}

const RANK: Record<Exclude<MessageState, 'failed'>, number> = { accepted: 0, sent: 1, delivered: 2, read: 3 };

/** The states from which `status` is a step forward: failed is terminal, and failing is possible from any other. */
export function statesBefore(status: DeliveryStatus): MessageState[] {
  const open = Object.keys(RANK) as Exclude<MessageState, 'failed'>[];
  if (status === 'failed') return open;
  return open.filter((state) => RANK[state] < RANK[status]);
}

export function canMoveTo(current: MessageState, next: DeliveryStatus): boolean {
  return statesBefore(next).includes(current);
}

/** A delivery report a platform sent about one outbound message. */
export interface DeliveryReport {
  channel: Channel;
  providerMessageId: string;
  status: DeliveryStatus;
  at: string;
  error?: DeliveryError;
}

export interface DeliveryTally {
  advanced: number;
  unchanged: number;
  /** Reports about messages we have no record of (sent by another tool, or before we stored them). */
  unknown: number;
}

/**
 * Apply delivery reports in the order the platform listed them.
 * 1. each report moves its message forward or leaves it as it is;
 * 2. a report about a message we do not know is acknowledged and counted, never an error (the platform
 *    would retry it for days).
 */
export async function applyDeliveryReports(store: MessageStore, tenantId: string, reports: DeliveryReport[]): Promise<DeliveryTally> {
  const tally: DeliveryTally = { advanced: 0, unchanged: 0, unknown: 0 };
  for (const r of reports) {
    const outcome = await store.recordDeliveryStatus(tenantId, r.channel, r.providerMessageId, r.status, r.at, r.error);
    tally[outcome] += 1;
  }
  return tally;
}
