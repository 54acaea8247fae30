/** SES delivery events → delivery reports: which events change an e-mail's state, and how. */
import { describe, expect, it } from 'vitest';
import { SesEvent, sesDeliveryReport } from '../../../domain/social/ingest/ses.js';

const event = (eventType: string, extra: Record<string, unknown> = {}, tags: Record<string, string[]> = { tenant: ['acme'], campaignId: ['c-1'] }) =>
  SesEvent.parse({ source: 'aws.ses', time: '2026-12-01T10:00:00Z', detail: { eventType, mail: { messageId: 'm-1', tags }, ...extra } });

describe('sesDeliveryReport', () => {
  it('Delivery is delivered at its time, Open is read, with the tenant and the tags the e-mail was sent with', () => {
    expect(sesDeliveryReport(event('Delivery', { delivery: { timestamp: '2026-12-01T10:00:05Z' } }))).toEqual({
      tenantId: 'acme',
      tags: { tenant: 'acme', campaignId: 'c-1' },
      report: { channel: 'email', providerMessageId: 'm-1', status: 'delivered', at: '2026-12-01T10:00:05Z' },
    });
    expect(sesDeliveryReport(event('Open', { open: { timestamp: '2026-12-01T11:00:00Z' } }))?.report.status).toBe('read');
  });

  it('a permanent bounce, a reject and a rendering failure fail the e-mail with the reason; a transient bounce changes nothing', () => {
    expect(sesDeliveryReport(event('Bounce', { bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail' } }))?.report).toMatchObject({ status: 'failed', error: { code: 'bounce:NoEmail' } });
    expect(sesDeliveryReport(event('Reject', { reject: { reason: 'Bad content' } }))?.report).toMatchObject({ status: 'failed', error: { code: 'reject', title: 'Bad content' } });
    expect(sesDeliveryReport(event('Rendering Failure'))?.report.status).toBe('failed');
    expect(sesDeliveryReport(event('Bounce', { bounce: { bounceType: 'Transient' } }))).toBeUndefined();
    expect(sesDeliveryReport(event('Complaint'))).toBeUndefined();
  });

  it('an e-mail that names no tenant is not ours to change', () => {
    expect(sesDeliveryReport(event('Delivery', {}, {}))).toBeUndefined();
  });
});
