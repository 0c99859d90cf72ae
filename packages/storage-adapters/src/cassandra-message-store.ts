import type { Clock, Scheduler } from '@guildkit/snowflake';
import { Client, type ClientOptions, types } from 'cassandra-driver';
import { bucketOf } from './bucket.js';
import { StorageError, StorageErrorCode, StorageUnavailableError } from './errors.js';
import { decodeId, encodeEmbeds, encodeId, MAX_STORED_ID } from './internal/cassandra-codec.js';
import { CassandraExecutor } from './internal/cassandra-executor.js';
import {
  addReaction,
  readCounts,
  readReactors,
  removeReaction,
} from './internal/cassandra-reactions.js';
import { MessageRows, messageKey } from './internal/cassandra-rows.js';
import {
  type CassandraStatements,
  statementsFor,
  tableDefinitions,
} from './internal/cassandra-schema.js';
import { checkKeyspace, checkRetry, replicationCql } from './internal/cassandra-settings.js';
import {
  type ChannelHistory,
  MAX_BUCKET,
  walkNewer,
  walkOlder,
} from './internal/cassandra-walk.js';
import {
  checkBulkDelete,
  checkEdit,
  checkEmoji,
  checkListQuery,
  checkNewMessage,
  checkNotEmpty,
  checkReactorQuery,
  checkRecord,
  checkSnowflake,
} from './internal/validate.js';
import {
  type ListQuery,
  MESSAGE_LIMITS,
  type MessageEdit,
  type MessageRecord,
  type MessageStore,
  type NewMessage,
  type ReactionCount,
  type ReactorQuery,
} from './types.js';

/** Bounded retries of a failed statement (see {@link CassandraMessageStore} for which). */
export interface CassandraRetryOptions {
  /** Tries in all, the first included (1: no retry). */
  readonly attempts?: number;
  /** Wait before the first retry; doubles on each further retry. */
  readonly backoffMs?: number;
  /** Upper bound of one wait. */
  readonly maxBackoffMs?: number;
}

/** Options every {@link CassandraMessageStore} takes, however it gets its client. */
export interface CassandraStoreSettings {
  /** The keyspace holding the tables: `[a-z][a-z0-9_]{0,47}`. */
  readonly keyspace?: string;
  /** Consistency of every read and write (a `types.consistencies` value). */
  readonly consistency?: types.consistencies;
  /** Where `editedTimestamp`, bulk-delete ages and the emoji order read time from. */
  readonly clock?: Clock;
  /** Runs the retry backoff waits. */
  readonly scheduler?: Scheduler;
  /** Bounded retries of statements that failed in a retryable way. */
  readonly retry?: CassandraRetryOptions;
}

/** A store on a client the caller built and owns ({@link CassandraMessageStore.close} leaves it open). */
export interface CassandraClientOptions extends CassandraStoreSettings {
  readonly client: Client;
}

/** A store that builds, and on close shuts down, its own client. */
export interface CassandraConnectOptions extends CassandraStoreSettings {
  /** `host` or `host:port` entries. */
  readonly contactPoints: readonly string[];
  /** The data center whose nodes serve requests (e.g. `datacenter1`). */
  readonly localDataCenter: string;
  /** Any further cassandra-driver client options (credentials, pooling, socket timeouts). */
  readonly clientOptions?: Omit<ClientOptions, 'contactPoints' | 'localDataCenter' | 'keyspace'>;
}

/** Options of {@link CassandraMessageStore}'s constructor. */
export type CassandraMessageStoreOptions = CassandraClientOptions | CassandraConnectOptions;

/** Keyspace replication for {@link CassandraMessageStore.ensureSchema}. */
export type CassandraReplication =
  | { readonly class: 'SimpleStrategy'; readonly replicationFactor: number }
  | {
      readonly class: 'NetworkTopologyStrategy';
      /** Replicas per data center, e.g. `{ dc1: 3, dc2: 3 }`. */
      readonly dataCenters: Readonly<Record<string, number>>;
    };

