/**
 * The sender handlers use: the cloud providers in AWS (added per channel by the campaigns work: SES v2,
 * End User Messaging SMS, WhatsApp Cloud API), the outbox when the local runtime set one.
 */
import type { MessageSender } from '../../domain/shared/messaging.js';
import { meteredMessageSender } from './metered.js';

let override: MessageSender | undefined;
let cloud: (() => MessageSender) | undefined;

export function messageSender(): MessageSender {
  // metered: every message that leaves counts on the tenant's (and its campaign's) usage
  if (override) return meteredMessageSender(override);
  if (!cloud) throw new Error('no message sender configured: setCloudMessageSender or setMessageSender first');
  return meteredMessageSender(cloud());
}

/** The local runtime and tests set the outbox (or a fake) here. */
export function setMessageSender(sender: MessageSender | undefined): void {
  override = sender;
}

/** AWS: a factory for the per-channel cloud sender (lazy, so functions that never send load no SDK). */
export function setCloudMessageSender(factory: (() => MessageSender) | undefined): void {
  cloud = factory;
}
