import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { InvalidInput, Unauthorized } from '../../../domain/shared/errors.js';
import {
  isWebEventType,
  parseWebEventData,
  standardWebhookKey,
  verifyStandardWebhook,
  webAction,
  WebEventBody,
  webIdentification,
  webOrderSnapshot,
  webSignup,
} from '../../../domain/commerce/ingest/standard-webhooks.js';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const other = `whsec_${Buffer.from('another key, also thirty-two by!').toString('base64')}`;
const now = new Date('2026-11-23T10:00:00.000Z');
const seconds = Math.floor(now.getTime() / 1000);
const body = Buffer.from('{"type":"customer.registered","data":{"email":"ana@example.com"}}');
const signed = (key: string, id = 'msg_1', ts = seconds) => new Webhook(key).sign(id, new Date(ts * 1000), body.toString());
const headers = (signature: string, id = 'msg_1', ts = seconds) => ({ id, timestamp: String(ts), signature });

describe('verifyStandardWebhook', () => {
  it('accepts what the official library signs, with the key decoded from whsec_', () => {
    expect(standardWebhookKey(secret).toString()).toBe('0123456789abcdef0123456789abcdef');
    expect(verifyStandardWebhook(headers(signed(secret)), body, [secret], now)).toEqual({ id: 'msg_1', timestamp: now });
  });

  it('accepts any of several signatures, under any active secret (rotation)', () => {
    const several = `v1,${Buffer.alloc(32, 1).toString('base64')} v1a,abc ${signed(other)}`;
    expect(() => verifyStandardWebhook(headers(several), body, [secret, other], now)).not.toThrow();
    expect(() => verifyStandardWebhook(headers(several), body, [secret], now)).toThrow(Unauthorized);
  });

  it('refuses other bytes, another id, a missing header, no secret at all', () => {
    expect(() => verifyStandardWebhook(headers(signed(secret)), Buffer.from(`${body} `), [secret], now)).toThrow(Unauthorized);
    expect(() => verifyStandardWebhook(headers(signed(secret), 'msg_2'), body, [secret], now)).toThrow(Unauthorized);
    expect(() => verifyStandardWebhook({ id: 'msg_1', timestamp: String(seconds), signature: undefined }, body, [secret], now)).toThrow(Unauthorized);
    expect(() => verifyStandardWebhook(headers(signed(secret)), body, [], now)).toThrow(Unauthorized);
    expect(() => verifyStandardWebhook(headers(signed(secret), 'msg_1', seconds), body, [secret], now)).not.toThrow();
  });

  it('refuses a timestamp more than 5 minutes off either way, or not in seconds', () => {
    for (const ts of [seconds - 301, seconds + 301]) {
      expect(() => verifyStandardWebhook(headers(signed(secret, 'msg_1', ts), 'msg_1', ts), body, [secret], now)).toThrow(/minutes off/);
    }
    for (const ts of [seconds - 299, seconds + 299]) {
      expect(() => verifyStandardWebhook(headers(signed(secret, 'msg_1', ts), 'msg_1', ts), body, [secret], now)).not.toThrow();
    }
    expect(() => verifyStandardWebhook({ ...headers(signed(secret)), timestamp: now.toISOString() }, body, [secret], now)).toThrow(Unauthorized);
  });
});

