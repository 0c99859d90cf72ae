import { EventEmitter } from 'eventemitter3';
import { type Clock, SYSTEM_CLOCK } from './clock.js';
import { PermissionsError, PermissionsErrorCode } from './errors.js';
import type { PermissionCacheEvents } from './events.js';
import {
  checkOverwrites,
  everyoneRole,
  type GuildIndex,
  indexRoles,
  overwriteSource,
} from './internal/guild-index.js';
import {
  channelChangeRule,
  type DropRule,
  isThread,
  sameEffectiveRoles,
} from './internal/invalidation.js';
import { applyTimeout, type Untimed, untimedChannel } from './internal/resolve-core.js';
import type { BasePermissionsOptions } from './resolve.js';
import type {
  PermissionChannel,
  PermissionGuild,
  PermissionMember,
  PermissionOverwrite,
  PermissionRole,
} from './shapes.js';

/** The state a {@link PermissionCache} starts from. */
export interface PermissionCacheInit {
  /** The guild with all its roles, `@everyone` included. */
  readonly guild: PermissionGuild;
  /** The guild's members. @defaultValue `[]` */
  readonly members?: readonly PermissionMember[];
  /** The guild's channels and threads. @defaultValue `[]` */
  readonly channels?: readonly PermissionChannel[];
}

/** Options for {@link PermissionCache}. */
export interface PermissionCacheOptions {
  /**
   * The clock timeouts are compared with when a query passes no `now`.
   * @defaultValue {@link SYSTEM_CLOCK}
   */
  readonly clock?: Clock;
}

function unknown(code: PermissionsErrorCode, what: string, id: string): PermissionsError {
  return new PermissionsError(code, `${what} ${id} is not known to this PermissionCache`);
}

/**
 * One guild's permission state with a cache of resolved (member, channel) permissions. The
 * cache owns the state: change it only through the mutation methods, each of which updates
 * the state, drops exactly the cached answers whose inputs changed, then emits its event.
 * Answers are stored before the timeout rule, which is applied on every read, so a timeout
 * expiring never leaves a stale answer.
 *
 * Role ids a member holds that are not (or no longer) roles of the guild are ignored.
 *
 * @example
 * ```ts
 * const cache = new PermissionCache({ guild, members, channels });
 * cache.permissionsFor(userId, channelId);
 * cache.setMemberRoles(userId, [...roleIds, mutedRoleId]); // drops that member's answers only
 * ```
 */
export class PermissionCache extends EventEmitter<PermissionCacheEvents> {
  readonly #guildId: string;
  #ownerId: string;
  readonly #roles: Map<string, PermissionRole>;
  readonly #members = new Map<string, PermissionMember>();
  readonly #channels = new Map<string, PermissionChannel>();
  /** channel id -> user id -> answer before the timeout rule. */
  readonly #entries = new Map<string, Map<string, Untimed>>();
  readonly #clock: Clock;

