/**
 * The seam between the guild store's rules (one implementation, `guild-store-base`) and each
 * backend: a backend only stores and fetches rows, inside transactions it provides.
 */
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  OverwriteRecord,
  RoleRecord,
} from '../guild-types.js';

/** A channel's own fields; its overwrites are rows of their own. */
export type ChannelFields = Omit<ChannelRecord, 'permissionOverwrites'>;

/**
 * Row access for one read or one transaction. Ids are canonical decimal strings; records
 * passed in are already validated. Methods never check the guild store's rules.
 */
export interface GuildRepository {
  /** @returns the guild, or `undefined`; in a write transaction it also locks the guild. */
  getGuild(guildId: string): Promise<GuildRecord | undefined>;
  /** Inserts a guild; a concurrent insert of the same id fails with `GK_STORAGE_ALREADY_EXISTS`. */
  insertGuild(guild: GuildRecord): Promise<void>;
  /** Replaces an existing guild's fields. */
  updateGuild(guild: GuildRecord): Promise<void>;
  /** Deletes a guild with every channel, overwrite, role and member of it. */
  deleteGuild(guildId: string): Promise<void>;

  /** @returns the channel with its overwrites (ascending by id), or `undefined`. */
  getChannel(guildId: string, channelId: string): Promise<ChannelRecord | undefined>;
  /** @returns every channel of the guild with its overwrites, in any order. */
  listChannels(guildId: string): Promise<ChannelRecord[]>;
  /** Inserts or replaces a channel's own fields, keeping its overwrites. */
  putChannel(channel: ChannelFields): Promise<void>;
  /** Deletes a channel with its overwrites. */
  deleteChannel(guildId: string, channelId: string): Promise<void>;
  /** Inserts or replaces the overwrite with `overwrite.id` on an existing channel. */
  setOverwrite(guildId: string, channelId: string, overwrite: OverwriteRecord): Promise<void>;
  /** @returns whether the channel had an overwrite with that id (now deleted). */
  deleteOverwrite(guildId: string, channelId: string, overwriteId: string): Promise<boolean>;

  /** @returns the role, or `undefined`. */
  getRole(guildId: string, roleId: string): Promise<RoleRecord | undefined>;
  /** @returns every role of the guild, in any order. */
  listRoles(guildId: string): Promise<RoleRecord[]>;
  /** Inserts or replaces a role. */
  putRole(role: RoleRecord): Promise<void>;
  /** Deletes a role row (see {@link GuildRepository.stripRole} for its references). */
  deleteRole(guildId: string, roleId: string): Promise<void>;
  /** Removes a role from every member's `roleIds` and every role overwrite naming it. */
  stripRole(guildId: string, roleId: string): Promise<void>;

  /** @returns the member, or `undefined`. */
  getMember(guildId: string, userId: string): Promise<MemberRecord | undefined>;
  /** @returns up to `limit` members with user ids above `after`, ascending. */
  listMembers(guildId: string, after: string | undefined, limit: number): Promise<MemberRecord[]>;
  /** Inserts or replaces a member (`roleIds` ascending). */
  putMember(member: MemberRecord): Promise<void>;
  /** Deletes a member. */
  deleteMember(guildId: string, userId: string): Promise<void>;
}

/**
 * A backend: runs reads and atomic transactions over its {@link GuildRepository}. Both reject
 * only with `StorageError`s: a backend maps its driver's errors (`GK_STORAGE_UNAVAILABLE`,
 * or `GK_STORAGE_ALREADY_EXISTS` for a lost insert race).
 */
export interface GuildBackend {
  /** Runs `fn` on committed data. @returns what `fn` returns. */
  read<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction: every change it makes is committed together when it
   * resolves, and none when it throws. Transactions on one guild do not interleave.
   *
   * @returns what `fn` returns.
   */
  write<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T>;
  /** Releases what the backend holds; called once. */
  close(): Promise<void>;
}
