/**
 * The erasure job's rules with in-memory ports: the order of its phases (tombstones before anything is
 * deleted, profiles before the rest), merged-away records, resuming after a deadline, late writes, repeats,
 * and the suppression fingerprints.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AUDIT_ERASURE_REQUESTED,
  erasureRequestId,
  fingerprintKey,
  identityFingerprint,
  normaliseIdentity,
  requestErasure,
  runErasureStep,
  type ErasurePorts,
} from '../../../domain/privacy/erasure.js';
import { Conflict, NotFound } from '../../../domain/shared/errors.js';
import type { Customer } from '../../../domain/shared/model.js';
import { CustomerErased, ErasureRequested } from '../../../events/catalog.js';
import { FakeAuditLog } from '../../support/consent.js';
import { FakePublisher, fixedClock } from '../../support/fakes.js';
import { FakeEraser, FakeErasureRequests } from '../../support/privacy.js';

const T = 'acme';
const ctx = { tenantId: T, correlationId: 'corr-1', actor: 'admin-1' };
const NEVER = Number.POSITIVE_INFINITY;

function customer(id: string, extra: Partial<Customer> = {}): Customer {
  return {
    id,
    tenantId: T,
    stage: 'lead',
    identities: [],
    activity: { interactionsByChannel: {} },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

let eraser: FakeEraser;
let requests: FakeErasureRequests;
let publisher: FakePublisher;
let audit: FakeAuditLog;
let ports: ErasurePorts;

beforeEach(() => {
  eraser = new FakeEraser();
  requests = new FakeErasureRequests();
  publisher = new FakePublisher();
  audit = new FakeAuditLog();
  ports = { requests, eraser, publisher, audit, clock: fixedClock() };
  // c1, with c0 merged into it earlier (its record a tombstone)
  eraser.profiles.set('c1', customer('c1', { identities: [{ channel: 'email', externalId: 'ana@example.com', firstSeenAt: 'x' }, { channel: 'facebook', externalId: 'psid-1', firstSeenAt: 'x' }], mergedFrom: ['c0'] }));
  eraser.profiles.set('c0', customer('c0', { mergedInto: 'c1' }));
  eraser.profiles.set('c9', customer('c9', { identities: [{ channel: 'x', externalId: 'x-9', firstSeenAt: 'x' }] }));
  eraser.identities.set('email|ana@example.com', 'c1');
  eraser.identities.set('facebook|psid-1', 'c1');
  eraser.identities.set('x|x-9', 'c9');
  eraser.partitions.set('c1', ['TimelineItem', 'TimelineItem', 'ConsentRecord', 'CustomerKnowledge', 'TimelineItem']);
  eraser.partitions.set('c0', ['TimelineItem']);
  eraser.indexed.set('c1', ['Message', 'WebhookDelivery']);
  eraser.members.set('c1', ['seg-1', 'seg-2']);
});

describe('requestErasure', () => {
  it('writes a pending request (one id per customer), audits it with ids only and publishes the first step', async () => {
    const request = await requestErasure(ports, ctx, 'c1');
    expect(request).toMatchObject({ requestId: erasureRequestId(T, 'c1'), customerId: 'c1', status: 'pending', phase: 'suppress', runs: 1 });
    expect(audit.entries).toEqual([expect.objectContaining({ action: AUDIT_ERASURE_REQUESTED, actor: 'admin-1', targetId: 'c1', details: { requestId: request.requestId, run: 1 } })]);
    expect(publisher.published.map((e) => [e.detailType, e.detail.data])).toEqual([[ErasureRequested.detailType, { customerId: 'c1', requestId: request.requestId }]]);
    expect(erasureRequestId(T, 'c1')).not.toBe(erasureRequestId('globex', 'c1'));
  });

  it('404 for an unknown customer; 409 naming the survivor for a merged-away record', async () => {
    await expect(requestErasure(ports, ctx, 'nobody')).rejects.toBeInstanceOf(NotFound);
    const merged = requestErasure(ports, ctx, 'c0');
    await expect(merged).rejects.toBeInstanceOf(Conflict);
    await expect(merged).rejects.toMatchObject({ details: { mergedInto: 'c1' } });
    expect(publisher.published).toEqual([]);
  });
});

describe('runErasureStep', () => {
  it('suppresses first, deletes identities and profiles before the rest, then indexes, memberships, verify', async () => {
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    expect(await runErasureStep(ports, ctx, requestId, NEVER)).toBe('done');
    const order = eraser.calls.map((c) => c.split(':')[0]);
    expect(order.slice(0, 3)).toEqual(['suppress', 'identities', 'profiles']);
    expect(order.indexOf('partition')).toBeGreaterThan(order.indexOf('profiles'));
    expect(order.lastIndexOf('partition')).toBeLessThan(order.indexOf('indexed'));
    expect(order.indexOf('memberships')).toBeGreaterThan(order.lastIndexOf('indexed'));
    expect(order.at(-1)).toBe('verify');
    // the merged-away record's partition too
    expect(eraser.calls).toContain('partition:c0:');
  });

  it('erases the person and their merged record, leaves another customer alone, and records counts per entity', async () => {
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    await runErasureStep(ports, ctx, requestId, NEVER);
    expect([...eraser.profiles.keys()]).toEqual(['c9']);
    expect([...eraser.identities.keys()]).toEqual(['x|x-9']);
    expect(eraser.tombstones).toEqual(new Set(['email|ana@example.com', 'facebook|psid-1']));
    const { request } = (await requests.get(T, requestId))!;
    expect(request).toMatchObject({ status: 'done', phase: 'done', subjects: ['c1', 'c0'], finishedAt: '2026-11-23T10:00:00.000Z' });
    expect(request.counts).toEqual({ Identity: 2, Customer: 2, TimelineItem: 4, ConsentRecord: 1, CustomerKnowledge: 1, Message: 1, WebhookDelivery: 1, SegmentMember: 2 });
  });

  it('publishes CustomerErased for each of the person’s records and audits the erasure with counts only', async () => {
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    await runErasureStep(ports, ctx, requestId, NEVER);
    const erased = publisher.published.filter((e) => e.detailType === CustomerErased.detailType);
    expect(erased.map((e) => e.detail.data)).toEqual([
      { customerId: 'c1', requestId },
      { customerId: 'c0', requestId },
    ]);
    expect(new Set(erased.map((e) => e.detail.metadata.eventId)).size).toBe(2);
    const entry = audit.entries.find((e) => e.action === 'customer.erased');
    expect(entry).toMatchObject({ actor: 'system:erasure', targetId: 'c1', details: { requestId, run: 1, mergedRecords: 1, TimelineItem: 4 } });
  });

  it('stops at the deadline, saves where it is and hands on; the next step finishes the job', async () => {
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    publisher.published.length = 0;
    expect(await runErasureStep(ports, ctx, requestId, 0)).toBe('continue');
    expect(publisher.published.map((e) => e.detailType)).toEqual([ErasureRequested.detailType]);
    expect((await requests.get(T, requestId))!.request).toMatchObject({ status: 'running', phase: 'suppress' });

    // each call to the store takes a second of (fake) time; each step has half a second: one phase a step
    let now = 1_000_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    const slow = new Proxy(eraser, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          now += 1000;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    let steps = 0;
    try {
      while ((await runErasureStep({ ...ports, eraser: slow }, ctx, requestId, now + 500)) === 'continue') {
        steps += 1;
        expect(steps).toBeLessThan(30);
      }
    } finally {
      clock.mockRestore();
    }
    expect(steps).toBeGreaterThan(5);
    expect((await requests.get(T, requestId))!.request.status).toBe('done');
    expect([...eraser.profiles.keys()]).toEqual(['c9']);
    expect(eraser.partitions.get('c1')).toEqual([]);
  });

  it('sweeps again when something was written for the person while it ran', async () => {
    eraser.lateWrites = [{ subject: 'c1', item: 'TimelineItem' }];
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    await runErasureStep(ports, ctx, requestId, NEVER);
    expect(eraser.calls.filter((c) => c === 'verify')).toHaveLength(2);
    expect(eraser.partitions.get('c1')).toEqual([]);
    expect((await requests.get(T, requestId))!.request).toMatchObject({ status: 'done', sweeps: 1, counts: expect.objectContaining({ TimelineItem: 5 }) });
  });

  it('another worker that saved first wins; this one stops', async () => {
    const { requestId } = await requestErasure(ports, ctx, 'c1');
    const stale = { ...requests, get: async (t: string, id: string) => requests.get(t, id).then((r) => r && { ...r, rev: r.rev - 1 }), put: requests.put.bind(requests) };
    expect(await runErasureStep({ ...ports, requests: stale }, ctx, requestId, NEVER)).toBe('superseded');
  });

  it('is safe to repeat: the same request starts a second run that finds nothing more', async () => {
    const first = await requestErasure(ports, ctx, 'c1');
    await runErasureStep(ports, ctx, first.requestId, NEVER);
    const counts = (await requests.get(T, first.requestId))!.request.counts;
    expect(await runErasureStep(ports, ctx, first.requestId, NEVER)).toBe('done'); // a redelivered step: nothing to do
    const again = await requestErasure(ports, ctx, 'c1'); // the customer is gone: the request is found
    expect(again).toMatchObject({ requestId: first.requestId, runs: 2, status: 'pending', subjects: ['c1', 'c0'] });
    expect(await runErasureStep(ports, ctx, first.requestId, NEVER)).toBe('done');
    expect((await requests.get(T, first.requestId))!.request).toMatchObject({ status: 'done', runs: 2, counts });
    expect(publisher.published.filter((e) => e.detailType === CustomerErased.detailType)).toHaveLength(4);
  });

  it('a request asked for again while it runs goes on, rather than starting over', async () => {
    const first = await requestErasure(ports, ctx, 'c1');
    await runErasureStep(ports, ctx, first.requestId, 0);
    const again = await requestErasure(ports, ctx, 'c1');
    expect(again).toMatchObject({ runs: 1, status: 'running' });
    expect(publisher.published.filter((e) => e.detailType === ErasureRequested.detailType)).toHaveLength(3);
  });
});

describe('suppression fingerprints', () => {
  const key = fingerprintKey('pepper', 'tenant-salt');

  it('are the same for the same identity however it is written, and differ between identities', () => {
    expect(identityFingerprint(key, { channel: 'email', externalId: ' Ana@Example.COM ' })).toBe(identityFingerprint(key, { channel: 'email', externalId: 'ana@example.com' }));
    expect(identityFingerprint(key, { channel: 'phone', externalId: '+34 600 11 22 33' })).toBe(identityFingerprint(key, { channel: 'phone', externalId: '+34600112233' }));
    expect(identityFingerprint(key, { channel: 'facebook', externalId: '123' })).not.toBe(identityFingerprint(key, { channel: 'instagram', externalId: '123' }));
    expect(identityFingerprint(key, { channel: 'email', externalId: 'ana@example.com' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depend on the pepper and the tenant salt, and hold nothing readable', () => {
    const ana = { channel: 'email', externalId: 'ana@example.com' };
    expect(identityFingerprint(fingerprintKey('pepper', 'other-salt'), ana)).not.toBe(identityFingerprint(key, ana));
    expect(identityFingerprint(fingerprintKey('other', 'tenant-salt'), ana)).not.toBe(identityFingerprint(key, ana));
    expect(identityFingerprint(key, ana)).not.toContain('ana');
  });

  it('normalise e-mail and phone only; an unusable phone is kept as sent', () => {
    expect(normaliseIdentity({ channel: 'phone', externalId: '555-SHIP' })).toEqual({ channel: 'phone', externalId: '555-SHIP' });
    expect(normaliseIdentity({ channel: 'x', externalId: 'AbC' })).toEqual({ channel: 'x', externalId: 'AbC' });
  });
});
