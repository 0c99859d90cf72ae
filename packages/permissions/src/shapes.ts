/**
 * The two kinds of channel permission overwrite, as Discord numbers them on the wire.
 *
 * @see https://discord.com/developers/docs/resources/channel#overwrite-object
 * @example
 * ```ts
 * const muteRole = { id: roleId, type: OverwriteType.Role, allow: 0n, deny: PermissionFlags.SEND_MESSAGES };
 * ```
 */
export const OverwriteType = Object.freeze({ Role: 0, Member: 1 } as const);

/** `0` (role overwrite) or `1` (member overwrite). */
export type OverwriteType = (typeof OverwriteType)[keyof typeof OverwriteType];

/** A guild role as permission resolution needs it. */
export interface PermissionRole {
  /** The role's snowflake id; the `@everyone` role's id equals the guild's id. */
  readonly id: string;
  /** The role's guild-level permission set. */
  readonly permissions: bigint;
  /** The role's position; the greatest position is the highest role, `@everyone` is 0. */
  readonly position: number;
}

/** A guild as permission resolution needs it. */
export interface PermissionGuild {
  /** The guild's snowflake id. */
  readonly id: string;
  /** The user id of the guild's owner, who holds every permission everywhere. */
  readonly ownerId: string;
  /** Every role of the guild, including `@everyone` (`id === guild.id`). */
  readonly roles: readonly PermissionRole[];
}

/** A guild member as permission resolution needs it. */
export interface PermissionMember {
  /** The member's user id. */
  readonly userId: string;
  /**
   * The ids of the member's roles, as Discord sends them (without `@everyone`, which every
   * member holds implicitly). Ids that are not roles of the guild, and the guild's own id,
   * are ignored.
   */
  readonly roleIds: readonly string[];
  /** Epoch milliseconds until which the member is timed out; `null` or absent when not. */
  readonly communicationDisabledUntil?: number | null;
}

/** One channel permission overwrite. */
export interface PermissionOverwrite {
  /** A role id (for `type` 0; the guild id means `@everyone`) or a user id (for `type` 1). */
  readonly id: string;
  /** Whether `id` names a role or a member. */
  readonly type: OverwriteType;
  /** Bits this overwrite grants. */
  readonly allow: bigint;
  /** Bits this overwrite removes. */
  readonly deny: bigint;
}

/** A guild channel (or thread) as permission resolution needs it. */
export interface PermissionChannel {
  /** The channel's snowflake id. */
  readonly id: string;
  /** The id of the guild the channel belongs to. */
  readonly guildId: string;
  /** Discord's channel type number (`ChannelType` in discord-api-types), e.g. 0 for GUILD_TEXT. */
  readonly type: number;
  /** For a thread, the channel it was created in; for other channels, their category. */
  readonly parentId?: string | null;
  /** The channel's overwrites (a thread's own are ignored: threads use their parent's). */
  readonly permissionOverwrites: readonly PermissionOverwrite[];
}
