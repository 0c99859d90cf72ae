/**
 * The CQL of the Cassandra message store: the tables `ensureSchema` creates and every statement
 * the store prepares. Table names are qualified with the keyspace, so the client needs no
 * session keyspace (and `ensureSchema` can run before the keyspace exists).
 *
 * Tables (every Snowflake column holds `id - 2^63`, see `cassandra-codec`):
 *
 * - `messages ((channel_id, bucket), message_id DESC)`: one partition per channel and 10-day
 *   bucket. Columns at their default are never written (no null cells, no tombstones): a row
 *   without `embeds` has none.
 * - `channel_buckets (channel_id, bucket DESC)`: every bucket of the channel that ever received
 *   a message, written before the message itself. Its last row is the channel's first bucket;
 *   `list` walks these rows instead of counting through empty buckets.
 * - `reaction_counts ((channel_id, message_id), emoji)`: one counter per emoji.
 * - `reaction_emojis ((channel_id, message_id), emoji)`: `first_added` orders the emojis; the
 *   row goes when the emoji's count drops to 0, so a later first reaction puts it last.
 * - `reactors ((channel_id, message_id, emoji), user_id ASC)`: who reacted.
 * - `pins (channel_id, message_id DESC)`: the channel's pins, newest message first.
 */

/** The CQL creating each table, idempotently (`IF NOT EXISTS`). */
export function tableDefinitions(keyspace: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${keyspace}.messages (
      channel_id bigint, bucket int, message_id bigint,
      author_id bigint, content text, embeds text, edited_at text, pinned boolean,
      PRIMARY KEY ((channel_id, bucket), message_id)
    ) WITH CLUSTERING ORDER BY (message_id DESC)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.channel_buckets (
      channel_id bigint, bucket int,
      PRIMARY KEY (channel_id, bucket)
    ) WITH CLUSTERING ORDER BY (bucket DESC)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.reaction_counts (
      channel_id bigint, message_id bigint, emoji text, count counter,
      PRIMARY KEY ((channel_id, message_id), emoji)
    )`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.reaction_emojis (
      channel_id bigint, message_id bigint, emoji text, first_added bigint,
      PRIMARY KEY ((channel_id, message_id), emoji)
    )`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.reactors (
      channel_id bigint, message_id bigint, emoji text, user_id bigint,
      PRIMARY KEY ((channel_id, message_id, emoji), user_id)
    ) WITH CLUSTERING ORDER BY (user_id ASC)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.pins (
      channel_id bigint, message_id bigint,
      PRIMARY KEY (channel_id, message_id)
    ) WITH CLUSTERING ORDER BY (message_id DESC)`,
  ];
}

/** The names of the store's tables (for `TRUNCATE` in tests and tools). */
export const TABLE_NAMES = [
  'messages',
  'channel_buckets',
  'reaction_counts',
  'reaction_emojis',
  'reactors',
  'pins',
] as const;

const MESSAGE_COLUMNS = 'message_id, author_id, content, embeds, edited_at, pinned';
const MESSAGE_KEY = 'channel_id = ? AND bucket = ? AND message_id';

/** The prepared statements of one keyspace. Parameters are positional, in the order shown. */
export interface CassandraStatements {
  /** (channel, bucket, message, author, content, embeds, edited_at, pinned); unset = omitted. */
  readonly insertMessage: string;
  /** (content, embeds, edited_at, channel, bucket, message); unset = unchanged. */
  readonly editMessage: string;
  /** (pinned, channel, bucket, message). */
  readonly setPinned: string;
  /** (channel, bucket, message). */
  readonly clearEditedAt: string;
  /** (channel, bucket, message). */
  readonly selectMessage: string;
  /** (channel, bucket, message). */
  readonly deleteMessage: string;
  /** (channel, bucket, below, limit): rows with `message_id < below`, newest first. */
  readonly selectOlder: string;
  /** (channel, bucket, atOrBelow, limit): rows with `message_id <= atOrBelow`, newest first. */
  readonly selectOlderInclusive: string;
  /** (channel, bucket, above, limit): rows with `message_id > above`, oldest first. */
  readonly selectNewer: string;
  /** (channel, bucket). */
  readonly insertBucket: string;
  /** (channel, atOrBelow, limit): buckets, newest first. */
  readonly selectBucketsDown: string;
  /** (channel, atOrAbove, limit): buckets, oldest first. */
  readonly selectBucketsUp: string;
  /** (delta, channel, message, emoji). */
  readonly addToCount: string;
  /** (channel, message). */
  readonly selectCounts: string;
  /** (channel, message, emoji). */
  readonly selectCount: string;
  /** (channel, message). */
  readonly deleteCounts: string;
  /** (channel, message, emoji, first_added). */
  readonly insertEmoji: string;
  /** (channel, message). */
  readonly selectEmojis: string;
  /** (channel, message, emoji). */
  readonly selectEmoji: string;
  /** (channel, message, emoji). */
  readonly deleteEmoji: string;
  /** (channel, message). */
  readonly deleteEmojis: string;
  /** (channel, message, emoji, user). */
  readonly insertReactor: string;
  /** (channel, message, emoji, user). */
  readonly selectReactor: string;
  /** (channel, message, emoji, user). */
  readonly deleteReactor: string;
  /** (channel, message, emoji, above, limit): user ids ascending. */
  readonly selectReactors: string;
  /** (channel, message, emoji). */
  readonly deleteReactors: string;
  /** (channel, message). */
  readonly insertPin: string;
  /** (channel, message). */
  readonly deletePin: string;
  /** (channel, limit): pinned message ids, newest first. */
  readonly selectPins: string;
}

/**
 * @param keyspace - a validated keyspace name.
 * @returns the statements, with table names qualified by `keyspace`.
 */
export function statementsFor(keyspace: string): CassandraStatements {
  const messages = `${keyspace}.messages`;
  const buckets = `${keyspace}.channel_buckets`;
  const counts = `${keyspace}.reaction_counts`;
  const emojis = `${keyspace}.reaction_emojis`;
  const reactors = `${keyspace}.reactors`;
  const pins = `${keyspace}.pins`;
  const reaction = 'channel_id = ? AND message_id = ?';
  return {
    insertMessage: `INSERT INTO ${messages} (channel_id, bucket, message_id, author_id, content, embeds, edited_at, pinned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    editMessage: `UPDATE ${messages} SET content = ?, embeds = ?, edited_at = ? WHERE ${MESSAGE_KEY} = ?`,
    setPinned: `UPDATE ${messages} SET pinned = ? WHERE ${MESSAGE_KEY} = ?`,
    clearEditedAt: `DELETE edited_at FROM ${messages} WHERE ${MESSAGE_KEY} = ?`,
    selectMessage: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE ${MESSAGE_KEY} = ?`,
    deleteMessage: `DELETE FROM ${messages} WHERE ${MESSAGE_KEY} = ?`,
    selectOlder: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE ${MESSAGE_KEY} < ? LIMIT ?`,
    selectOlderInclusive: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE ${MESSAGE_KEY} <= ? LIMIT ?`,
    selectNewer: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE ${MESSAGE_KEY} > ? ORDER BY message_id ASC LIMIT ?`,
    insertBucket: `INSERT INTO ${buckets} (channel_id, bucket) VALUES (?, ?)`,
    selectBucketsDown: `SELECT bucket FROM ${buckets} WHERE channel_id = ? AND bucket <= ? LIMIT ?`,
    selectBucketsUp: `SELECT bucket FROM ${buckets} WHERE channel_id = ? AND bucket >= ? ORDER BY bucket ASC LIMIT ?`,
    addToCount: `UPDATE ${counts} SET count = count + ? WHERE ${reaction} AND emoji = ?`,
    selectCounts: `SELECT emoji, count FROM ${counts} WHERE ${reaction}`,
    selectCount: `SELECT count FROM ${counts} WHERE ${reaction} AND emoji = ?`,
    deleteCounts: `DELETE FROM ${counts} WHERE ${reaction}`,
    insertEmoji: `INSERT INTO ${emojis} (channel_id, message_id, emoji, first_added) VALUES (?, ?, ?, ?)`,
    selectEmojis: `SELECT emoji, first_added FROM ${emojis} WHERE ${reaction}`,
    selectEmoji: `SELECT emoji FROM ${emojis} WHERE ${reaction} AND emoji = ?`,
    deleteEmoji: `DELETE FROM ${emojis} WHERE ${reaction} AND emoji = ?`,
    deleteEmojis: `DELETE FROM ${emojis} WHERE ${reaction}`,
    insertReactor: `INSERT INTO ${reactors} (channel_id, message_id, emoji, user_id) VALUES (?, ?, ?, ?)`,
    selectReactor: `SELECT user_id FROM ${reactors} WHERE ${reaction} AND emoji = ? AND user_id = ?`,
    deleteReactor: `DELETE FROM ${reactors} WHERE ${reaction} AND emoji = ? AND user_id = ?`,
    selectReactors: `SELECT user_id FROM ${reactors} WHERE ${reaction} AND emoji = ? AND user_id > ? LIMIT ?`,
    deleteReactors: `DELETE FROM ${reactors} WHERE ${reaction} AND emoji = ?`,
    insertPin: `INSERT INTO ${pins} (channel_id, message_id) VALUES (?, ?)`,
    deletePin: `DELETE FROM ${pins} WHERE channel_id = ? AND message_id = ?`,
    selectPins: `SELECT message_id FROM ${pins} WHERE channel_id = ? LIMIT ?`,
  };
}
