import { describe, expect, it } from 'vitest';
import { extractMetaSignals, MetaDelivery } from '../../domain/ingest/meta.js';
import { InvalidInput } from '../../domain/errors.js';
import { sample } from '../support/webhooks.js';

const parse = (raw: string) => MetaDelivery.parse(JSON.parse(raw));

describe('extractMetaSignals', () => {
  it('treats the verbatim sample (the page commenting on its own post) as the brand speaking', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    const { signals, skipped } = extractMetaSignals(delivery, ['1234567890321']);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });

  it('turns a customer comment into a facebook comment signal, ids kept as strings', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json').replace('"id": "1234567890321",\n              "name": "Tester"', '"id": "6543210987654321", "name": "Tester"'));
    const { signals } = extractMetaSignals(delivery, ['1234567890321']);
    expect(signals).toEqual([
      {
        channel: 'facebook',
        kind: 'comment',
        externalId: '901097836652708_903438993085259',
        accountId: '1234567890321',
        author: { externalId: '6543210987654321', name: 'Tester' },
        text: 'and the next one',
        postId: '1234567890321_901097836652708',
        parentId: '1234567890321_901097836652708',
        occurredAt: new Date(1449135003 * 1000).toISOString(),
      },
    ]);
  });

  it('ignores pages the tenant has not connected', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    const { signals, skipped } = extractMetaSignals(delivery, ['999']);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'account-not-connected': 1 });
  });

  it('acknowledges kinds it does not handle yet, without failing', () => {
    const { signals, skipped } = extractMetaSignals(parse(sample('meta-page-mention-comment.restfb.json')), ['1234567890321']);
    expect(signals).toEqual([]);
    expect(Object.keys(skipped)).toEqual(['unsupported:page/mention/comment/add']);
  });

  it('refuses a malformed comment with the path of the problem', () => {
    const delivery = MetaDelivery.parse({
      object: 'page',
      entry: [{ id: '1', changes: [{ field: 'feed', value: { item: 'comment', verb: 'add', from: { id: '2' }, created_time: 1 } }] }],
    });
    expect(() => extractMetaSignals(delivery, ['1'])).toThrow(InvalidInput);
    try {
      extractMetaSignals(delivery, ['1']);
    } catch (error) {
      expect(JSON.stringify((error as InvalidInput).details)).toContain('comment_id');
    }
  });

  it('refuses numeric ids beyond 2^53, which JSON.parse has already corrupted', () => {
    const result = MetaDelivery.safeParse(JSON.parse('{"object":"page","entry":[{"id": 12345678901234567890}]}'));
    expect(result.success).toBe(false);
  });
});
