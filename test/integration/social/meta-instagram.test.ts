/**
 * Instagram through real HTTP: comments and DMs of one Instagram-scoped id make one customer; deleted
 * DMs lose their text; the brand's own comments and anonymous mentions make nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, sample } from '../../support/webhooks.js';
import { changesEntry, delivery, freshId, igComment, igMessage, messagingEntry, sendMeta } from '../../support/meta.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let IG: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
  IG = acme.accounts.instagram;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const send = (body: string) => sendMeta(rt.url, acme, body);

async function customerOf(igsid: string) {
  return (await marketer(`/v1/customers?channel=instagram&externalId=${igsid}`)).body.items[0] as
    | { id: string; identities: { channel: string; externalId: string; handle?: string }[] }
    | undefined;
}

describe('Instagram', () => {
  it('makes a comment and a DM of the same person one customer, with the username as handle', async () => {
    const igsid = freshId('6');
    const commentId = freshId('17');
    const mid = `aWdf${freshId('M')}`;
    const comments = delivery('instagram', [changesEntry(IG, [igComment({ fromId: igsid, username: 'maria.lopez', id: commentId, text: '¿Hacéis envíos a Canarias? 🌴' })])]);
    const dms = delivery('instagram', [messagingEntry(IG, [igMessage({ accountId: IG, senderId: igsid, mid, text: 'Hi! I love your new collection 😍' })])]);
    expect((await send(comments)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    expect((await send(dms)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    expect((await send(comments)).body).toEqual({ received: 1, recorded: 0, duplicates: 1 });

    const customer = await customerOf(igsid);
    expect(customer?.identities).toEqual([expect.objectContaining({ channel: 'instagram', externalId: igsid, handle: 'maria.lopez' })]);
    const timeline = (await marketer(`/v1/customers/${customer!.id}/timeline`)).body.items as Record<string, unknown>[];
    expect(timeline.map((i) => [i.kind, i.externalId, i.channel]).sort()).toEqual([
      ['comment', commentId, 'instagram'],
      ['dm', mid, 'instagram'],
    ]);
  });

  it('removes the text of a DM the person deleted, and skips the echo of the brand replying', async () => {
    const igsid = freshId('6');
    const mid = `aWdf${freshId('M')}`;
    await send(delivery('instagram', [messagingEntry(IG, [igMessage({ accountId: IG, senderId: igsid, mid, text: 'my address is on the order' })])]));
    const res = await send(
      delivery('instagram', [
        messagingEntry(IG, [igMessage({ accountId: IG, senderId: igsid, text: 'Thanks, we got it', isEcho: true }), igMessage({ accountId: IG, senderId: igsid, mid, isDeleted: true })]),
      ]),
    );
    expect(res.body).toEqual({ received: 0, recorded: 0, duplicates: 0, amended: 1 });
    const customer = await customerOf(igsid);
    const [item] = (await marketer(`/v1/customers/${customer!.id}/timeline`)).body.items as Record<string, unknown>[];
    expect(item).toMatchObject({ kind: 'dm', externalId: mid, removedAt: expect.any(String) });
    expect(item).not.toHaveProperty('text');
  });

  it("makes nobody of the account's own comment, the verbatim mention, or another tenant's account", async () => {
    const mention = sample('instagram-mention.restfb.json').replace('"id": "0"', `"id": "${IG}"`);
    expect((await send(mention)).body).toEqual({ received: 0, recorded: 0, duplicates: 0, unattributed: 1 });
    const own = delivery('instagram', [changesEntry(IG, [igComment({ fromId: IG, username: 'acme', text: '¡Gracias! 🙌' })])]);
    expect((await send(own)).body).toEqual({ received: 0, recorded: 0, duplicates: 0 });
    const other = rt.credentials.tenants[1]!.accounts.instagram;
    const igsid = freshId('6');
    const theirs = delivery('instagram', [changesEntry(other, [igComment({ fromId: igsid, text: 'x' })])]);
    expect((await send(theirs)).body).toEqual({ received: 0, recorded: 0, duplicates: 0, ignored: 1 });
    expect(await customerOf(igsid)).toBeUndefined();
    expect(await customerOf(IG)).toBeUndefined();
  });
});
