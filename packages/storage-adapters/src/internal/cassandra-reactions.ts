import { types } from 'cassandra-driver';
import type { ReactionCount } from '../types.js';
import { decodeId, encodeId } from './cassandra-codec.js';
import type { CassandraExecutor } from './cassandra-executor.js';
import type { CassandraStatements } from './cassandra-schema.js';
import type { CheckedReactorQuery } from './validate.js';

/** One message's reactions, as stored (ids already encoded). */
export interface MessageReactions {
  readonly executor: CassandraExecutor;
  readonly statements: CassandraStatements;
  readonly channel: string;
  readonly message: string;
}

/**
 * Adds a reaction: the reactor row, the emoji's order row when the emoji is new on the message,
 * and +1 on its counter. Cassandra has no transaction across a counter and regular rows; the
 * reactor row is written first, so a failure part-way leaves at worst a counter one short,
 * never a count without a reactor.
 *
 * @param reactions - the message.
 * @param emoji - a checked emoji.
 * @param user - the stored user id.
 * @param order - the `first_added` value to use when the emoji is new.
 * @returns `false` when the user had already reacted with `emoji`.
 */
export async function addReaction(
  reactions: MessageReactions,
  emoji: string,
  user: string,
  order: () => number,
): Promise<boolean> {
  const { executor, statements: s, channel, message } = reactions;
  const [reactor, known] = await Promise.all([
    executor.execute('addReaction', s.selectReactor, [channel, message, emoji, user]),
    executor.execute('addReaction', s.selectEmoji, [channel, message, emoji]),
  ]);
  if (reactor.rowLength > 0) return false;
  await Promise.all([
    executor.execute('addReaction', s.insertReactor, [channel, message, emoji, user]),
    known.rowLength > 0
      ? undefined
      : executor.execute('addReaction', s.insertEmoji, [channel, message, emoji, String(order())]),
  ]);
  await executor.execute(
    'addReaction',
    s.addToCount,
    ['1', channel, message, emoji],
    'not-idempotent',
  );
  return true;
}

/**
 * Removes a reaction: the reactor row and -1 on the counter; when the count reaches 0 the
 * emoji's order row goes too, so a later first reaction with it puts it last.
 *
 * @param reactions - the message.
 * @param emoji - a checked emoji.
 * @param user - the stored user id.
 * @returns whether the reaction existed.
 */
export async function removeReaction(
  reactions: MessageReactions,
  emoji: string,
  user: string,
): Promise<boolean> {
  const { executor, statements: s, channel, message } = reactions;
  const reactor = await executor.execute('removeReaction', s.selectReactor, [
    channel,
    message,
    emoji,
    user,
  ]);
  if (reactor.rowLength === 0) return false;
  await executor.execute('removeReaction', s.deleteReactor, [channel, message, emoji, user]);
  await executor.execute(
    'removeReaction',
    s.addToCount,
    ['-1', channel, message, emoji],
    'not-idempotent',
  );
  const left = await executor.execute('removeReaction', s.selectCount, [channel, message, emoji]);
  if (countOf(left.rows[0]?.get('count')) <= 0) {
    await executor.execute('removeReaction', s.deleteEmoji, [channel, message, emoji]);
  }
  return true;
}

/**
 * @param reactions - the message.
 * @returns each emoji with a positive count, in `first_added` order (ties by emoji).
 */
export async function readCounts(reactions: MessageReactions): Promise<ReactionCount[]> {
  const { executor, statements: s, channel, message } = reactions;
  const [counts, emojis] = await Promise.all([
    executor.execute('reactionCounts', s.selectCounts, [channel, message]),
    executor.execute('reactionCounts', s.selectEmojis, [channel, message]),
  ]);
  const byEmoji = new Map<string, number>();
  for (const row of counts.rows) byEmoji.set(String(row.get('emoji')), countOf(row.get('count')));
  return emojis.rows
    .map((row) => ({
      emoji: String(row.get('emoji')),
      order: BigInt(String(row.get('first_added'))),
    }))
    .sort((a, b) =>
      a.order === b.order ? compareText(a.emoji, b.emoji) : a.order < b.order ? -1 : 1,
    )
    .map(({ emoji }) => ({ emoji, count: byEmoji.get(emoji) ?? 0 }))
    .filter(({ count }) => count > 0);
}

/**
 * @param reactions - the message.
 * @param emoji - a checked emoji.
 * @param query - the checked page.
 * @returns user ids, ascending.
 */
export async function readReactors(
  reactions: MessageReactions,
  emoji: string,
  query: CheckedReactorQuery,
): Promise<string[]> {
  const { executor, statements: s, channel, message } = reactions;
  const result = await executor.execute('listReactors', s.selectReactors, [
    channel,
    message,
    emoji,
    encodeId(query.after ?? 0n),
    query.limit,
  ]);
  return result.rows.map((row) => decodeId(row.get('user_id')));
}

/**
 * Deletes every reaction of a deleted message: each emoji's reactor partition, the order rows
 * and the counters (only when the message had reactions: a message without any costs one read).
 *
 * Counter caveat (Cassandra's): a deleted counter that is incremented again soon after may
 * lose the delete. Message ids are never reused by `create`; only a `put` re-creating a deleted
 * id and reacting on it at once could meet it.
 *
 * @param reactions - the message.
 * @param operation - the store method, for error messages.
 */
export async function deleteReactions(
  reactions: MessageReactions,
  operation: string,
): Promise<void> {
  const { executor, statements: s, channel, message } = reactions;
  const emojis = await executor.execute(operation, s.selectEmojis, [channel, message]);
  if (emojis.rowLength === 0) return;
  await Promise.all([
    ...emojis.rows.map((row) =>
      executor.execute(operation, s.deleteReactors, [channel, message, String(row.get('emoji'))]),
    ),
    executor.execute(operation, s.deleteEmojis, [channel, message]),
    executor.execute(operation, s.deleteCounts, [channel, message]),
  ]);
}

function countOf(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return value instanceof types.Long ? value.toNumber() : Number(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