/** Options of {@link CassandraMessageStore.ensureSchema}. */
export interface CassandraSchemaOptions {
  /** How the keyspace is replicated when `ensureSchema` creates it. */
  readonly replication?: CassandraReplication;
}

/** The defaults of {@link CassandraMessageStoreOptions} and of {@link CassandraSchemaOptions}. */
export const DEFAULT_CASSANDRA_MESSAGE_STORE_OPTIONS = {
  keyspace: 'guildkit',
  consistency: types.consistencies.localQuorum,
  retry: { attempts: 3, backoffMs: 50, maxBackoffMs: 1000 },
  /** A single node: fine for development, never for production. */
  replication: { class: 'SimpleStrategy', replicationFactor: 1 },
} as const satisfies {
  keyspace: string;
  consistency: types.consistencies;
  retry: Required<CassandraRetryOptions>;
  replication: CassandraReplication;
};

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
const SYSTEM_SCHEDULER: Scheduler = {
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
const UNSET = types.unset;

/**
 * A {@link MessageStore} on Apache Cassandra or ScyllaDB, laid out the way Discord stores
 * messages: partitions `(channel_id, bucket)` of 10-day buckets (`bucketOf`), rows clustered by
 * `message_id DESC`. Tables and the bucket walk of `list` are described in
 * `internal/cassandra-schema` and `internal/cassandra-walk`.
 *
 * - Ids: Snowflakes are unsigned 64-bit, CQL `bigint` signed; every id column stores
 *   `id - 2^63`, which keeps Snowflake order over the whole range up to 2^64 - 1.
 * - Statements are prepared, at the configured consistency (default `LOCAL_QUORUM`).
 * - No null cells: a column at its default (no embeds, not edited, not pinned, empty content)
 *   is left unset, not written as null, so ordinary writes leave no tombstones. The one
 *   exception is `put` turning an edited message back into an unedited one (a cell delete).
 * - Edit racing delete: an edit is an `UPDATE` of a few columns, so one landing after the
 *   delete re-creates a row without `author_id`. Reads treat such a row as deleted; `list`
 *   skips it and still fills its page; `delete` removes it.
 * - Duplicates: `create` does not detect an existing id (that needs a lightweight transaction,
 *   a Paxos round per message): it overwrites. Ids come from a Snowflake generator, which does
 *   not repeat them.
 * - Pins: the 50-pin limit is checked with a read, so pins racing for the last place can all
 *   get it.
 * - Errors: driver errors are retried a bounded number of times when retrying is safe
 *   (no host, unavailable, overloaded, bootstrapping; timeouts only for idempotent statements,
 *   and counter updates are not), then surface as `StorageUnavailableError` with the driver error
 *   as `cause`.
 *
 * @example
 * ```ts
 * import { CassandraMessageStore } from '@guildkit/storage-adapters/cassandra';
 *
 * const store = new CassandraMessageStore({
 *   contactPoints: ['127.0.0.1:9042'],
 *   localDataCenter: 'datacenter1',
 * });
 * await store.ensureSchema();
 * await store.create({ id: '1234567890123456789', channelId: '42', authorId: '7', content: 'hi' });
 * const page = await store.list('42', { limit: 50 });
 * await store.close();
 * ```
 */
export class CassandraMessageStore implements MessageStore {
  readonly #client: Client;
  readonly #ownsClient: boolean;
  readonly #keyspace: string;
  readonly #executor: CassandraExecutor;
  readonly #statements: CassandraStatements;
  readonly #rows: MessageRows;
  readonly #clock: Clock;
  #lastEmojiOrder = 0;
  #closed = false;

  /**
   * Builds the store; the driver connects on the first statement.
   *
   * @param options - a client, or contact points and data center; keyspace, consistency, clock,
   * scheduler, retries (defaults: {@link DEFAULT_CASSANDRA_MESSAGE_STORE_OPTIONS}).
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a malformed keyspace name or retry
   * settings.
   */
  constructor(options: CassandraMessageStoreOptions) {
    const defaults = DEFAULT_CASSANDRA_MESSAGE_STORE_OPTIONS;
    const keyspace = checkKeyspace(options.keyspace ?? defaults.keyspace);
    const retry = checkRetry({ ...defaults.retry, ...options.retry });
    this.#keyspace = keyspace;
    if ('client' in options) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      this.#client = new Client({
        ...options.clientOptions,
        contactPoints: [...options.contactPoints],
        localDataCenter: options.localDataCenter,
      });
      this.#ownsClient = true;
    }
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#executor = new CassandraExecutor(
      this.#client,
      options.consistency ?? defaults.consistency,
      retry,
      options.scheduler ?? SYSTEM_SCHEDULER,
    );
    this.#statements = statementsFor(keyspace);
    this.#rows = new MessageRows(this.#executor, this.#statements);
  }

  /**
   * Creates the keyspace and the tables when they do not exist (`IF NOT EXISTS`: safe to run
   * at every start, and concurrently). An existing keyspace keeps its replication.
   *
   * @param options - `replication`: default `SimpleStrategy` with one replica (a single node).
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a malformed replication;
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async ensureSchema(options: CassandraSchemaOptions = {}): Promise<void> {
    this.#ensureOpen();
    const replication = replicationCql(
      options.replication ?? DEFAULT_CASSANDRA_MESSAGE_STORE_OPTIONS.replication,
    );
    await this.#executor.executeSchema(
      'ensureSchema',
      `CREATE KEYSPACE IF NOT EXISTS ${this.#keyspace} WITH replication = ${replication}`,
    );
    for (const table of tableDefinitions(this.#keyspace)) {
      await this.#executor.executeSchema('ensureSchema', table);
    }
  }

  /**
   * Stores a new message; an existing message with the same id is overwritten (no duplicate
   * detection, see the class notes).
   *
   * @param message - the message.
   * @returns the stored record.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async create(message: NewMessage): Promise<MessageRecord> {
    this.#ensureOpen();
    const checked = checkNewMessage(message);
    const record: MessageRecord = { ...checked, editedTimestamp: null, pinned: false };
    await this.#rows.write('create', record, null);
    return record;
  }

  /**
   * Writes a complete record (migrations, restores), creating or replacing the message and
   * adding or removing its pin; reactions are untouched. Reads the current row first, so that
   * a column going back to its default is overwritten with the default value, not a null.
   *
   * @param record - the record.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async put(record: MessageRecord): Promise<void> {
    this.#ensureOpen();
    const checked = checkRecord(record);
    const current = await this.#rows.readRow('put', checked.channelId, checked.id);
    await this.#rows.write('put', checked, current);
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns the message, or `null` (also for a row an edit left behind after a delete).
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    return this.#rows.read('get', channel, message);
  }

  /**
   * Changes content and/or embeds and sets `editedTimestamp` from the clock, with one `UPDATE`
   * of just those columns.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param edit - the new content and/or embeds.
   * @returns the edited record.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`; `GK_STORAGE_INVALID_ARGUMENT` (also when
   * the edit would leave the message without content and embeds); `GK_STORAGE_UNAVAILABLE`,
   * `GK_STORAGE_CLOSED`.
   */
  async edit(channelId: string, messageId: string, edit: MessageEdit): Promise<MessageRecord> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const change = checkEdit(edit);
    const current = await this.#rows.existing('edit', channel, message);
    const editedTimestamp = new Date(this.#clock.now()).toISOString();
    const next: MessageRecord = {
      ...current,
      content: change.content ?? current.content,
      embeds: change.embeds ?? current.embeds,
      editedTimestamp,
    };
    checkNotEmpty(next.content, next.embeds, 'edit');
    // Only the changed columns: an emptied field is written as '' or '[]', never as null.
    await this.#executor.execute('edit', this.#statements.editMessage, [
      change.content ?? UNSET,
      change.embeds === undefined ? UNSET : encodeEmbeds(change.embeds),
      editedTimestamp,
      ...messageKey(channel, message),
    ]);
    return next;
  }

  /**
   * Deletes a message with its reactions and pin.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether it existed.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async delete(channelId: string, messageId: string): Promise<boolean> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    return this.#rows.delete('delete', channel, message);
  }

  /**
   * Deletes 2..100 distinct messages of a channel, concurrently, after validating all ids.
   * Not atomic: when it rejects, some of the messages may already be gone.
   *
   * @param channelId - the channel.
   * @param messageIds - the messages; missing ones are ignored.
   * @returns how many existed and were deleted.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` (count, duplicates, an id older than 14
   * days by the clock; then nothing is deleted), `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async bulkDelete(channelId: string, messageIds: readonly string[]): Promise<number> {
    this.#ensureOpen();
    const channel = checkSnowflake(channelId, 'channelId');
    const ids = checkBulkDelete(messageIds, this.#clock.now());
    const existed = await Promise.all(
      ids.map((id) => this.#rows.delete('bulkDelete', channel, id)),
    );
    return existed.filter(Boolean).length;
  }

  /**
   * One page of history by the bucket walk (`internal/cassandra-walk`): `latest` and `before`
   * walk down from the newest (or the anchor's) bucket and stop at the channel's first bucket;
   * `after` walks up and stops at the newest bucket written; `around` runs both halves
   * concurrently (newer half up from the anchor, older half, anchor included, down).
   *
   * @param channelId - the channel.
   * @param query - the page (Discord's "Get Channel Messages" semantics).
   * @returns the page, in the query's order.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async list(channelId: string, query?: ListQuery): Promise<MessageRecord[]> {
    this.#ensureOpen();
    const channel = checkSnowflake(channelId, 'channelId');
    const page = checkListQuery(query);
    const history: ChannelHistory = {
      executor: this.#executor,
      statements: this.#statements,
      channelId: channel,
      channel: encodeId(channel),
    };
    const anchored = (inclusive: boolean) => ({
      bound: encodeId(page.anchor),
      inclusive,
      bucket: bucketOf(page.anchor.toString()),
      probeFirstBucket: true,
    });
    switch (page.kind) {
      case 'latest':
        return walkOlder(
          history,
          { bound: MAX_STORED_ID, inclusive: true, bucket: MAX_BUCKET, probeFirstBucket: false },
          page.limit,
        );
      case 'before':
        return page.anchor === 0n ? [] : walkOlder(history, anchored(false), page.limit);
      case 'after':
        return walkNewer(history, anchored(false), page.limit);
      case 'around': {
        const newerCount = Math.floor(page.limit / 2);
        const [newer, older] = await Promise.all([
          newerCount === 0 ? [] : walkNewer(history, anchored(false), newerCount),
          walkOlder(history, anchored(true), page.limit - newerCount),
        ]);
        return [...newer.reverse(), ...older];
      }
    }
  }

  /**
   * Adds `userId`'s reaction `emoji`; a new emoji goes last in the message's emoji order.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - a Unicode emoji or `name:id`.
   * @param userId - the reacting user.
   * @returns `false` when the user had already reacted with it.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async addReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const user = encodeId(checkSnowflake(userId, 'userId'));
    await this.#rows.existing('addReaction', channel, message);
    return addReaction(this.#rows.reactions(channel, message), checkedEmoji, user, () =>
      this.#nextEmojiOrder(),
    );
  }

  /**
   * Removes `userId`'s reaction `emoji`; an emoji whose count drops to 0 leaves the order.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param userId - the user.
   * @returns whether the reaction existed.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async removeReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const user = encodeId(checkSnowflake(userId, 'userId'));
    await this.#rows.existing('removeReaction', channel, message);
    return removeReaction(this.#rows.reactions(channel, message), checkedEmoji, user);
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns each emoji's count, in the order each emoji was first added.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async reactionCounts(channelId: string, messageId: string): Promise<ReactionCount[]> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    await this.#rows.existing('reactionCounts', channel, message);
    return readCounts(this.#rows.reactions(channel, message));
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param query - the page: users after `after`, ascending, `limit` 1..100 (default 25).
   * @returns user ids, ascending.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async listReactors(
    channelId: string,
    messageId: string,
    emoji: string,
    query?: ReactorQuery,
  ): Promise<string[]> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const page = checkReactorQuery(query);
    await this.#rows.existing('listReactors', channel, message);
    return readReactors(this.#rows.reactions(channel, message), checkedEmoji, page);
  }

  /**
   * Pins a message (idempotent).
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @throws StorageError `GK_STORAGE_LIMIT_REACHED` past {@link MESSAGE_LIMITS.pins} pins;
   * `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`,
   * `GK_STORAGE_CLOSED`.
   */
  async pin(channelId: string, messageId: string): Promise<void> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const current = await this.#rows.existing('pin', channel, message);
    if (current.pinned) return;
    const pins = await this.#executor.execute('pin', this.#statements.selectPins, [
      encodeId(channel),
      MESSAGE_LIMITS.pins,
    ]);
    if (pins.rowLength >= MESSAGE_LIMITS.pins) {
      throw new StorageError(
        StorageErrorCode.LimitReached,
        `channel ${channel} already has ${MESSAGE_LIMITS.pins} pinned messages`,
      );
    }
    await this.#rows.setPinned('pin', channel, message, true);
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether the message was pinned.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async unpin(channelId: string, messageId: string): Promise<boolean> {
    this.#ensureOpen();
    const [channel, message] = checkIds(channelId, messageId);
    const current = await this.#rows.existing('unpin', channel, message);
    if (!current.pinned) return false;
    await this.#rows.setPinned('unpin', channel, message, false);
    return true;
  }

  /**
   * @param channelId - the channel.
   * @returns the pinned messages, newest message first.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_UNAVAILABLE`, `GK_STORAGE_CLOSED`.
   */
  async listPins(channelId: string): Promise<MessageRecord[]> {
    this.#ensureOpen();
    const channel = checkSnowflake(channelId, 'channelId');
    const pins = await this.#executor.execute('listPins', this.#statements.selectPins, [
      encodeId(channel),
      MESSAGE_LIMITS.pageMax,
    ]);
    const records = await Promise.all(
      pins.rows.map((row) => this.#rows.read('listPins', channel, decodeId(row.get('message_id')))),
    );
    return records.filter((record): record is MessageRecord => record !== null);
  }

  /**
   * Closes the store; later calls reject with `GK_STORAGE_CLOSED`. Shuts the client down when
   * the store built it; a client passed in stays open (its owner closes it). Closing twice is
   * harmless.
   *
   * @throws StorageUnavailableError (`GK_STORAGE_UNAVAILABLE`) when the driver fails to shut down.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    try {
      await this.#client.shutdown();
    } catch (cause) {
      throw new StorageUnavailableError('cassandra: close failed', { cause });
    }
  }

  /** Strictly increasing per store, following the clock (µs), for the emoji order. */
  #nextEmojiOrder(): number {
    this.#lastEmojiOrder = Math.max(this.#clock.now() * 1000, this.#lastEmojiOrder + 1);
    return this.#lastEmojiOrder;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, 'the store is closed');
  }
}

function checkIds(channelId: string, messageId: string): [channel: string, message: string] {
  return [checkSnowflake(channelId, 'channelId'), checkSnowflake(messageId, 'messageId')];
}
