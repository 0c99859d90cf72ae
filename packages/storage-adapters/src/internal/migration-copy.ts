import type { MessageStore } from '../types.js';

/** The two stores of a migration. */
export interface StorePair {
  readonly source: MessageStore;
  readonly target: MessageStore;
}

/** What one copy batch did. */
export interface CopyBatch {
  readonly copied: number;
  readonly removed: number;
  /** The last message copied, or the batch's start when it copied none. */
  readonly last: string | null;
  /** Whether the channel has no more messages. */
  readonly finished: boolean;
}

const PAGE = 100;

/**
 * Copies the next batch of `channelId` after message `after` (oldest first): deletes from the
 * target the messages of that span the source no longer holds, `put`s each message and makes
 * its reactions equal. The caller holds the channel's write queue.
 *
 * @param stores - source and target.
 * @param channelId - the channel.
 * @param after - the last message already copied, or `null` to start at the oldest.
 * @param batchSize - messages to read from the source, 1..100.
 * @returns what the batch did.
 */
export async function copyBatch(
  stores: StorePair,
  channelId: string,
  after: string | null,
  batchSize: number,
): Promise<CopyBatch> {
  const page = await stores.source.list(channelId, { after: after ?? '0', limit: batchSize });
  const finished = page.length < batchSize;
  const last = page.at(-1)?.id ?? after;
  const keep = new Set(page.map((message) => message.id));
  const removed = await removeExtras(stores.target, channelId, after, finished ? null : last, keep);
  for (const message of page) {
    await stores.target.put(message);
    await syncReactions(stores, channelId, message.id);
  }
  return { copied: page.length, removed, last, finished };
}

/**
 * Copies one message — or its absence — from the source to the target, reactions included.
 *
 * @param stores - source and target.
 * @param channelId - the channel.
 * @param messageId - the message.
 */
export async function copyMessage(
  stores: StorePair,
  channelId: string,
  messageId: string,
): Promise<void> {
  const record = await stores.source.get(channelId, messageId);
  if (record === null) {
    await stores.target.delete(channelId, messageId);
    return;
  }
  await stores.target.put(record);
  await syncReactions(stores, channelId, messageId);
}

/**
 * Lists every user who reacted with `emoji`, page by page.
 *
 * @returns the user ids, ascending.
 */
export async function allReactors(
  store: MessageStore,
  channelId: string,
  messageId: string,
  emoji: string,
): Promise<string[]> {
  const users: string[] = [];
  for (;;) {
    const after = users.at(-1);
    const page = await store.listReactors(
      channelId,
      messageId,
      emoji,
      after === undefined ? { limit: PAGE } : { after, limit: PAGE },
    );
    users.push(...page);
    if (page.length < PAGE) return users;
  }
}

/** Deletes target messages after `after` (up to `upTo`, or all) that `keep` does not hold. */
async function removeExtras(
  target: MessageStore,
  channelId: string,
  after: string | null,
  upTo: string | null,
  keep: ReadonlySet<string>,
): Promise<number> {
  let removed = 0;
  let cursor = after ?? '0';
  for (;;) {
    const page = await target.list(channelId, { after: cursor, limit: PAGE });
    for (const message of page) {
      if (upTo !== null && BigInt(message.id) > BigInt(upTo)) return removed;
      if (!keep.has(message.id)) {
        await target.delete(channelId, message.id);
        removed += 1;
      }
    }
    if (page.length < PAGE) return removed;
    cursor = page.at(-1)!.id;
  }
}

/** Makes the target's reactions on a message equal to the source's. */
async function syncReactions(
  stores: StorePair,
  channelId: string,
  messageId: string,
): Promise<void> {
  const [fromSource, fromTarget] = await Promise.all([
    stores.source.reactionCounts(channelId, messageId),
    stores.target.reactionCounts(channelId, messageId),
  ]);
  if (fromSource.length === 0 && fromTarget.length === 0) return;
  const emojis = new Set([...fromSource, ...fromTarget].map((count) => count.emoji));
  for (const emoji of emojis) {
    const [wanted, held] = await Promise.all([
      allReactors(stores.source, channelId, messageId, emoji),
      allReactors(stores.target, channelId, messageId, emoji),
    ]);
    const heldSet = new Set(held);
    const wantedSet = new Set(wanted);
    for (const user of wanted) {
      if (!heldSet.has(user)) await stores.target.addReaction(channelId, messageId, emoji, user);
    }
    for (const user of held) {
      if (!wantedSet.has(user))
        await stores.target.removeReaction(channelId, messageId, emoji, user);
    }
  }
}
