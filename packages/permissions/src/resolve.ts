import { SYSTEM_CLOCK } from './clock.js';
import { indexGuild, overwriteSource } from './internal/guild-index.js';
import { applyTimeout, untimedBase, untimedChannel } from './internal/resolve-core.js';
import type { PermissionChannel, PermissionGuild, PermissionMember } from './shapes.js';

/** Options for {@link computeBasePermissions}. */
export interface BasePermissionsOptions {
  /**
   * The current time in epoch milliseconds, compared with the member's
   * `communicationDisabledUntil`. Read from the real clock only when the member has a timeout.
   * @defaultValue `Date.now()` (via {@link SYSTEM_CLOCK})
   */
  readonly now?: number;
}

/** Options for {@link computeChannelPermissions}. */
export interface ChannelPermissionsOptions extends BasePermissionsOptions {
  /**
   * The parent channel of a thread: threads are computed on their parent's overwrites.
   * Required for thread channels (types 10, 11, 12), ignored for the others.
   */
  readonly parent?: PermissionChannel;
}

function clockOf(options: BasePermissionsOptions): () => number {
  const { now } = options;
  return now === undefined ? () => SYSTEM_CLOCK.now() : () => now;
}

/**
 * A member's guild-level permissions, in Discord's documented order: the owner holds
 * {@link ALL_PERMISSIONS}; otherwise `@everyone | every member role`, and ALL when that
 * includes ADMINISTRATOR. A timed-out member (not owner, not administrator) keeps only
 * VIEW_CHANNEL and READ_MESSAGE_HISTORY.
 *
 * Member role ids that are not roles of the guild are ignored.
 *
 * @param guild - the guild with all its roles, `@everyone` included.
 * @param member - the member.
 * @param options - the current time.
 * @returns the member's guild-level permission set.
 * @throws PermissionsError `GK_PERMISSIONS_MISSING_EVERYONE_ROLE` when no role has the
 * guild's id; `GK_PERMISSIONS_DUPLICATE_ROLE` when two roles share an id.
 * @example
 * ```ts
 * const perms = computeBasePermissions(guild, { userId: '42', roleIds: ['7'] });
 * hasPermission(perms, PermissionFlags.KICK_MEMBERS);
 * ```
 */
export function computeBasePermissions(
  guild: PermissionGuild,
  member: PermissionMember,
  options: BasePermissionsOptions = {},
): bigint {
  return applyTimeout(untimedBase(indexGuild(guild), member), member, clockOf(options));
}

/**
 * A member's permissions in one channel, in Discord's documented order: base permissions
 * (owner and ADMINISTRATOR -> ALL), then the `@everyone` overwrite (deny, then allow), then
 * every overwrite of the member's roles combined (deny union, then allow union), then the
 * member's own overwrite. Then the implicit rules, in this order:
 * 1. no VIEW_CHANNEL -> `0n`;
 * 2. a text-carrying channel (types 0, 2, 5, 13, 15, 16) without SEND_MESSAGES loses
 *    MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES and EMBED_LINKS; a thread (10, 11, 12)
 *    is computed on its parent's overwrites and loses them without SEND_MESSAGES_IN_THREADS;
 * 3. a voice or stage channel (2, 13) without CONNECT loses MANAGE_CHANNELS and the
 *    permissions that only matter once connected;
 * 4. a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY, unless owner or
 *    administrator.
 *
 * @param guild - the guild with all its roles, `@everyone` included.
 * @param member - the member.
 * @param channel - a channel of `guild`.
 * @param options - the current time, and the parent channel when `channel` is a thread.
 * @returns the member's permission set in `channel`.
 * @throws PermissionsError `GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH` when the channel (or the
 * thread's parent) belongs to another guild; `GK_PERMISSIONS_MISSING_PARENT` when a thread
 * comes without its parent; `GK_PERMISSIONS_DUPLICATE_OVERWRITE` when the governing channel
 * has two overwrites with one type and id; `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`;
 * `GK_PERMISSIONS_DUPLICATE_ROLE`.
 * @example
 * ```ts
 * const perms = computeChannelPermissions(guild, member, thread, { parent: textChannel });
 * if (!hasPermission(perms, PermissionFlags.SEND_MESSAGES_IN_THREADS)) refuse();
 * ```
 */
export function computeChannelPermissions(
  guild: PermissionGuild,
  member: PermissionMember,
  channel: PermissionChannel,
  options: ChannelPermissionsOptions = {},
): bigint {
  const source = overwriteSource(guild.id, channel, options.parent);
  const untimed = untimedChannel(indexGuild(guild), member, source.overwrites, source.kind);
  return applyTimeout(untimed, member, clockOf(options));
}
