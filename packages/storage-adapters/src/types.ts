import type { APIEmbed } from 'discord-api-types/v10';

/**
 * A stored message. Ids are Snowflakes as canonical decimal strings (Discord's wire form);
 * `timestamp` is not stored: it is the Snowflake's own (see `timestampOf` in
 * `@guildkit/snowflake`).
 */
export interface MessageRecord {
  /** The message id (a Snowflake: its timestamp orders the channel's history). */
  readonly id: string;
  /** The channel the message belongs to. */
  readonly channelId: string;
  /** The author's user id. */
  readonly authorId: string;
  /** The text, up to {@link MESSAGE_LIMITS.contentLength} characters (Unicode code points); may be empty when embeds carry the message. */
  readonly content: string;
  /** Discord embed objects, at most {@link MESSAGE_LIMITS.embeds}. */
  readonly embeds: readonly APIEmbed[];
  /** When the message was last edited (ISO 8601, ms precision), or `null`. */
  readonly editedTimestamp: string | null;
  /** Whether the message is pinned in its channel. */
  readonly pinned: boolean;
}

/** What {@link MessageStore.create} takes: the immutable parts of a message. */
export interface NewMessage {
  /** A fresh Snowflake (e.g. from `SnowflakeGenerator`); it decides the message's place in history. */
  readonly id: string;
  readonly channelId: string;
  readonly authorId: string;
  /** @defaultValue `''` (then `embeds` must not be empty) */
  readonly content?: string;
  /** @defaultValue `[]` */
  readonly embeds?: readonly APIEmbed[];
}

/** What {@link MessageStore.edit} may change; at least one field. */
export interface MessageEdit {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
}

/**
 * A page request for {@link MessageStore.list}, with Discord's "Get Channel Messages"
 * semantics: at most one of `before`, `after`, `around`; `limit` 1..100, default 50.
 *
 * - none: the newest `limit` messages, newest first.
 * - `before`: messages with smaller ids than `before`, newest first.
 * - `after`: messages with larger ids than `after`, oldest first.
 * - `around`: the message `around` (when it exists) and its neighbours, newest first: up to
 *   `floor(limit / 2)` newer ones, and older ones (the message itself included) up to
 *   `limit - floor(limit / 2)`; when one side runs out, the page is shorter (not refilled
 *   from the other side).
 *
 * The anchor ids need not be ids of existing messages, and may be `'0'` (Discord clients read
 * a channel from its very beginning with `after=0`).
 */
export interface ListQuery {
  readonly before?: string;
  readonly after?: string;
  readonly around?: string;
  /** @defaultValue 50 */
  readonly limit?: number;
}

/** A reaction's total on one message. */
export interface ReactionCount {
  /** A Unicode emoji (e.g. `"🔥"`) or a custom emoji as `name:id` (e.g. `"blobwave:396521773"`). */
  readonly emoji: string;
  readonly count: number;
}

/** A page request for {@link MessageStore.listReactors}: users after `after`, ascending by id. */
export interface ReactorQuery {
  /** Only users with larger ids than this (`'0'`: from the first). */
  readonly after?: string;
  /** 1..100. @defaultValue 25 */
  readonly limit?: number;
}

/**
 * The message store every adapter implements. Every method validates its arguments and rejects
 * with a {@link StorageError} (never a driver error): `GK_STORAGE_INVALID_ARGUMENT` for bad
 * input, `GK_STORAGE_UNKNOWN_MESSAGE` when a message that must exist does not,
 * `GK_STORAGE_UNAVAILABLE` ({@link StorageUnavailableError}) when the backend cannot be reached
 * after the adapter's retries, `GK_STORAGE_CLOSED` after {@link MessageStore.close}.
 *
 * Messages are addressed by (channel id, message id): the channel is the partition key of
 * every serious backend, so no method looks a message up by id alone. The methods that act on
 * one message — `edit`, `addReaction`, `removeReaction`, `reactionCounts`, `listReactors`,
 * `pin`, `unpin` — reject with `GK_STORAGE_UNKNOWN_MESSAGE` when it does not exist in that
 * channel (Discord's 404 Unknown Message); `get` answers `null` and `delete` `false` instead.
 */
