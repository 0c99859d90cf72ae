import type { Clock } from '@guildkit/snowflake';
import type { APIEmbed } from 'discord-api-types/v10';
import { StorageError, StorageErrorCode } from './errors.js';
import { firstIndexAbove, selectPage } from './internal/paging.js';
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

/** Options of a {@link MemoryMessageStore}. */
export interface MemoryMessageStoreOptions {
  /**
   * Where `editedTimestamp` and the bulk-delete age limit read time from.
   * @defaultValue `Date.now`
   */
  readonly clock?: Clock;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** One channel: its ids in order, its messages, their reactions and its pins. */
interface Channel {
  /** Message ids, strictly ascending: what `list` pages over. */
  readonly ids: bigint[];
  readonly messages: Map<string, MessageRecord>;
  /** Per message, per emoji (a Map keeps first-added order) the user ids, ascending. */
  readonly reactions: Map<string, Map<string, bigint[]>>;
  readonly pins: Set<string>;
}

/**
 * A {@link MessageStore} in process memory: for tests, examples and single-process demos. Lost
 * when the process ends. Detects duplicate ids (`GK_STORAGE_DUPLICATE_MESSAGE`).
 *
 * Each channel keeps its ids in a sorted array, so `list` is a binary search plus `limit`
 * steps (O(log n + limit)); appending a newer message is amortised O(1), inserting an older id
 * or deleting shifts the array (a memmove). Stored records are deep-frozen copies of the input:
 * the records returned are shared but immutable, and changing an input after the call changes
 * nothing in the store.
 *
 * @example
 * ```ts
 * import { MemoryMessageStore } from '@guildkit/storage-adapters';
 *
 * const store = new MemoryMessageStore();
 * await store.create({ id: '1234567890123456789', channelId: '42', authorId: '7', content: 'hi' });
 * const page = await store.list('42', { limit: 50 });
 * ```
 */
export class MemoryMessageStore implements MessageStore {
  readonly #clock: Clock;
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  /**
   * @param options - the clock.
   */
  constructor(options: MemoryMessageStoreOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /**
   * Stores a new message.
   *
   * @param message - the message.
   * @returns the stored record.
   * @throws StorageError `GK_STORAGE_DUPLICATE_MESSAGE` when the channel already holds the id;
   * `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async create(message: NewMessage): Promise<MessageRecord> {
    this.#ensureOpen();
    const checked = checkNewMessage(message);
    const channel = this.#channelFor(checked.channelId);
    if (channel.messages.has(checked.id)) {
      throw new StorageError(
        StorageErrorCode.DuplicateMessage,
        `message ${checked.id} already exists in channel ${checked.channelId}`,
      );
    }
    const record = freezeRecord({ ...checked, editedTimestamp: null, pinned: false });
    insertSorted(channel.ids, BigInt(record.id));
    channel.messages.set(record.id, record);
    return record;
  }

  /**
   * Creates or replaces a message exactly as given; adds or removes its pin without checking
   * the pin limit; keeps its reactions.
   *
   * @param record - the complete record.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async put(record: MessageRecord): Promise<void> {
    this.#ensureOpen();
    const stored = freezeRecord(checkRecord(record));
    const channel = this.#channelFor(stored.channelId);
    if (!channel.messages.has(stored.id)) insertSorted(channel.ids, BigInt(stored.id));
    channel.messages.set(stored.id, stored);
    if (stored.pinned) channel.pins.add(stored.id);
    else channel.pins.delete(stored.id);
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns the message, or `null`.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    this.#ensureOpen();
    const [channel, id] = this.#address(channelId, messageId);
    return channel?.messages.get(id) ?? null;
  }

  /**
   * Changes content and/or embeds and sets `editedTimestamp` from the clock.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param edit - the new content and/or embeds.
   * @returns the edited record.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`; `GK_STORAGE_INVALID_ARGUMENT` (also when
   * the edit would leave the message without content and embeds); `GK_STORAGE_CLOSED`.
   */
  async edit(channelId: string, messageId: string, edit: MessageEdit): Promise<MessageRecord> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const change = checkEdit(edit);
    const { channel, current } = existing(found, channelId, id);
    const content = change.content ?? current.content;
    const embeds = change.embeds ?? current.embeds;
    checkNotEmpty(content, embeds, 'edit');
    const editedTimestamp = new Date(this.#clock.now()).toISOString();
    const record = freezeRecord({ ...current, content, embeds, editedTimestamp });
    channel.messages.set(id, record);
    return record;
  }

  /**
   * Deletes a message with its reactions and pin.
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether it existed.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async delete(channelId: string, messageId: string): Promise<boolean> {
    this.#ensureOpen();
    const [channel, id] = this.#address(channelId, messageId);
    return channel !== undefined && this.#remove(channelId, channel, id);
  }

  /**
   * Deletes 2..100 distinct messages of a channel, after validating every id.
   *
   * @param channelId - the channel.
   * @param messageIds - the messages; missing ones are ignored.
   * @returns how many existed and were deleted.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` (count, duplicates, an id older than 14
   * days by the clock; then nothing is deleted), `GK_STORAGE_CLOSED`.
   */
  async bulkDelete(channelId: string, messageIds: readonly string[]): Promise<number> {
    this.#ensureOpen();
    checkSnowflake(channelId, 'channelId');
    const ids = checkBulkDelete(messageIds, this.#clock.now());
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return 0;
    let deleted = 0;
    for (const id of ids) if (this.#remove(channelId, channel, id)) deleted += 1;
    return deleted;
  }

  /**
   * @param channelId - the channel.
   * @param query - the page (Discord's "Get Channel Messages" semantics).
   * @returns one page of history, in the query's order.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async list(channelId: string, query?: ListQuery): Promise<MessageRecord[]> {
    this.#ensureOpen();
    checkSnowflake(channelId, 'channelId');
    const page = checkListQuery(query);
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return [];
    return selectPage(channel.ids, page).map((id) => channel.messages.get(id.toString())!);
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
   * `GK_STORAGE_CLOSED`.
   */
  async addReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const user = BigInt(checkSnowflake(userId, 'userId'));
    const { channel } = existing(found, channelId, id);
    const reactions = channel.reactions;
    let byEmoji = reactions.get(id);
    if (byEmoji === undefined) {
      byEmoji = new Map();
      reactions.set(id, byEmoji);
    }
    let users = byEmoji.get(checkedEmoji);
    if (users === undefined) {
      users = [];
      byEmoji.set(checkedEmoji, users);
    }
    return insertSorted(users, user);
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
   * `GK_STORAGE_CLOSED`.
   */
  async removeReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const user = BigInt(checkSnowflake(userId, 'userId'));
    const { channel } = existing(found, channelId, id);
    const byEmoji = channel.reactions.get(id);
    const users = byEmoji?.get(checkedEmoji);
    if (byEmoji === undefined || users === undefined || !removeSorted(users, user)) return false;
    if (users.length === 0) byEmoji.delete(checkedEmoji);
    if (byEmoji.size === 0) channel.reactions.delete(id);
    return true;
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns each emoji's count, in the order each emoji was first added.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_CLOSED`.
   */
  async reactionCounts(channelId: string, messageId: string): Promise<ReactionCount[]> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const { channel } = existing(found, channelId, id);
    const byEmoji = channel.reactions.get(id);
    if (byEmoji === undefined) return [];
    return [...byEmoji].map(([emoji, users]) => Object.freeze({ emoji, count: users.length }));
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @param emoji - the emoji.
   * @param query - the page: users after `after`, ascending, `limit` 1..100 (default 25).
   * @returns user ids, ascending.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_CLOSED`.
   */
  async listReactors(
    channelId: string,
    messageId: string,
    emoji: string,
    query?: ReactorQuery,
  ): Promise<string[]> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const checkedEmoji = checkEmoji(emoji);
    const page = checkReactorQuery(query);
    const { channel } = existing(found, channelId, id);
    const users = channel.reactions.get(id)?.get(checkedEmoji) ?? [];
    const start = page.after === null ? 0 : firstIndexAbove(users, page.after);
    return users.slice(start, start + page.limit).map(String);
  }

  /**
   * Pins a message (idempotent).
   *
   * @param channelId - the channel.
   * @param messageId - the message.
   * @throws StorageError `GK_STORAGE_LIMIT_REACHED` past {@link MESSAGE_LIMITS.pins} pins;
   * `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async pin(channelId: string, messageId: string): Promise<void> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const { channel, current } = existing(found, channelId, id);
    if (current.pinned) return;
    const pins = channel.pins;
    if (pins.size >= MESSAGE_LIMITS.pins) {
      throw new StorageError(
        StorageErrorCode.LimitReached,
        `channel ${channelId} already has ${MESSAGE_LIMITS.pins} pinned messages`,
      );
    }
    pins.add(id);
    channel.messages.set(id, Object.freeze({ ...current, pinned: true }));
  }

  /**
   * @param channelId - the channel.
   * @param messageId - the message.
   * @returns whether the message was pinned.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MESSAGE`, `GK_STORAGE_INVALID_ARGUMENT`,
   * `GK_STORAGE_CLOSED`.
   */
  async unpin(channelId: string, messageId: string): Promise<boolean> {
    this.#ensureOpen();
    const [found, id] = this.#address(channelId, messageId);
    const { channel, current } = existing(found, channelId, id);
    if (!current.pinned) return false;
    channel.pins.delete(id);
    channel.messages.set(id, Object.freeze({ ...current, pinned: false }));
    return true;
  }

  /**
   * @param channelId - the channel.
   * @returns the pinned messages, newest message first.
   * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT`, `GK_STORAGE_CLOSED`.
   */
  async listPins(channelId: string): Promise<MessageRecord[]> {
    this.#ensureOpen();
    checkSnowflake(channelId, 'channelId');
    const channel = this.#channels.get(channelId);
    if (channel === undefined) return [];
    return [...channel.pins]
      .map((id) => BigInt(id))
      .sort((a, b) => (a < b ? 1 : -1))
      .map((id) => channel.messages.get(id.toString())!);
  }

  /** Drops every message; later calls reject with `GK_STORAGE_CLOSED`. Closing twice is harmless. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
  }

  /** Checks both ids; returns the channel (when it holds anything) and the message id. */
  #address(channelId: string, messageId: string): [Channel | undefined, string] {
    checkSnowflake(channelId, 'channelId');
    const id = checkSnowflake(messageId, 'messageId');
    return [this.#channels.get(channelId), id];
  }

  /** @returns the channel, created empty when it holds nothing yet. */
  #channelFor(channelId: string): Channel {
    let channel = this.#channels.get(channelId);
    if (channel === undefined) {
      channel = { ids: [], messages: new Map(), reactions: new Map(), pins: new Set() };
      this.#channels.set(channelId, channel);
    }
    return channel;
  }

  #remove(channelId: string, channel: Channel, id: string): boolean {
    if (!channel.messages.delete(id)) return false;
    removeSorted(channel.ids, BigInt(id));
    channel.reactions.delete(id);
    channel.pins.delete(id);
    if (channel.ids.length === 0) this.#channels.delete(channelId);
    return true;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, 'the store is closed');
  }
}

