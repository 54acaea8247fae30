/**
 * Meta webhooks (Facebook Pages; later Instagram and WhatsApp): the payload's structure and how its
 * changes become platform-neutral social signals. Facts: shared/WEBHOOKS.md.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors.js';
import type { SocialSignal } from '../interactions.js';

/** Meta sends ids as strings; some fixtures carry numbers. Keep strings exactly; refuse unsafe numbers. */
const MetaId = z.union([
  z.string().min(1),
  z
    .number()
    .int()
    .refine(Number.isSafeInteger, 'an id beyond 2^53 must be sent as a string')
    .transform(String),
]);

const Change = z.object({ field: z.string(), value: z.unknown() });
const Entry = z.object({
  id: MetaId,
  time: z.number().optional(),
  changes: z.array(Change).optional(),
  messaging: z.array(z.unknown()).optional(),
});
export const MetaDelivery = z.object({ object: z.string(), entry: z.array(Entry) });
export type MetaDelivery = z.infer<typeof MetaDelivery>;

const FeedComment = z.object({
  item: z.literal('comment'),
  verb: z.literal('add'),
  comment_id: MetaId,
  post_id: MetaId.optional(),
  parent_id: MetaId.optional(),
  from: z.object({ id: MetaId, name: z.string().optional() }),
  created_time: z.number().int().positive(),
  message: z.string().optional(),
});

export interface MetaExtraction {
  signals: SocialSignal[];
  /** Changes acknowledged but not turned into interactions, by reason (for metrics). */
  skipped: Record<string, number>;
}

/**
 * Turns a verified delivery into signals. Every recognised change is validated before any is used, so a
 * malformed one fails the whole delivery (400) with nothing written.
 * `ownAccounts`: the tenant's connected page ids; changes for other pages are ignored, and the page's own
 * comments are the brand speaking, not a customer.
 */
export function extractMetaSignals(delivery: MetaDelivery, ownAccounts: readonly string[]): MetaExtraction {
  const signals: SocialSignal[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);

  delivery.entry.forEach((entry, entryIndex) => {
    (entry.changes ?? []).forEach((change, changeIndex) => {
      const kind = changeKind(delivery.object, change);
      if (kind !== 'page-feed-comment-add') return skip(kind);
      const parsed = FeedComment.safeParse(change.value);
      if (!parsed.success) {
        throw new InvalidInput(`entry[${entryIndex}].changes[${changeIndex}] is not a valid feed comment`, {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      if (!ownAccounts.includes(entry.id)) return skip('account-not-connected');
      const comment = parsed.data;
      if (comment.from.id === entry.id) return skip('own-account');
      signals.push({
        channel: 'facebook',
        kind: 'comment',
        externalId: comment.comment_id,
        accountId: entry.id,
        author: { externalId: comment.from.id, ...(comment.from.name !== undefined && { name: comment.from.name }) },
        ...(comment.message !== undefined && { text: comment.message }),
        ...(comment.post_id !== undefined && { postId: comment.post_id }),
        ...(comment.parent_id !== undefined && { parentId: comment.parent_id }),
        occurredAt: new Date(comment.created_time * 1000).toISOString(),
      });
    });
  });
  return { signals, skipped };
}

function changeKind(object: string, change: z.infer<typeof Change>): string {
  const value = (change.value ?? {}) as Record<string, unknown>;
  if (object === 'page' && change.field === 'feed' && value.item === 'comment' && value.verb === 'add') {
    return 'page-feed-comment-add';
  }
  return `unsupported:${object}/${change.field}/${String(value.item ?? '-')}/${String(value.verb ?? '-')}`;
}