export interface MessageStore {
  /**
   * Stores a new message (not edited, not pinned).
   *
   * @returns the stored record.
   */
  create(message: NewMessage): Promise<MessageRecord>;
  /**
   * Writes a complete record exactly as given — `editedTimestamp` and `pinned` included (the pin
   * is added or removed; the channel's pin limit is not checked, the source already enforced
   * it) — creating or replacing the message. Reactions are untouched. For migrations, restores
   * and repairs; applications use `create` and `edit`. Validated like `create`, plus
   * `editedTimestamp` (`null` or an ISO 8601 string) and `pinned` (boolean).
   */
  put(record: MessageRecord): Promise<void>;
  /** @returns the message, or `null` when it does not exist (or was deleted). */
  get(channelId: string, messageId: string): Promise<MessageRecord | null>;
  /**
   * Changes content and/or embeds and sets `editedTimestamp` to the store's clock.
   *
   * @returns the edited record.
   */
  edit(channelId: string, messageId: string, edit: MessageEdit): Promise<MessageRecord>;
  /**
   * Deletes a message with its reactions and pin.
   *
   * @returns whether it existed.
   */
  delete(channelId: string, messageId: string): Promise<boolean>;
  /**
   * Deletes 2..100 distinct messages of one channel, as Discord's bulk delete: ids older than
   * 14 days (by Snowflake timestamp, against the store's clock; exactly 14 days is still
   * accepted) are refused with `GK_STORAGE_INVALID_ARGUMENT` before anything is deleted; ids of
   * missing messages are ignored.
   *
   * @returns how many messages existed and were deleted.
   */
  bulkDelete(channelId: string, messageIds: readonly string[]): Promise<number>;
  /** @returns one page of the channel's history; see {@link ListQuery}. */
  list(channelId: string, query?: ListQuery): Promise<MessageRecord[]>;
  /**
   * Adds `userId`'s reaction `emoji`.
   *
   * @returns `false` when the user had already reacted with it.
   */
  addReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean>;
  /** @returns whether the reaction existed. */
  removeReaction(
    channelId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean>;
  /** @returns each emoji's count on the message, in the order each emoji was first added. */
  reactionCounts(channelId: string, messageId: string): Promise<ReactionCount[]>;
  /** @returns user ids that reacted with `emoji`, ascending; see {@link ReactorQuery}. */
  listReactors(
    channelId: string,
    messageId: string,
    emoji: string,
    query?: ReactorQuery,
  ): Promise<string[]>;
  /**
   * Pins a message (idempotent). A channel holds at most {@link MESSAGE_LIMITS.pins} pins;
   * one more is refused with `GK_STORAGE_LIMIT_REACHED`.
   */
  pin(channelId: string, messageId: string): Promise<void>;
  /** @returns whether the message was pinned. */
  unpin(channelId: string, messageId: string): Promise<boolean>;
  /** @returns the channel's pinned messages, newest message first. */
  listPins(channelId: string): Promise<MessageRecord[]>;
  /** Releases connections and handles; later calls reject with `GK_STORAGE_CLOSED`. */
  close(): Promise<void>;
}

/** Discord's limits, which every adapter enforces. */
export const MESSAGE_LIMITS = {
  /** Characters of `content`. */
  contentLength: 2000,
  /** Embeds per message. */
  embeds: 10,
  /** Pins per channel. */
  pins: 50,
  /** Messages per bulk delete. */
  bulkDeleteMax: 100,
  /** Messages per bulk delete, at least. */
  bulkDeleteMin: 2,
  /** How old (ms) a message may be and still be bulk deleted. */
  bulkDeleteMaxAgeMs: 14 * 24 * 60 * 60 * 1000,
  /** Page size bounds of `list` and `listReactors`. */
  pageMax: 100,
  /** Default page size of `list`. */
  listDefault: 50,
  /** Default page size of `listReactors`. */
  reactorsDefault: 25,
} as const;
