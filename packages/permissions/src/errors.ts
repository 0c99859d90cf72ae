/**
 * Stable codes for every error `@guildkit/permissions` throws. Messages may change between
 * releases; a code never does.
 *
 * @example
 * ```ts
 * try {
 *   parsePermissions('abc');
 * } catch (error) {
 *   if (error instanceof PermissionsError && error.code === PermissionsErrorCode.InvalidBitfield) {
 *     // reject the payload
 *   }
 * }
 * ```
 */
export const PermissionsErrorCode = {
  /** A permission value is not a decimal string (or bigint) in `0 ..= 2^64 - 1`. */
  InvalidBitfield: 'GK_PERMISSIONS_INVALID_BITFIELD',
  /** A permission argument that must name at least one documented flag names none or an undocumented bit. */
  InvalidFlag: 'GK_PERMISSIONS_INVALID_FLAG',
  /** The guild has no role whose id equals the guild id (the `@everyone` role). */
  MissingEveryoneRole: 'GK_PERMISSIONS_MISSING_EVERYONE_ROLE',
  /** Two roles of one guild share an id. */
  DuplicateRole: 'GK_PERMISSIONS_DUPLICATE_ROLE',
  /** A channel carries two overwrites with the same type and id. */
  DuplicateOverwrite: 'GK_PERMISSIONS_DUPLICATE_OVERWRITE',
  /** A channel (or a thread's parent) belongs to another guild. */
  ChannelGuildMismatch: 'GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH',
  /** A thread was resolved without its parent channel, or with a channel that is not its parent. */
  MissingParent: 'GK_PERMISSIONS_MISSING_PARENT',
  /** A role id is not a role of the guild. */
  UnknownRole: 'GK_PERMISSIONS_UNKNOWN_ROLE',
  /** A user id is not a member known to the cache. */
  UnknownMember: 'GK_PERMISSIONS_UNKNOWN_MEMBER',
  /** A channel id is not a channel known to the cache. */
  UnknownChannel: 'GK_PERMISSIONS_UNKNOWN_CHANNEL',
  /** A compiled channel was used with a compiled guild other than the one that compiled it. */
  ForeignCompiledChannel: 'GK_PERMISSIONS_FOREIGN_COMPILED_CHANNEL',
} as const;

/** One of the {@link PermissionsErrorCode} values. */
export type PermissionsErrorCode = (typeof PermissionsErrorCode)[keyof typeof PermissionsErrorCode];

/**
 * The one error class of `@guildkit/permissions`; branch on {@link PermissionsError.code}.
 *
 * @example
 * ```ts
 * throw new PermissionsError(PermissionsErrorCode.UnknownRole, 'role 42 is not in guild 1');
 * ```
 */
export class PermissionsError extends Error {
  override readonly name = 'PermissionsError';

  /**
   * @param code - the stable code.
   * @param message - a human-readable explanation.
   * @param options - the standard `cause`.
   */
  constructor(
    readonly code: PermissionsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
