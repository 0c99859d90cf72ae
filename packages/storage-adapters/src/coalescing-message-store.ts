import { StorageError, StorageErrorCode } from './errors.js';
import {
  checkEmoji,
  checkListQuery,
  checkReactorQuery,
  checkSnowflake,
} from './internal/validate.js';
import type {
  ListQuery,
  MessageEdit,
  MessageRecord,
  MessageStore,
  NewMessage,
  ReactionCount,
  ReactorQuery,
} from './types.js';

/** What a {@link CoalescingMessageStore} saved. */
export interface CoalescingStats {
  /** Reads passed to the inner store. */
  readonly innerReads: number;
  /** Reads answered by joining an identical read already in flight. */
  readonly joinedReads: number;
}

/** Per channel: a generation that every write moves, and what is in flight. */
interface ChannelState {
  generation: number;
  reads: number;
  writes: number;
}

/**
 * Wraps a {@link MessageStore} so that identical reads in flight at the same time share one
 * inner call and one result — the request coalescing of Discord's data services, which turns a
 * burst of clients opening the same channel into one database query.
 *
 * - Coalesced: `get`, `list`, `reactionCounts`, `listReactors`, `listPins`. Two reads are
 *   identical when method, channel and normalised arguments match (`list()`, `list({})` and
 *   `list({ limit: 50 })` are one read).
 * - Writes pass through. Each write moves its channel's generation when it starts and again
 *   when it settles, and the generation is part of a read's key: a read that starts after a
 *   write started never joins a read that began before it, so coalescing never serves data
 *   older than a write the caller has seen complete.
 * - A rejection is shared by every joiner and not kept: the next read calls the inner store.
 * - Results are shared between joiners, so they are deep-frozen: arrays and records returned
 *   by the reads above cannot be modified (copy them first).
 * - Arguments the wrapper cannot normalise go to the inner store uncoalesced, which rejects them.
 *
 * Coalescing only meets reads that reach the same process: route each channel's requests to
 * one instance with {@link routeByChannel}.
 *
 * @example
 * ```ts
 * const store = new CoalescingMessageStore(await LmdbMessageStore.open({ path: './data' }));
 * const pages = await Promise.all([store.list('42'), store.list('42')]); // one inner call
 * store.stats(); // { innerReads: 1, joinedReads: 1 }
 * ```
 */
export class CoalescingMessageStore implements MessageStore {
  readonly #inner: MessageStore;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #channels = new Map<string, ChannelState>();
  #innerReads = 0;
  #joinedReads = 0;
  #closed = false;

  /**
   * @param inner - the store every call ends up in; `close()` closes it.
   */
  constructor(inner: MessageStore) {
    this.#inner = inner;
  }

  /** @returns how many reads reached the inner store and how many joined one in flight. */
  stats(): CoalescingStats {
    return { innerReads: this.#innerReads, joinedReads: this.#joinedReads };
  }

  /**
   * Passes through; see {@link MessageStore.create}.
   *
   * @param message - the message.
   * @returns the stored record.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  create(message: NewMessage): Promise<MessageRecord> {
    return this.#write(fieldOf(message, 'channelId'), () => this.#inner.create(message));
  }

  /**
   * Passes through; see {@link MessageStore.put}.
   *
   * @param record - the complete record.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  put(record: MessageRecord): Promise<void> {
    return this.#write(fieldOf(record, 'channelId'), () => this.#inner.put(record));
  }

  /**
   * Coalesced; see {@link MessageStore.get}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns the shared, frozen record, or `null`.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    return this.#read(
      channelId,
      () => `get:${checkSnowflake(messageId, 'messageId')}`,
      () => this.#inner.get(channelId, messageId),
    );
  }

  /**
   * Passes through; see {@link MessageStore.edit}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param edit - the change.
   * @returns the edited record.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  edit(channelId: string, messageId: string, edit: MessageEdit): Promise<MessageRecord> {
    return this.#write(channelId, () => this.#inner.edit(channelId, messageId, edit));
  }

  /**
   * Passes through; see {@link MessageStore.delete}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether it existed.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  delete(channelId: string, messageId: string): Promise<boolean> {
    return this.#write(channelId, () => this.#inner.delete(channelId, messageId));
  }

  /**
   * Passes through; see {@link MessageStore.bulkDelete}.
   *
   * @param channelId - the channel.
   * @param messageIds - the messages.
   * @returns how many were deleted.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  bulkDelete(channelId: string, messageIds: readonly string[]): Promise<number> {
    return this.#write(channelId, () => this.#inner.bulkDelete(channelId, messageIds));
  }

  /**
   * Coalesced; see {@link MessageStore.list}.
   *
   * @param channelId - the channel.
   * @param query - the page.
   * @returns the shared, frozen page.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  list(channelId: string, query?: ListQuery): Promise<MessageRecord[]> {
    return this.#read(
      channelId,
      () => {
        const { kind, anchor, limit } = checkListQuery(query);
        return `list:${kind}:${anchor}:${limit}`;
      },
      () => this.#inner.list(channelId, query),
    );
  }

  /**
   * Passes through; see {@link MessageStore.addReaction}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param userId - the user.
   * @returns `false` when the reaction was already there.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  addReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    return this.#write(channelId, () =>
      this.#inner.addReaction(channelId, messageId, emoji, userId),
    );
  }

  /**
   * Passes through; see {@link MessageStore.removeReaction}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param userId - the user.
   * @returns whether the reaction existed.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  removeReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    return this.#write(channelId, () =>
      this.#inner.removeReaction(channelId, messageId, emoji, userId),
    );
  }

  /**
   * Coalesced; see {@link MessageStore.reactionCounts}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns the shared, frozen counts.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  reactionCounts(channelId: string, messageId: string): Promise<ReactionCount[]> {
    return this.#read(
      channelId,
      () => `reactionCounts:${checkSnowflake(messageId, 'messageId')}`,
      () => this.#inner.reactionCounts(channelId, messageId),
    );
  }

  /**
   * Coalesced; see {@link MessageStore.listReactors}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param query - the page.
   * @returns the shared, frozen user ids.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  listReactors(
    channelId: string,
    messageId: string,
    emoji: string,
    query?: ReactorQuery,
  ): Promise<string[]> {
    return this.#read(
      channelId,
      () => {
        const { after, limit } = checkReactorQuery(query);
        const message = checkSnowflake(messageId, 'messageId');
        return `listReactors:${message}:${after}:${limit}:${checkEmoji(emoji)}`;
      },
      () => this.#inner.listReactors(channelId, messageId, emoji, query),
    );
  }

  /**
   * Passes through; see {@link MessageStore.pin}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  pin(channelId: string, messageId: string): Promise<void> {
    return this.#write(channelId, () => this.#inner.pin(channelId, messageId));
  }

  /**
   * Passes through; see {@link MessageStore.unpin}.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether the message was pinned.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  unpin(channelId: string, messageId: string): Promise<boolean> {
    return this.#write(channelId, () => this.#inner.unpin(channelId, messageId));
  }

  /**
   * Coalesced; see {@link MessageStore.listPins}.
   *
   * @param channelId - the channel.
   * @returns the shared, frozen pinned messages.
   * @throws StorageError as the inner store, `GK_STORAGE_CLOSED` after close.
   */
  listPins(channelId: string): Promise<MessageRecord[]> {
    return this.#read(
      channelId,
      () => 'listPins',
      () => this.#inner.listPins(channelId),
    );
  }