  /**
   * @param init - the guild, its members and channels.
   * @param options - the clock.
   * @throws PermissionsError `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`,
   * `GK_PERMISSIONS_DUPLICATE_ROLE`, and what {@link PermissionCache.setChannel} throws.
   */
  constructor(init: PermissionCacheInit, options: PermissionCacheOptions = {}) {
    super();
    this.#guildId = init.guild.id;
    this.#ownerId = init.guild.ownerId;
    this.#roles = indexRoles(init.guild);
    everyoneRole(this.#guildId, this.#roles);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    for (const member of init.members ?? []) this.#members.set(member.userId, member);
    for (const channel of init.channels ?? []) {
      this.#checkChannel(channel);
      this.#channels.set(channel.id, channel);
    }
  }

  /** The id of the guild this cache holds. */
  get guildId(): string {
    return this.#guildId;
  }

  /**
   * A member's permissions in a channel (see {@link computeChannelPermissions}), from the
   * cache when present.
   *
   * @param userId - a member known to the cache.
   * @param channelId - a channel known to the cache (a thread's parent must be known too).
   * @param options - the current time. @defaultValue the cache's clock
   * @returns the member's permission set in the channel.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_MEMBER`, `GK_PERMISSIONS_UNKNOWN_CHANNEL`,
   * `GK_PERMISSIONS_MISSING_PARENT` (a thread whose parent is not in the cache).
   * @example
   * ```ts
   * hasPermission(cache.permissionsFor(userId, channelId), PermissionFlags.SEND_MESSAGES);
   * ```
   */
  permissionsFor(userId: string, channelId: string, options: BasePermissionsOptions = {}): bigint {
    const member = this.#member(userId);
    const channel = this.#channel(channelId);
    let perChannel = this.#entries.get(channelId);
    let entry = perChannel?.get(userId);
    if (entry === undefined) {
      const parent =
        isThread(channel) && channel.parentId != null
          ? this.#channels.get(channel.parentId)
          : undefined;
      const source = overwriteSource(this.#guildId, channel, parent);
      entry = untimedChannel(this.#index(), member, source.overwrites, source.kind);
      if (perChannel === undefined) {
        perChannel = new Map();
        this.#entries.set(channelId, perChannel);
      }
      perChannel.set(userId, entry);
    }
    const { now } = options;
    return applyTimeout(entry, member, now === undefined ? () => this.#clock.now() : () => now);
  }

  /**
   * Creates or replaces a role. A change of position alone drops nothing (positions do not
   * enter permission resolution); a new role or new permissions drop its holders' answers
   * (everyone's, for `@everyone`).
   *
   * @param role - the role's new state.
   * @throws never.
   * @example
   * ```ts
   * cache.updateRole({ id: modRoleId, permissions: PermissionFlags.KICK_MEMBERS, position: 3 });
   * ```
   */
  updateRole(role: PermissionRole): void {
    const previous = this.#roles.get(role.id);
    this.#roles.set(role.id, role);
    if (previous === undefined || previous.permissions !== role.permissions) {
      this.#dropHolders(role.id);
    }
    this.#emit('roleUpdate', role, previous);
  }

  /**
   * Removes a role and drops its holders' answers. Members keep the id in `roleIds`; it is
   * ignored from now on.
   *
   * @param roleId - a role of the guild other than `@everyone`.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_ROLE` when the role is not known;
   * `GK_PERMISSIONS_MISSING_EVERYONE_ROLE` when `roleId` is the `@everyone` role.
   * @example
   * ```ts
   * cache.removeRole(oldRoleId);
   * ```
   */
  removeRole(roleId: string): void {
    const role = this.#roles.get(roleId);
    if (role === undefined) throw unknown(PermissionsErrorCode.UnknownRole, 'role', roleId);
    if (roleId === this.#guildId) {
      throw new PermissionsError(
        PermissionsErrorCode.MissingEveryoneRole,
        `the @everyone role of guild ${roleId} cannot be removed`,
      );
    }
    this.#dropHolders(roleId);
    this.#roles.delete(roleId);
    this.#emit('roleRemove', role);
  }

  /**
   * Adds or replaces a member. A change of the member's effective roles drops that member's
   * answers; a change of timeout alone drops nothing (timeouts are applied on read).
   *
   * @param member - the member's new state.
   * @throws never.
   * @example
   * ```ts
   * cache.setMember({ userId, roleIds: [], communicationDisabledUntil: null });
   * ```
   */
  setMember(member: PermissionMember): void {
    const previous = this.#members.get(member.userId);
    this.#members.set(member.userId, member);
    if (previous !== undefined && !sameEffectiveRoles(this.#index(), previous, member)) {
      this.#finish(this.#dropWhere((_, userId) => userId === member.userId));
    }
    this.#emit('memberUpdate', member, previous);
  }

  /**
   * Replaces a member's role ids (see {@link PermissionCache.setMember}).
   *
   * @param userId - a member known to the cache.
   * @param roleIds - the member's role ids.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_MEMBER`.
   * @example
   * ```ts
   * cache.setMemberRoles(userId, [mutedRoleId]);
   * ```
   */
  setMemberRoles(userId: string, roleIds: readonly string[]): void {
    this.setMember({ ...this.#member(userId), roleIds });
  }

  /**
   * Sets or clears a member's timeout; drops nothing (timeouts are applied on read).
   *
   * @param userId - a member known to the cache.
   * @param until - epoch milliseconds the timeout ends at, or `null` to clear it.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_MEMBER`.
   * @example
   * ```ts
   * cache.setMemberTimeout(userId, now + 60_000);
   * ```
   */
  setMemberTimeout(userId: string, until: number | null): void {
    this.setMember({ ...this.#member(userId), communicationDisabledUntil: until });
  }

  /**
   * Removes a member and drops its answers.
   *
   * @param userId - a member known to the cache.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_MEMBER`.
   * @example
   * ```ts
   * cache.removeMember(userId);
   * ```
   */
  removeMember(userId: string): void {
    const member = this.#member(userId);
    this.#members.delete(userId);
    this.#finish(this.#dropWhere((_, id) => id === userId));
    this.#emit('memberRemove', member);
  }

  /**
   * Adds or replaces a channel. Drops the channel's answers when its kind changes (text,
   * voice, thread, other) or, for a thread, its parent changes; for an overwrite change,
   * drops the answers of exactly the members each changed overwrite concerns, in the channel
   * and in its threads.
   *
   * @param channel - the channel's new state.
   * @throws PermissionsError `GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH`,
   * `GK_PERMISSIONS_DUPLICATE_OVERWRITE`.
   * @example
   * ```ts
   * cache.setChannel({ id, guildId, type: 0, permissionOverwrites: [] });
   * ```
   */
  setChannel(channel: PermissionChannel): void {
    this.#checkChannel(channel);
    const previous = this.#channels.get(channel.id);
    this.#channels.set(channel.id, channel);
    if (previous !== undefined) {
      const rule = channelChangeRule(
        this.#index(),
        previous,
        channel,
        this.#channels,
        this.#members,
      );
      this.#finish(this.#dropWhere(rule));
    }
    this.#emit('channelUpdate', channel, previous);
  }

  /**
   * Replaces a channel's overwrites (see {@link PermissionCache.setChannel}).
   *
   * @param channelId - a channel known to the cache.
   * @param overwrites - the new overwrites.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_CHANNEL`, `GK_PERMISSIONS_DUPLICATE_OVERWRITE`.
   * @example
   * ```ts
   * cache.setOverwrites(channelId, [{ id: guildId, type: OverwriteType.Role, allow: 0n, deny: PermissionFlags.VIEW_CHANNEL }]);
   * ```
   */
  setOverwrites(channelId: string, overwrites: readonly PermissionOverwrite[]): void {
    this.setChannel({ ...this.#channel(channelId), permissionOverwrites: overwrites });
  }

  /**
   * Moves a channel under another parent (see {@link PermissionCache.setChannel}); only a
   * thread's parent changes its permissions.
   *
   * @param channelId - a channel known to the cache.
   * @param parentId - the new parent's id, or `null`.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_CHANNEL`.
   * @example
   * ```ts
   * cache.setParent(channelId, categoryId);
   * ```
   */
  setParent(channelId: string, parentId: string | null): void {
    this.setChannel({ ...this.#channel(channelId), parentId });
  }

  /**
   * Removes a channel; drops its answers and those of its threads (which cannot be resolved
   * until a parent is set again).
   *
   * @param channelId - a channel known to the cache.
   * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_CHANNEL`.
   * @example
   * ```ts
   * cache.removeChannel(channelId);
   * ```
   */
  removeChannel(channelId: string): void {
    const channel = this.#channel(channelId);
    this.#channels.delete(channelId);
    this.#finish(
      this.#dropWhere((id) => id === channelId || this.#channels.get(id)?.parentId === channelId),
    );
    this.#emit('channelRemove', channel);
  }

  /**
   * Transfers ownership; drops the previous and the new owner's answers.
   *
   * @param userId - the new owner's user id.
   * @throws never.
   * @example
   * ```ts
   * cache.setOwner(newOwnerId);
   * ```
   */
  setOwner(userId: string): void {
    const previous = this.#ownerId;
    if (previous === userId) return;
    this.#ownerId = userId;
    this.#finish(this.#dropWhere((_, id) => id === userId || id === previous));
    this.#emit('ownerUpdate', userId, previous);
  }

  #index(): GuildIndex {
    return {
      id: this.#guildId,
      ownerId: this.#ownerId,
      roles: this.#roles,
      everyone: everyoneRole(this.#guildId, this.#roles),
    };
  }

  #member(userId: string): PermissionMember {
    const member = this.#members.get(userId);
    if (member === undefined) throw unknown(PermissionsErrorCode.UnknownMember, 'member', userId);
    return member;
  }

  #channel(channelId: string): PermissionChannel {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) {
      throw unknown(PermissionsErrorCode.UnknownChannel, 'channel', channelId);
    }
    return channel;
  }

  #checkChannel(channel: PermissionChannel): void {
    if (channel.guildId !== this.#guildId) {
      throw new PermissionsError(
        PermissionsErrorCode.ChannelGuildMismatch,
        `channel ${channel.id} belongs to guild ${channel.guildId}, not ${this.#guildId}`,
      );
    }
    checkOverwrites(channel);
  }

  /** Whether the member holds `roleId`, counting `@everyone` as held by all. */
  #holds(userId: string, roleId: string): boolean {
    if (roleId === this.#guildId) return true;
    return this.#members.get(userId)?.roleIds.includes(roleId) ?? false;
  }

  #dropHolders(roleId: string): void {
    this.#finish(this.#dropWhere((_, userId) => this.#holds(userId, roleId)));
  }

  #dropWhere(drop: DropRule): number {
    let dropped = 0;
    for (const [channelId, perChannel] of this.#entries) {
      for (const userId of perChannel.keys()) {
        if (drop(channelId, userId)) {
          perChannel.delete(userId);
          dropped++;
        }
      }
      if (perChannel.size === 0) this.#entries.delete(channelId);
    }
    return dropped;
  }

  #finish(dropped: number): void {
    if (dropped > 0) this.#emit('invalidate', dropped);
  }

  #emit<E extends keyof PermissionCacheEvents>(
    event: E,
    ...args: EventEmitter.ArgumentMap<PermissionCacheEvents>[Extract<
      E,
      keyof PermissionCacheEvents
    >]
  ): void {
    try {
      this.emit(event, ...args);
    } catch (error) {
      if (event !== 'listenerError') this.#emit('listenerError', event, error);
    }
  }
}
