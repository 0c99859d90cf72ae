/**
 * Every code a `@guildkit/storage-adapters` API rejects with. Codes are stable: messages may
 * change between releases, codes may not.
 */
export const StorageErrorCode = {
  /** An argument is malformed or out of range (ids, limits, content length, query shape). */
  InvalidArgument: 'GK_STORAGE_INVALID_ARGUMENT',
  /** The message does not exist (or was deleted) where the operation needs it. */
  UnknownMessage: 'GK_STORAGE_UNKNOWN_MESSAGE',
  /** A guild store operation names a guild that does not exist. */
  UnknownGuild: 'GK_STORAGE_UNKNOWN_GUILD',
  /** A guild store operation names a channel that does not exist in the guild. */
  UnknownChannel: 'GK_STORAGE_UNKNOWN_CHANNEL',
  /** A guild store operation names a role that does not exist in the guild. */
  UnknownRole: 'GK_STORAGE_UNKNOWN_ROLE',
  /** A guild store operation names a user who is not a member of the guild. */
  UnknownMember: 'GK_STORAGE_UNKNOWN_MEMBER',
  /** An entity with that id (guild, channel, role, member) already exists. */
  AlreadyExists: 'GK_STORAGE_ALREADY_EXISTS',
  /** `create` was given an id that is already stored (adapters that can tell; see the adapter docs). */
  DuplicateMessage: 'GK_STORAGE_DUPLICATE_MESSAGE',
  /** A Discord limit was reached, e.g. the channel's pins. */
  LimitReached: 'GK_STORAGE_LIMIT_REACHED',
  /** The backend could not be reached or answered with an error after the adapter's retries. */
  Unavailable: 'GK_STORAGE_UNAVAILABLE',
  /** The store was closed. */
  Closed: 'GK_STORAGE_CLOSED',
} as const;

/** One of the {@link StorageErrorCode} values. */
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/**
 * The error every store rejects with; branch on `code`, not on the message.
 *
 * @example
 * ```ts
 * try {
 *   await store.edit(channelId, messageId, { content: 'fixed' });
 * } catch (error) {
 *   if (error instanceof StorageError && error.code === StorageErrorCode.UnknownMessage) {
 *     // answer 404 Unknown Message
 *   }
 * }
 * ```
 */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';

  /**
   * @param code - the stable code.
   * @param message - a human description.
   * @param options - standard error options (`cause`: the driver's error, when there is one).
   */
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The backend stayed unreachable (or kept failing) through the adapter's bounded retries. The
 * operation may or may not have taken effect; the store itself recovers once the backend does.
 */
export class StorageUnavailableError extends StorageError {
  override readonly name = 'StorageUnavailableError';

  /**
   * @param message - what failed, and after how many attempts.
   * @param options - `cause`: the last driver error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(StorageErrorCode.Unavailable, message, options);
  }
}