describe('event data', () => {
  it('validates each type, naming the field under data', () => {
    expect(isWebEventType('order.placed')).toBe(true);
    expect(isWebEventType('setup_intent.created')).toBe(false);
    expect(isWebEventType('toString')).toBe(false);
    try {
      parseWebEventData('order.placed', { orderId: 'W1', customer: { email: 'a@b.co' }, total: { amount: 19.9, currency: 'EUR' }, lineItems: [] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInput);
      expect(JSON.stringify((error as InvalidInput).details)).toContain('data.total.amount');
    }
    expect(() => parseWebEventData('customer.identified', { anonymousId: 'ck' })).toThrow(InvalidInput);
    expect(() => parseWebEventData('survey.completed', { person: {}, surveyId: 's' })).toThrow(InvalidInput);
  });

  it('turns a registration, an identification and an order into the domain inputs', () => {
    expect(webSignup(parseWebEventData('customer.registered', { userId: 42, email: 'Ana@Example.com', locale: 'es' }))).toEqual({
      via: 'web',
      identities: [
        { channel: 'web', externalId: '42' },
        { channel: 'email', externalId: 'ana@example.com' },
      ],
      profile: { locale: 'es' },
    });
    expect(webIdentification(parseWebEventData('customer.identified', { anonymousId: 'ck-1', email: 'a@b.co' }))).toEqual({
      anonymousId: 'ck-1',
      identities: [{ channel: 'email', externalId: 'a@b.co' }],
    });
    const order = webOrderSnapshot(
      parseWebEventData('order.placed', {
        orderId: 'W1',
        customer: { anonymousId: 'ck-9' },
        total: { amount: '0.30', currency: 'EUR' },
        lineItems: [{ productId: 'p', quantity: 3, price: { amount: '0.10', currency: 'EUR' } }],
      }),
      '2026-11-23T09:00:00.000Z',
    );
    expect(order).toMatchObject({ store: 'web', orderId: 'W1', paidAt: '2026-11-23T09:00:00.000Z', buyer: { identities: [{ channel: 'anonymous', externalId: 'ck-9' }] } });
    expect(() =>
      webOrderSnapshot(
        parseWebEventData('order.placed', { orderId: 'W2', customer: { email: 'a@b.co' }, total: { amount: '1', currency: 'EUR' }, lineItems: [{ productId: 'p', quantity: 1, price: { amount: '1', currency: 'USD' } }] }),
        '2026-11-23T09:00:00.000Z',
      ),
    ).toThrow(InvalidInput);
  });

  it('maps loyalty actions to interaction kinds, the delivery id being the external id', () => {
    const action = webAction('game.played', parseWebEventData('game.played', { person: { email: 'g@b.co' }, gameId: 'spin', score: 3 }), 'msg_9', '2026-11-23T09:00:00.000Z');
    expect(action).toEqual({ kind: 'game', externalId: 'msg_9', person: [{ channel: 'email', externalId: 'g@b.co' }], subjectId: 'spin', occurredAt: '2026-11-23T09:00:00.000Z' });
    expect(webAction('newsletter.subscribed', parseWebEventData('newsletter.subscribed', { person: { userId: 'u1' } }), 'm', 't').kind).toBe('newsletter_signup');
    expect(webAction('friend.invited', parseWebEventData('friend.invited', { person: { userId: 'u1' }, referralCode: 'ANA' }), 'm', 't')).toMatchObject({ kind: 'referral', subjectId: 'ANA' });
  });

  it('takes one set of names in every event: displayName (or name, its older field), givenName, familyName', () => {
    const names = { givenName: 'Ana', familyName: 'Ruiz', displayName: 'Ana R.' };
    expect(webSignup(parseWebEventData('customer.registered', { email: 'a@b.co', ...names }))).toMatchObject({ displayName: 'Ana R.', givenName: 'Ana', familyName: 'Ruiz' });
    // displayName wins over the older `name` when a sender gives both
    expect(webSignup(parseWebEventData('customer.registered', { email: 'a@b.co', name: 'Old', displayName: 'New' }))).toMatchObject({ displayName: 'New' });
    expect(webSignup(parseWebEventData('customer.registered', { email: 'a@b.co', name: 'Old' }))).toMatchObject({ displayName: 'Old' });
    const order = webOrderSnapshot(
      parseWebEventData('order.placed', { orderId: 'W1', customer: { email: 'a@b.co', givenName: 'Ana', familyName: 'Ruiz' }, total: { amount: '1', currency: 'EUR' }, lineItems: [] }),
      '2026-11-23T09:00:00.000Z',
    );
    expect(order.buyer).toEqual({ identities: [{ channel: 'email', externalId: 'a@b.co' }], givenName: 'Ana', familyName: 'Ruiz' });
    const action = webAction('review.posted', parseWebEventData('review.posted', { person: { email: 'a@b.co', ...names } }), 'm', 't');
    expect(action).toMatchObject({ displayName: 'Ana R.', givenName: 'Ana', familyName: 'Ruiz' });
  });

  it('documents every type in one request body schema', () => {
    const schema = z.toJSONSchema(WebEventBody, { io: 'input', unrepresentable: 'any' }) as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((schema.oneOf ?? schema.anyOf)?.length).toBe(12);
    expect(WebEventBody.safeParse({ type: 'video.watched', data: { person: { anonymousId: 'c' }, videoId: 'v' } }).success).toBe(true);
    // the display name's older field is still taken, and documented as deprecated
    // (customer.registered, the order's customer, the eight actions' person)
    expect(JSON.stringify(schema).split('"deprecated":true').length - 1).toBe(10);
  });
});
