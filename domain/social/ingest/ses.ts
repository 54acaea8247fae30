/**
 * Amazon SES delivery events, as the configuration set publishes them to EventBridge (source `aws.ses`): each
 * becomes the delivery report of the e-mail it names, so an e-mail's state moves like a WhatsApp message's does.
 * The tenant comes from the `tenant` tag every e-mail is sent with (adapters/messaging/cloud.ts).
 *
 * Delivery → delivered; Open → read; a permanent Bounce, a Reject or a Rendering Failure → failed (with the
 * reason). A transient bounce is SES still trying: nothing changes. Complaints are not delivery states: they are
 * left to the unsubscribe link and the consent ledger.
 */
import { z } from 'zod';
import type { DeliveryReport } from '../messages.js';

const When = z.string().datetime({ offset: true });

export const SesEvent = z.object({
  source: z.literal('aws.ses'),
  time: When.optional(),
  detail: z
    .object({
      eventType: z.string(),
      mail: z.object({ messageId: z.string().min(1).max(200), timestamp: When.optional(), tags: z.record(z.string(), z.array(z.string())).optional() }).loose(),
      delivery: z.object({ timestamp: When.optional() }).loose().optional(),
      open: z.object({ timestamp: When.optional() }).loose().optional(),
      bounce: z.object({ bounceType: z.string().optional(), bounceSubType: z.string().optional(), timestamp: When.optional() }).loose().optional(),
      reject: z.object({ reason: z.string().optional() }).loose().optional(),
      failure: z.object({ errorMessage: z.string().optional() }).loose().optional(),
    })
    .loose(),
});
export type SesEvent = z.infer<typeof SesEvent>;

/** The tenant and the report an SES event stands for; undefined when it changes nothing or names no tenant. */
export function sesDeliveryReport(event: SesEvent): { tenantId: string; report: DeliveryReport; tags: Record<string, string> } | undefined {
  const { detail } = event;
  const tenantId = detail.mail.tags?.tenant?.[0];
  if (!tenantId) return undefined;
  const at = (t?: string) => t ?? event.time ?? detail.mail.timestamp ?? new Date().toISOString();
  // the tags the message was sent with (campaign, variant, customer), one value each
  const tags = Object.fromEntries(Object.entries(detail.mail.tags ?? {}).flatMap(([k, v]) => (v[0] !== undefined ? [[k, v[0]]] : [])));
  const report = (status: DeliveryReport['status'], when: string, error?: DeliveryReport['error']) => ({
    tenantId,
    tags,
    report: { channel: 'email' as const, providerMessageId: detail.mail.messageId, status, at: when, ...(error && { error }) } satisfies DeliveryReport,
  });
  switch (detail.eventType) {
    case 'Delivery':
      return report('delivered', at(detail.delivery?.timestamp));
    case 'Open':
      return report('read', at(detail.open?.timestamp));
    case 'Bounce':
      if (detail.bounce?.bounceType !== 'Permanent') return undefined;
      return report('failed', at(detail.bounce.timestamp), { code: `bounce:${detail.bounce.bounceSubType ?? 'General'}`, title: 'the address does not accept mail' });
    case 'Reject':
      return report('failed', at(), { code: 'reject', ...(detail.reject?.reason && { title: detail.reject.reason }) });
    case 'Rendering Failure':
      return report('failed', at(), { code: 'rendering_failure', ...(detail.failure?.errorMessage && { title: detail.failure.errorMessage }) });
    default:
      return undefined;
  }
}
