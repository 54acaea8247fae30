/**
 * Instagram webhooks (`object: 'instagram'`): `comments` / `live_comments` on the brand's media,
 * `mentions` of the brand, and DMs in `messaging[]` (Messenger format, see meta-common.ts).
 * Structures: test/fixtures/webhook-samples/instagram-*.
 */
import { z } from 'zod';
import type { Influence } from '../../shared/model.js';
import type { SocialSignal } from '../interactions.js';
import {
  extractMessaging,
  isoFromEntryTime,
  isoFromSeconds,
  MetaId,
  parseChange,
  textOrUndefined,
  UnixSeconds,
  type MetaCollector,
  type MetaContext,
  type MetaEntry,
} from './meta-common.js';

/** The commenter: Instagram-scoped id and username; reach figures only when the payload carries them. */
const IgUser = z.object({
  id: MetaId,
  username: z.string().optional(),
  follower_count: z.number().int().nonnegative().optional(),
  followers_count: z.number().int().nonnegative().optional(),
  follows_count: z.number().int().nonnegative().optional(),
  media_count: z.number().int().nonnegative().optional(),
  is_verified_user: z.boolean().optional(),
});
type IgUser = z.infer<typeof IgUser>;

const IgComment = z.object({
  id: MetaId,
  from: IgUser.optional(),
  text: z.string().optional(),
  media: z.object({ id: MetaId, media_product_type: z.string().optional() }).optional(),
  parent_id: MetaId.optional(),
  timestamp: UnixSeconds.optional(),
});

/** A mention names only where it happened; the person is not in the payload (a Graph API lookup would tell). */
const IgMention = z.object({
  media_id: MetaId,
  comment_id: MetaId.optional(),
  from: IgUser.optional(),
  text: z.string().optional(),
});

function influenceOf(user: IgUser): Omit<Influence, 'updatedAt'> | undefined {
  const followers = user.follower_count ?? user.followers_count;
  const influence: Omit<Influence, 'updatedAt'> = {
    ...(followers !== undefined && { followers }),
    ...(user.follows_count !== undefined && { following: user.follows_count }),
    ...(user.media_count !== undefined && { posts: user.media_count }),
    ...(user.is_verified_user !== undefined && { verified: user.is_verified_user }),
  };
  return Object.keys(influence).length > 0 ? influence : undefined;
}

function authorOf(user: IgUser): SocialSignal['author'] {
  const influence = influenceOf(user);
  return {
    externalId: user.id,
    ...(user.username !== undefined && { handle: user.username }),
    ...(influence && { influence }),
  };
}

export function extractInstagramEntry(entry: MetaEntry, entryIndex: number, ctx: MetaContext, out: MetaCollector): void {
  const accounts = ctx.accounts.instagram;
  const connected = accounts.includes(entry.id);
  const fallbackTime = isoFromEntryTime(entry.time) ?? ctx.receivedAt;

  (entry.changes ?? []).forEach((change, changeIndex) => {
    const where = `entry[${entryIndex}].changes[${changeIndex}].value`;
    if (change.field === 'comments' || change.field === 'live_comments') {
      const comment = parseChange(IgComment, change.value, where, 'Instagram comment');
      if (!connected) return out.skip('account-not-connected');
      if (!comment.from) return out.skip('unattributed');
      // the brand answering on its own media is not a customer interaction
      if (comment.from.id === entry.id || accounts.includes(comment.from.id)) return out.skip('own-account');
      return out.signal({
        channel: 'instagram',
        kind: 'comment',
        externalId: comment.id,
        accountId: entry.id,
        author: authorOf(comment.from),
        ...textOrUndefined(comment.text),
        ...(comment.media && { postId: comment.media.id }),
        ...(comment.parent_id !== undefined && { parentId: comment.parent_id }),
        occurredAt: comment.timestamp !== undefined ? isoFromSeconds(comment.timestamp) : fallbackTime,
      });
    }
    if (change.field === 'mentions') {
      const mention = parseChange(IgMention, change.value, where, 'Instagram mention');
      if (!connected) return out.skip('account-not-connected');
      if (!mention.from) return out.skip('unattributed');
      if (accounts.includes(mention.from.id)) return out.skip('own-account');
      return out.signal({
        channel: 'instagram',
        kind: 'mention',
        externalId: mention.comment_id ?? mention.media_id,
        accountId: entry.id,
        author: authorOf(mention.from),
        ...textOrUndefined(mention.text),
        postId: mention.media_id,
        occurredAt: fallbackTime,
      });
    }
    out.skip(`unsupported:instagram/${change.field}`);
  });

  extractMessaging('instagram', 'instagram', entry, entryIndex, accounts, out);
}
