import { describe, expect, it } from 'vitest';
import { extractMetaDelivery, extractMetaSignals, MetaDelivery } from '../../../domain/social/ingest/meta.js';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { sample } from '../../support/webhooks.js';

const parse = (raw: string) => MetaDelivery.parse(JSON.parse(raw));
const ctx = (facebook: string[]) => ({ accounts: { facebook, instagram: [], whatsapp: [] }, receivedAt: '2026-11-23T10:00:00.000Z' });

function invalidDetails(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return JSON.stringify((error as InvalidInput).details);
  }
  throw new Error('expected InvalidInput');
}

describe('extractMetaDelivery: envelope and Page feed comments', () => {
  it('treats the verbatim sample (the page commenting on its own post) as the brand speaking', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    const { signals, amendments, skipped } = extractMetaDelivery(delivery, ctx(['1234567890321']));
    expect(signals).toEqual([]);
    expect(amendments).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });

  it('turns a customer comment into a facebook comment signal, ids kept as strings', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json').replace('"id": "1234567890321",\n              "name": "Tester"', '"id": "6543210987654321", "name": "Tester"'));
    const { signals } = extractMetaDelivery(delivery, ctx(['1234567890321']));
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

  it('counts another page of the same tenant commenting as the brand too', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    const { signals, skipped } = extractMetaDelivery(delivery, ctx(['1234567890321', '555']));
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });

  it('ignores pages the tenant has not connected', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    const { signals, skipped } = extractMetaDelivery(delivery, ctx(['999']));
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'account-not-connected': 1 });
  });

  it('acknowledges kinds and objects it does not handle, without failing', () => {
    const hidden = parse(
      JSON.stringify({ object: 'page', entry: [{ id: '1', changes: [{ field: 'feed', value: { item: 'comment', verb: 'hide', comment_id: '1_2' } }, { field: 'ratings', value: { item: 'rating', verb: 'add' } }] }] }),
    );
    expect(extractMetaDelivery(hidden, ctx(['1'])).skipped).toEqual({
      'unsupported:page/feed/comment/hide': 1,
      'unsupported:page/ratings/rating/add': 1,
    });
    const { signals, skipped } = extractMetaDelivery(parse(sample('meta-graph-user-photos.official-docs.json')), ctx(['1']));
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'unsupported:user': 1 });
  });

  it('refuses a malformed comment with the path of the problem', () => {
    const delivery = MetaDelivery.parse({
      object: 'page',
      entry: [{ id: '1', changes: [{ field: 'feed', value: { item: 'comment', verb: 'add', from: { id: '2' }, created_time: 1 } }] }],
    });
    expect(invalidDetails(() => extractMetaDelivery(delivery, ctx(['1'])))).toContain('entry[0].changes[0].value.comment_id');
  });

  it('refuses a malformed change even for a page the tenant has not connected', () => {
    const delivery = MetaDelivery.parse({
      object: 'page',
      entry: [{ id: '1', changes: [{ field: 'feed', value: { item: 'comment', verb: 'remove', comment_id: { nested: true } } }] }],
    });
    expect(() => extractMetaDelivery(delivery, ctx(['other']))).toThrow(InvalidInput);
  });

  it('refuses numeric ids beyond 2^53, which JSON.parse has already corrupted', () => {
    const result = MetaDelivery.safeParse(JSON.parse('{"object":"page","entry":[{"id": 12345678901234567890}]}'));
    expect(result.success).toBe(false);
    const inChange = parse('{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"1_2","from":{"id":12345678901234567890},"created_time":1}}]}]}');
    expect(invalidDetails(() => extractMetaDelivery(inChange, ctx(['1'])))).toContain('entry[0].changes[0].value.from.id');
  });

  it('keeps the page-only helper the bench uses', () => {
    const delivery = parse(sample('meta-page-feed-comment.restfb.json'));
    expect(extractMetaSignals(delivery, ['1234567890321'])).toEqual({ signals: [], skipped: { 'own-account': 1 } });
  });
});