  /**
   * Closes the wrapper and the inner store; later calls reject with `GK_STORAGE_CLOSED`.
   *
   * @throws StorageError as the inner store's `close()`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#inner.close();
  }

  /**
   * Joins an identical read in flight, or starts one. `keyOf` normalises the arguments and
   * throws when it cannot; then the read goes to the inner store on its own. Not `async`: a
   * joiner gets the shared promise itself, so it resolves in the same microtask turn as the
   * read, with no extra hop per caller.
   */
  #read<T>(channelId: string, keyOf: () => string, call: () => Promise<T>): Promise<T> {
    try {
      this.#ensureOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    let suffix: string;
    try {
      suffix = `${checkSnowflake(channelId, 'channelId')}:${keyOf()}`;
    } catch {
      this.#innerReads += 1;
      return new Promise<T>((resolve) => resolve(call()));
    }
    const state = this.#state(channelId);
    const key = `${state.generation}:${suffix}`;
    const joined = this.#inFlight.get(key);
    if (joined !== undefined) {
      this.#joinedReads += 1;
      return joined as Promise<T>;
    }
    this.#innerReads += 1;
    state.reads += 1;
    // Called inside the executor so that an inner store throwing synchronously still rejects.
    const started = new Promise<T>((resolve) => resolve(call())).then(deepFreeze).finally(() => {
      if (this.#inFlight.get(key) === started) this.#inFlight.delete(key);
      state.reads -= 1;
      this.#release(channelId, state);
    });
    this.#inFlight.set(key, started);
    return started;
  }

  async #write<T>(channelId: unknown, call: () => Promise<T>): Promise<T> {
    this.#ensureOpen();
    if (typeof channelId !== 'string') return call();
    const state = this.#state(channelId);
    state.generation += 1;
    state.writes += 1;
    try {
      return await call();
    } finally {
      state.generation += 1;
      state.writes -= 1;
      this.#release(channelId, state);
    }
  }

  #state(channelId: string): ChannelState {
    let state = this.#channels.get(channelId);
    if (state === undefined) {
      state = { generation: 0, reads: 0, writes: 0 };
      this.#channels.set(channelId, state);
    }
    return state;
  }

  /** Forgets an idle channel: with nothing in flight, generation 0 can be reused safely. */
  #release(channelId: string, state: ChannelState): void {
    if (state.reads === 0 && state.writes === 0 && this.#channels.get(channelId) === state) {
      this.#channels.delete(channelId);
    }
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, 'the store is closed');
  }
}

/**
 * The data-service instance that serves a channel: `(channelId >> 22) % shards`, the channel's
 * Snowflake timestamp modulo the instance count — the formula Discord uses to place guilds on
 * shards. Send every request of a channel to `routeByChannel(channelId, instances)` so that
 * identical reads meet in one {@link CoalescingMessageStore}. The timestamp is used rather than
 * the whole id because the low 22 bits (worker, process, increment) are often the same for ids
 * made one per millisecond, which would pile channels onto a few instances when `shards` is a
 * power of two. Stable: it depends on nothing but its arguments.
 *
 * @param channelId - the channel (a Snowflake).
 * @param shards - how many instances serve messages, a positive safe integer.
 * @returns the instance index, `0 <= index < shards`.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a malformed id or instance count.
 * @example
 * ```ts
 * routeByChannel('175928847299117063', 8); // 175928847299117063n >> 22n = 41944705796n; % 8 = 4
 * ```
 */
export function routeByChannel(channelId: string, shards: number): number {
  const id = BigInt(checkSnowflake(channelId, 'channelId'));
  if (!Number.isSafeInteger(shards) || shards < 1) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      `shards: ${String(shards)} is not a positive safe integer`,
    );
  }
  return Number((id >> 22n) % BigInt(shards));
}

/** `value[field]` when `value` is an object, else `undefined` (the inner store rejects it). */
function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[field]
    : undefined;
}

/** Freezes a result and everything in it; an already frozen object is taken as deep-frozen. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
