/**
 * Facebook Page webhooks (`object: 'page'`): the `feed` field (comments, visitor posts, reactions and
 * likes, shares), the `mention` field, and Messenger (`messaging[]`, see meta-common.ts).
 * Structures: test/fixtures/webhook-samples/meta-page-*.json and the Graph API Page webhook reference.
 */
import { z } from 'zod';
import type { InteractionKind } from '../../shared/vocabulary.js';
import type { SocialSignal } from '../interactions.js';
import {
  EDIT_VERBS,
  extractMessaging,
  GraphFrom,
  isoFromEntryTime,
  isoFromSeconds,
  MetaId,
  parseChange,
  REMOVE_VERBS,
  textOrUndefined,
  UnixSeconds,
  type MetaCollector,
  type MetaContext,
  type MetaEntry,
} from './meta-common.js';

/** Fields every feed/mention value may carry; which are required depends on the item (below). */
const GraphValue = z.object({
  item: z.string(),
  verb: z.string(),
  from: GraphFrom.optional(),
  sender_id: MetaId.optional(),
  sender_name: z.string().optional(),
  user_id: MetaId.optional(),
  post_id: MetaId.optional(),
  comment_id: MetaId.optional(),
  parent_id: MetaId.optional(),
  share_id: MetaId.optional(),
  created_time: UnixSeconds.optional(),
  message: z.string().optional(),
});
type GraphValue = z.infer<typeof GraphValue>;

const needs = (field: 'post_id' | 'comment_id') => (v: GraphValue) => v[field] !== undefined;
const CommentValue = GraphValue.refine(needs('comment_id'), { message: 'Required', path: ['comment_id'] });
const PostValue = GraphValue.refine(needs('post_id'), { message: 'Required', path: ['post_id'] });
const ShareValue = GraphValue.refine((v) => v.post_id !== undefined || v.share_id !== undefined, {
  message: 'a share names its post_id or share_id',
  path: ['post_id'],
});

const CONTENT_ITEMS = new Set(['post', 'status', 'photo', 'video']);
const LIKE_ITEMS = new Set(['reaction', 'like']);

function authorOf(v: GraphValue): SocialSignal['author'] | undefined {
  if (v.from) return { externalId: v.from.id, ...(v.from.name !== undefined && { name: v.from.name }) };
  const id = v.sender_id ?? v.user_id;
  if (id === undefined) return undefined;
  return { externalId: id, ...(v.sender_name !== undefined && { name: v.sender_name }) };
}

