import { types } from 'cassandra-driver';
import { bucketOf } from '../bucket.js';
import { StorageError, StorageErrorCode } from '../errors.js';
import type { MessageRecord } from '../types.js';
import { type CqlRow, encodeEmbeds, encodeId, rowToRecord } from './cassandra-codec.js';
import type { CassandraExecutor } from './cassandra-executor.js';
import { deleteReactions, type MessageReactions } from './cassandra-reactions.js';
import type { CassandraStatements } from './cassandra-schema.js';

/** Channel buckets known to be in `channel_buckets`; cleared (not evicted) past this size. */
const KNOWN_BUCKETS_MAX = 100_000;
const UNSET = types.unset;

/**
 * The message rows of one keyspace: reading a message, writing a whole record, deleting a
 * message with its pin and reactions, setting the pin. Ids are Snowflake strings, encoded here.
 */
export class MessageRows {
  readonly #executor: CassandraExecutor;
  readonly #statements: CassandraStatements;
  readonly #knownBuckets = new Set<string>();

  constructor(executor: CassandraExecutor, statements: CassandraStatements) {
    this.#executor = executor;
    this.#statements = statements;
  }

  /** @returns the raw row (also one without `author_id`), or `null`. */
  async readRow(operation: string, channelId: string, messageId: string): Promise<CqlRow | null> {
    const result = await this.#executor.execute(
      operation,
      this.#statements.selectMessage,
      messageKey(channelId, messageId),
    );
    return result.rows[0] ?? null;
  }

  /** @returns the message, or `null` (no row, or a row without `author_id`). */
  async read(
    operation: string,
    channelId: string,
    messageId: string,
  ): Promise<MessageRecord | null> {
    const row = await this.readRow(operation, channelId, messageId);
    return row === null ? null : rowToRecord(channelId, row);
  }

  /** @returns the message; rejects with `GK_STORAGE_UNKNOWN_MESSAGE` when {@link read} finds none. */
  async existing(operation: string, channelId: string, messageId: string): Promise<MessageRecord> {
    const record = await this.read(operation, channelId, messageId);
    if (record === null) {
      throw new StorageError(
        StorageErrorCode.UnknownMessage,
        `message ${messageId} does not exist in channel ${channelId}`,
      );
    }
    return record;
  }

  /**
   * Writes a whole record with one `INSERT`, after recording its bucket. A column at its
   * default is left unset, unless `current` (the raw row being replaced) holds a value there:
   * then the default value itself (`''`, `'[]'`, `false`) overwrites it. `edited_at` has no
   * default value, so turning an edited message back into an unedited one is the one cell
   * delete. The pin row follows `pinned`.
   */
  async write(operation: string, record: MessageRecord, current: CqlRow | null): Promise<void> {
    const channel = encodeId(record.channelId);
    const message = encodeId(record.id);
    const bucket = bucketOf(record.id);
    const had = (column: string) => {
      const value = current?.get(column);
      return value !== null && value !== undefined;
    };
    if (!this.#knownBuckets.has(`${channel}:${bucket}`))
      await this.#recordBucket(operation, channel, bucket);
    const s = this.#statements;
    const pinChange = record.pinned
      ? s.insertPin
      : current?.get('pinned') === true
        ? s.deletePin
        : null;
    const insert = this.#executor.execute(operation, s.insertMessage, [
      channel,
      bucket,
      message,
      encodeId(record.authorId),
      record.content !== '' || had('content') ? record.content : UNSET,
      record.embeds.length > 0 || had('embeds') ? encodeEmbeds(record.embeds) : UNSET,
      record.editedTimestamp ?? UNSET,
      record.pinned || had('pinned') ? record.pinned : UNSET,
    ]);
    const clearEdit = record.editedTimestamp === null && had('edited_at');
    if (!clearEdit && pinChange === null) {
      await insert;
      return;
    }
    await Promise.all([
      insert,
      clearEdit
        ? this.#executor.execute(operation, s.clearEditedAt, [channel, bucket, message])
        : undefined,
      pinChange === null
        ? undefined
        : this.#executor.execute(operation, pinChange, [channel, message]),
    ]);
  }

  /**
   * Deletes a message with its pin and reactions. A row without `author_id` is deleted too
   * (clean-up) but does not count as a message.
   *
   * @returns whether the message existed.
   */
  async delete(operation: string, channelId: string, messageId: string): Promise<boolean> {
    const row = await this.readRow(operation, channelId, messageId);
    if (row === null) return false;
    const record = rowToRecord(channelId, row);
    const s = this.#statements;
    await Promise.all([
      this.#executor.execute(operation, s.deleteMessage, messageKey(channelId, messageId)),
      record?.pinned === true
        ? this.#executor.execute(operation, s.deletePin, [encodeId(channelId), encodeId(messageId)])
        : undefined,
      record === null
        ? undefined
        : deleteReactions(this.reactions(channelId, messageId), operation),
    ]);
    return record !== null;
  }

  /** Adds or removes the pin row and sets the message's `pinned` column. */
  async setPinned(
    operation: string,
    channelId: string,
    messageId: string,
    pinned: boolean,
  ): Promise<void> {
    const s = this.#statements;
    const pin = [encodeId(channelId), encodeId(messageId)];
    await Promise.all([
      this.#executor.execute(operation, pinned ? s.insertPin : s.deletePin, pin),
      this.#executor.execute(operation, s.setPinned, [pinned, ...messageKey(channelId, messageId)]),
    ]);
  }

  /** @returns the reaction tables' address of a message. */
  reactions(channelId: string, messageId: string): MessageReactions {
    return {
      executor: this.#executor,
      statements: this.#statements,
      channel: encodeId(channelId),
      message: encodeId(messageId),
    };
  }

  /**
   * Adds the bucket to the channel's `channel_buckets` before the message is written, so the
   * walk never misses a bucket. Remembered, so a bucket costs one extra write per process, not
   * one per message.
   */
  async #recordBucket(operation: string, channel: string, bucket: number): Promise<void> {
    const known = `${channel}:${bucket}`;
    if (this.#knownBuckets.has(known)) return;
    await this.#executor.execute(operation, this.#statements.insertBucket, [channel, bucket]);
    if (this.#knownBuckets.size >= KNOWN_BUCKETS_MAX) this.#knownBuckets.clear();
    this.#knownBuckets.add(known);
  }
}

/**
 * @param channelId - the channel (Snowflake string).
 * @param messageId - the message (Snowflake string).
 * @returns the `(channel_id, bucket, message_id)` parameters of a message.
 */
export function messageKey(channelId: string, messageId: string): [string, number, string] {
  return [encodeId(channelId), bucketOf(messageId), encodeId(messageId)];
}