/** @returns the stored message; throws `GK_STORAGE_UNKNOWN_MESSAGE`. */
function existing(
  channel: Channel | undefined,
  channelId: string,
  id: string,
): { readonly channel: Channel; readonly current: MessageRecord } {
  const current = channel?.messages.get(id);
  if (channel === undefined || current === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownMessage,
      `message ${id} does not exist in channel ${channelId}`,
    );
  }
  return { channel, current };
}

/** A record with its own deep-frozen copy of the embeds, fields in one fixed order. */
function freezeRecord(record: MessageRecord): MessageRecord {
  return Object.freeze({
    id: record.id,
    channelId: record.channelId,
    authorId: record.authorId,
    content: record.content,
    embeds: Object.freeze(record.embeds.map((embed) => deepFreeze(cloneEmbed(embed)))),
    editedTimestamp: record.editedTimestamp,
    pinned: record.pinned,
  });
}

function cloneEmbed(embed: APIEmbed): APIEmbed {
  try {
    return structuredClone(embed);
  } catch (cause) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      'embeds: an embed holds a value that cannot be stored (a function or symbol)',
      { cause },
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Inserts `id` at its place; returns `false` when it is already there. */
function insertSorted(ids: bigint[], id: bigint): boolean {
  const at = firstIndexAbove(ids, id);
  if (at > 0 && ids[at - 1] === id) return false;
  if (at === ids.length) ids.push(id);
  else ids.splice(at, 0, id);
  return true;
}

/** Removes `id`; returns `false` when it is not there. */
function removeSorted(ids: bigint[], id: bigint): boolean {
  const at = firstIndexAbove(ids, id) - 1;
  if (at < 0 || ids[at] !== id) return false;
  ids.splice(at, 1);
  return true;
}