export function extractPageEntry(entry: MetaEntry, entryIndex: number, ctx: MetaContext, out: MetaCollector): void {
  const pages = ctx.accounts.facebook;
  const connected = pages.includes(entry.id);
  const fallbackTime = isoFromEntryTime(entry.time) ?? ctx.receivedAt;
  const timeOf = (v: GraphValue) => (v.created_time !== undefined ? isoFromSeconds(v.created_time) : fallbackTime);

  (entry.changes ?? []).forEach((change, changeIndex) => {
    const where = `entry[${entryIndex}].changes[${changeIndex}].value`;
    const head = change.value !== null && typeof change.value === 'object' ? (change.value as Record<string, unknown>) : {};
    const item = String(head.item ?? '-');
    const verb = String(head.verb ?? '-');
    const unsupported = () => out.skip(`unsupported:page/${change.field}/${item}/${verb}`);
    const isEdit = EDIT_VERBS.has(verb);
    const isRemove = REMOVE_VERBS.has(verb);

    // 1. which change is it, and is it well formed (validated before the account checks, so a malformed
    //    change fails the delivery whichever page it is for)
    let value: GraphValue;
    let recognised: 'comment' | 'content' | 'like' | 'share' | 'mention';
    if (change.field === 'feed' && item === 'comment' && (verb === 'add' || isEdit || isRemove)) {
      value = parseChange(CommentValue, change.value, where, 'feed comment');
      recognised = 'comment';
    } else if (change.field === 'feed' && CONTENT_ITEMS.has(item) && (verb === 'add' || isEdit || isRemove)) {
      value = parseChange(PostValue, change.value, where, `feed ${item}`);
      recognised = 'content';
    } else if (change.field === 'feed' && LIKE_ITEMS.has(item) && (verb === 'add' || verb === 'edit' || verb === 'remove')) {
      value = parseChange(GraphValue, change.value, where, `feed ${item}`);
      recognised = 'like';
    } else if (change.field === 'feed' && item === 'share' && (verb === 'add' || isEdit || isRemove)) {
      value = parseChange(ShareValue, change.value, where, 'feed share');
      recognised = 'share';
    } else if (change.field === 'mention' && (item === 'post' || item === 'comment') && (verb === 'add' || isEdit || isRemove)) {
      value = parseChange(item === 'comment' ? CommentValue : PostValue, change.value, where, `page mention (${item})`);
      recognised = 'mention';
    } else {
      return unsupported();
    }

    // 2. only the tenant's own pages count
    if (!connected) return out.skip('account-not-connected');

    // 3. what it means
    const externalId = externalIdOf(recognised, value, entry.id);
    if (externalId === undefined) return out.skip('unattributed');
    const at = timeOf(value);
    if (isRemove) {
      return out.amend({ channel: 'facebook', externalId, amendment: { kind: 'remove', at } });
    }
    if (isEdit && recognised !== 'like') {
      if (value.message === undefined) return out.skip('edit-without-text');
      return out.amend({ channel: 'facebook', externalId, amendment: { kind: 'edit', text: value.message, at } });
    }
    const author = authorOf(value);
    if (!author) return out.skip('unattributed');
    if (pages.includes(author.externalId)) return out.skip('own-account'); // the brand speaking, not a customer
    out.signal({
      channel: 'facebook',
      kind: kindOf(recognised, value, entry.id),
      externalId,
      accountId: entry.id,
      author,
      ...(recognised !== 'like' && textOrUndefined(value.message)),
      ...(value.post_id !== undefined && { postId: value.post_id }),
      ...contextOf(recognised, value),
      occurredAt: at,
    });
  });

  extractMessaging('facebook', 'page', entry, entryIndex, pages, out);
}

/**
 * The platform id an interaction is stored (and deduped) under. A reaction has no id of its own: it is one
 * person's reaction to one post or comment, so that pair names it (a later `remove` finds it the same way).
 */
function externalIdOf(recognised: string, v: GraphValue, pageId: string): string | undefined {
  switch (recognised) {
    case 'comment':
      return v.comment_id;
    case 'like': {
      const who = authorOf(v)?.externalId;
      return who === undefined ? undefined : `reaction:${v.comment_id ?? v.post_id ?? pageId}:${who}`;
    }
    case 'share':
      return v.post_id ?? v.share_id;
    case 'mention':
      return v.comment_id ?? v.post_id;
    default:
      return v.post_id;
  }
}

/** What the interaction belongs to: the parent comment or post; for a reaction, the comment it reacts to. */
function contextOf(recognised: string, v: GraphValue): { parentId?: string } {
  const parentId = recognised === 'like' ? v.comment_id : v.parent_id;
  return parentId !== undefined ? { parentId } : {};
}

function kindOf(recognised: string, v: GraphValue, pageId: string): InteractionKind {
  switch (recognised) {
    case 'comment':
      return 'comment';
    case 'like':
      return 'like';
    case 'share':
      return 'share';
    case 'mention':
      return 'mention';
    default: {
      // a post id is `<owner>_<post>`: a post on the page's own feed is a visitor's content; one that lives
      // elsewhere reached the page's feed because it tagged the page
      const owner = v.post_id?.split('_')[0];
      return owner !== undefined && owner !== pageId && v.post_id?.includes('_') ? 'mention' : 'content';
    }
  }
}
