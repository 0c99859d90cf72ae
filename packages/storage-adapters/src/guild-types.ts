import { ChannelType } from 'discord-api-types/v10';

/**
 * The channel types a {@link GuildStore} keeps: Discord's guild channels that have a place in
 * the channel list. Threads (10, 11, 12) are not stored here: they live with their messages.
 */
export type GuildChannelType =
  | ChannelType.GuildText
  | ChannelType.GuildVoice
  | ChannelType.GuildCategory
  | ChannelType.GuildAnnouncement
  | ChannelType.GuildStageVoice
  | ChannelType.GuildForum
  | ChannelType.GuildMedia;

/** Every {@link GuildChannelType}, in Discord's numbering. */
export const GUILD_CHANNEL_TYPES: readonly GuildChannelType[] = Object.freeze([
  ChannelType.GuildText,
  ChannelType.GuildVoice,
  ChannelType.GuildCategory,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildStageVoice,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
]);

/** Discord's limits on guild data, which every {@link GuildStore} enforces. */
export const GUILD_LIMITS = {
  /** Characters of a guild name (2..100 on Discord). */
  guildNameMin: 2,
  guildNameMax: 100,
  /** Characters of a channel or role name. */
  nameMin: 1,
  nameMax: 100,
  /** Characters of a channel topic. */
  topicMax: 1024,
  /** Characters of a forum or media channel's topic (its guidelines). */
  forumTopicMax: 4096,
  /** Slowmode, in seconds. */
  rateLimitPerUserMax: 21600,
  /** Characters of a nickname. */
  nickMin: 1,
  nickMax: 32,
  /** A role colour is an RGB integer. */
  colorMax: 0xffffff,
  /** How far ahead of the store's clock a timeout may end, in ms (28 days). */
  timeoutMaxMs: 28 * 24 * 60 * 60 * 1000,
  /** Page size bounds of {@link GuildStore.listMembers}. */
  memberPageMin: 1,
  memberPageMax: 1000,
  /** Default page size of {@link GuildStore.listMembers}, as Discord's List Guild Members. */
  memberPageDefault: 1,
  /** Positions are non-negative 32-bit integers. */
  positionMax: 2_147_483_647,
} as const;

/** A guild. Its `@everyone` role has the guild's id; see {@link GuildStore.createGuild}. */
export interface GuildRecord {
  /** The guild's Snowflake. */
  readonly id: string;
  /** 2..100 characters. */
  readonly name: string;
  /** The user id of the owner, always a member of the guild. */
  readonly ownerId: string;
}

/** What {@link GuildStore.createGuild} takes. */
export interface NewGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  /**
   * The permissions of the `@everyone` role the guild is created with.
   * @defaultValue `0n`
   */
  readonly everyonePermissions?: bigint;
}

/** What {@link GuildStore.updateGuild} may change; absent fields stay. */
export interface GuildUpdate {
  readonly name?: string;
  /** Transfers ownership; the new owner must be a member (`GK_STORAGE_UNKNOWN_MEMBER`). */
  readonly ownerId?: string;
}

/**
 * A channel permission overwrite, field-compatible with `PermissionOverwrite` of
 * `@guildkit/permissions`.
 */
export interface OverwriteRecord {
  /** A role id (type 0; the guild id means `@everyone`) or a user id (type 1). */
  readonly id: string;
  /** `0` for a role, `1` for a member (`OverwriteType` in discord-api-types). */
  readonly type: 0 | 1;
  /** Bits granted, 0..2^64-1. */
  readonly allow: bigint;
  /** Bits removed, 0..2^64-1. */
  readonly deny: bigint;
}

/**
 * A guild channel, field-compatible with `PermissionChannel` of `@guildkit/permissions`.
 * `permissionOverwrites` come back ascending by id.
 */
export interface ChannelRecord {
  readonly id: string;
  readonly guildId: string;
  readonly type: GuildChannelType;
  /** 1..100 characters. */
  readonly name: string;
  /** Order among its siblings (see {@link GuildStore.listChannels}); 0..2^31-1. */
  readonly position: number;
  /** The category (a `GuildCategory` channel of the same guild) it sits in, or `null`. */
  readonly parentId: string | null;
  /** Up to 1024 characters (4096 for forum and media channels), or `null`. */
  readonly topic: string | null;
  readonly nsfw: boolean;
  /** Slowmode in seconds, 0..21600. */
  readonly rateLimitPerUser: number;
  readonly permissionOverwrites: readonly OverwriteRecord[];
}

/** What {@link GuildStore.createChannel} takes; the channel starts without overwrites. */
export interface NewChannel {
  readonly id: string;
  readonly type: GuildChannelType;
  readonly name: string;
  /** @defaultValue 0 */
  readonly position?: number;
  /** Not allowed for a category. @defaultValue `null` */
  readonly parentId?: string | null;
  /** @defaultValue `null` */
  readonly topic?: string | null;
  /** @defaultValue `false` */
  readonly nsfw?: boolean;
  /** @defaultValue 0 */
  readonly rateLimitPerUser?: number;
}

/**
 * What {@link GuildStore.updateChannel} may change; absent fields stay. The type is fixed at
 * creation; overwrites change through {@link GuildStore.setOverwrite}.
 */
export interface ChannelUpdate {
  readonly name?: string;
  readonly position?: number;
  readonly parentId?: string | null;
  readonly topic?: string | null;
  readonly nsfw?: boolean;
  readonly rateLimitPerUser?: number;
}

/** One entry of {@link GuildStore.reorderChannels}. */
export interface ChannelPosition {
  readonly id: string;
  readonly position: number;
  /** When present, also moves the channel into this category (`null`: out of any). */
  readonly parentId?: string | null;
}

/** A role, field-compatible with `PermissionRole` of `@guildkit/permissions`. */
export interface RoleRecord {
  readonly id: string;
  readonly guildId: string;
  /** 1..100 characters; `@everyone` for the guild's default role. */
  readonly name: string;
  /** The role's permission bits, 0..2^64-1 (stored losslessly above 2^53). */
  readonly permissions: bigint;
  /** 0 for `@everyone`, at least 1 for every other role; the greatest is the highest. */
  readonly position: number;
  /** Whether members are shown apart in the member list. */
  readonly hoist: boolean;
  /** An RGB integer, 0 for none. */
  readonly color: number;
  readonly mentionable: boolean;
  /** Whether an integration owns the role (fixed at creation). */
  readonly managed: boolean;
}

/** What {@link GuildStore.createRole} takes. */
export interface NewRole {
  readonly id: string;
  readonly name: string;
  /** @defaultValue `0n` */
  readonly permissions?: bigint;
  /** At least 1. @defaultValue 1 */
  readonly position?: number;
  /** @defaultValue `false` */
  readonly hoist?: boolean;
  /** @defaultValue 0 */
  readonly color?: number;
  /** @defaultValue `false` */
  readonly mentionable?: boolean;
  /** @defaultValue `false` */
  readonly managed?: boolean;
}

/** What {@link GuildStore.updateRole} may change; absent fields stay. */
export interface RoleUpdate {
  /** Not for `@everyone`. */
  readonly name?: string;
  readonly permissions?: bigint;
  /** At least 1; not for `@everyone`, which stays at 0. */
  readonly position?: number;
  readonly hoist?: boolean;
  readonly color?: number;
  readonly mentionable?: boolean;
}

/** One entry of {@link GuildStore.reorderRoles}. */
export interface RolePosition {
  readonly id: string;
  /** At least 1 (`@everyone` may only be listed with 0). */
  readonly position: number;
}

/** A guild member, field-compatible with `PermissionMember` of `@guildkit/permissions`. */
export interface MemberRecord {
  readonly guildId: string;
  readonly userId: string;
  /** 1..32 characters, or `null`. */
  readonly nick: string | null;
  /** The member's roles without `@everyone` (held implicitly), ascending by id. */
  readonly roleIds: readonly string[];
  /** When the member joined, in ms since the Unix epoch (the store's clock). */
  readonly joinedAt: number;
  /** Epoch ms until which the member is timed out, or `null`. */
  readonly communicationDisabledUntil: number | null;
}

/** What {@link GuildStore.addMember} takes. */
export interface NewMember {
  readonly userId: string;
  /** @defaultValue `null` */
  readonly nick?: string | null;
  /** Distinct roles of the guild, not `@everyone`. @defaultValue `[]` */
  readonly roleIds?: readonly string[];
  /** @defaultValue `null` */
  readonly communicationDisabledUntil?: number | null;
}

/** What {@link GuildStore.updateMember} may change; absent fields stay. */
export interface MemberUpdate {
  readonly nick?: string | null;
  /** Replaces the member's roles: distinct roles of the guild, not `@everyone`. */
  readonly roleIds?: readonly string[];
  /**
   * Times the member out until this epoch ms (at most 28 days after the store's clock), or
   * lifts the timeout with `null`.
   */
  readonly communicationDisabledUntil?: number | null;
}

/** A page request for {@link GuildStore.listMembers}, as Discord's List Guild Members. */
export interface MemberQuery {
  /** Only users with larger ids than this. */
  readonly after?: string;
  /** 1..1000. @defaultValue 1 */
  readonly limit?: number;
}

/**
 * Guild data — guilds, channels with their permission overwrites, roles and members — with
 * Discord's rules. Every adapter implements it and passes `describeGuildStoreConformance`.
 *
 * Rules every method follows:
 * - Ids are Snowflakes as canonical decimal strings (no sign, no leading zeros, below 2^64);
 *   anything else, and any malformed or out-of-range field, rejects with
 *   `GK_STORAGE_INVALID_ARGUMENT` before anything is read or written.
 * - Channel, role and member ids are unique within their guild; a second create rejects with
 *   `GK_STORAGE_ALREADY_EXISTS`.
 * - An operation on a guild that does not exist rejects with `GK_STORAGE_UNKNOWN_GUILD`; on a
 *   missing channel, role or member of an existing guild with `GK_STORAGE_UNKNOWN_CHANNEL`,
 *   `GK_STORAGE_UNKNOWN_ROLE` or `GK_STORAGE_UNKNOWN_MEMBER`. `get*` methods answer `null`
 *   instead.
 * - Every change is atomic: a method that rejects has changed nothing, including the
 *   multi-row ones (reorders, guild delete, category delete, role delete).
 * - Failures of the backend reject with `GK_STORAGE_UNAVAILABLE`, never with a driver error;
 *   after {@link GuildStore.close} every call rejects with `GK_STORAGE_CLOSED`.
 *
 * Records are plain immutable snapshots; changing a store never changes a record already
 * returned.
 */
export interface GuildStore {
  /**
   * Creates a guild with its `@everyone` role (id = guild id, name `@everyone`, position 0)
   * and its owner as the first member (joined now, by the store's clock).
   *
   * @param guild - the new guild.
   * @returns the guild.
   * @throws StorageError `GK_STORAGE_ALREADY_EXISTS`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  createGuild(guild: NewGuild): Promise<GuildRecord>;
  /**
   * @param guildId - the guild.
   * @returns the guild, or `null`.
   */
  getGuild(guildId: string): Promise<GuildRecord | null>;
  /**
   * @param guildId - the guild.
   * @param update - the fields to change.
   * @returns the changed guild.
   * @throws StorageError `GK_STORAGE_UNKNOWN_GUILD`; `GK_STORAGE_UNKNOWN_MEMBER` for a new
   * owner who is not a member.
   */
  updateGuild(guildId: string, update: GuildUpdate): Promise<GuildRecord>;
  /**
   * Deletes the guild with all its channels, overwrites, roles and members, atomically.
   *
   * @param guildId - the guild.
   * @throws StorageError `GK_STORAGE_UNKNOWN_GUILD`.
   */
  deleteGuild(guildId: string): Promise<void>;

  /**
   * Creates a channel without overwrites. A `parentId` must name a category of the guild; a
   * category has no parent.
   *
   * @param guildId - the guild.
   * @param channel - the new channel.
   * @returns the channel.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL` for a missing parent;
   * `GK_STORAGE_INVALID_ARGUMENT` for a parent that is not a category or a category with a
   * parent; `GK_STORAGE_ALREADY_EXISTS`.
   */
  createChannel(guildId: string, channel: NewChannel): Promise<ChannelRecord>;
  /**
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @returns the channel, or `null` (also when the guild does not exist).
   */
  getChannel(guildId: string, channelId: string): Promise<ChannelRecord | null>;
  /**
   * Changes a channel under the placement rules of {@link GuildStore.createChannel}; the topic
   * limit follows the channel's type.
   *
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @param update - the fields to change.
   * @returns the changed channel.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  updateChannel(guildId: string, channelId: string, update: ChannelUpdate): Promise<ChannelRecord>;
  /**
   * Deletes a channel with its overwrites; deleting a category moves its children out of it
   * (`parentId` null) in the same atomic change.
   *
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`.
   */
  deleteChannel(guildId: string, channelId: string): Promise<void>;
  /**
   * @param guildId - the guild.
   * @returns every channel in Discord's display order: channels without a category first, then
   * each category followed by its children; categories, and the channels of each group, sorted
   * text-like before voice (`GuildVoice`, `GuildStageVoice`), then by position, then by id.
   */
  listChannels(guildId: string): Promise<ChannelRecord[]>;
  /**
   * Moves several channels at once, all or nothing: every id must be a distinct channel of the
   * guild; parents follow the rules of {@link GuildStore.createChannel}, checked against the
   * result of the whole reorder.
   *
   * @param guildId - the guild.
   * @param positions - a non-empty list of moves.
   * @returns every channel of the guild, as {@link GuildStore.listChannels}.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  reorderChannels(guildId: string, positions: readonly ChannelPosition[]): Promise<ChannelRecord[]>;
  /**
   * Creates or replaces the overwrite with `overwrite.id` on a channel. A role overwrite must
   * name a role of the guild; a member overwrite may name any user.
   *
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @param overwrite - the overwrite.
   * @returns the channel.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`, `GK_STORAGE_UNKNOWN_ROLE`.
   */
  setOverwrite(
    guildId: string,
    channelId: string,
    overwrite: OverwriteRecord,
  ): Promise<ChannelRecord>;
  /**
   * @param guildId - the guild.
   * @param channelId - the channel.
   * @param overwriteId - the overwrite's role or user id.
   * @returns whether the channel had an overwrite with that id.
   * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`.
   */
  deleteOverwrite(guildId: string, channelId: string, overwriteId: string): Promise<boolean>;

  /**
   * Creates a role at position 1 or above (0 is `@everyone`'s).
   *
   * @param guildId - the guild.
   * @param role - the new role.
   * @returns the role.
   * @throws StorageError `GK_STORAGE_ALREADY_EXISTS`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  createRole(guildId: string, role: NewRole): Promise<RoleRecord>;
  /**
   * @param guildId - the guild.
   * @param roleId - the role (the guild id for `@everyone`).
   * @returns the role, or `null`.
   */
  getRole(guildId: string, roleId: string): Promise<RoleRecord | null>;
  /**
   * Changes a role. `@everyone` keeps its name and position 0.
   *
   * @param guildId - the guild.
   * @param roleId - the role.
   * @param update - the fields to change.
   * @returns the changed role.
   * @throws StorageError `GK_STORAGE_UNKNOWN_ROLE`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  updateRole(guildId: string, roleId: string, update: RoleUpdate): Promise<RoleRecord>;
  /**
   * Deletes a role and, in the same atomic change, removes it from every member and every
   * channel's role overwrites. `@everyone` cannot be deleted.
   *
   * @param guildId - the guild.
   * @param roleId - the role.
   * @throws StorageError `GK_STORAGE_UNKNOWN_ROLE`; `GK_STORAGE_INVALID_ARGUMENT` for
   * `@everyone`.
   */
  deleteRole(guildId: string, roleId: string): Promise<void>;
  /**
   * @param guildId - the guild.
   * @returns every role, highest first: greatest position, ties to the lower id.
   */
  listRoles(guildId: string): Promise<RoleRecord[]>;
  /**
   * Moves several roles at once, all or nothing: distinct roles of the guild, each to a
   * position of at least 1 (`@everyone` only to 0).
   *
   * @param guildId - the guild.
   * @param positions - a non-empty list of moves.
   * @returns every role, as {@link GuildStore.listRoles}.
   * @throws StorageError `GK_STORAGE_UNKNOWN_ROLE`, `GK_STORAGE_INVALID_ARGUMENT`.
   */
  reorderRoles(guildId: string, positions: readonly RolePosition[]): Promise<RoleRecord[]>;

  /**
   * Adds a member, joined now by the store's clock.
   *
   * @param guildId - the guild.
   * @param member - the new member.
   * @returns the member.
   * @throws StorageError `GK_STORAGE_ALREADY_EXISTS`; `GK_STORAGE_UNKNOWN_ROLE` for a role not
   * in the guild; `GK_STORAGE_INVALID_ARGUMENT`.
   */
  addMember(guildId: string, member: NewMember): Promise<MemberRecord>;
  /**
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns the member, or `null`.
   */
  getMember(guildId: string, userId: string): Promise<MemberRecord | null>;
  /**
   * @param guildId - the guild.
   * @param userId - the member.
   * @param update - the fields to change.
   * @returns the changed member.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MEMBER`, `GK_STORAGE_UNKNOWN_ROLE`,
   * `GK_STORAGE_INVALID_ARGUMENT`.
   */
  updateMember(guildId: string, userId: string, update: MemberUpdate): Promise<MemberRecord>;
  /**
   * Removes a member. The owner cannot leave.
   *
   * @param guildId - the guild.
   * @param userId - the member.
   * @throws StorageError `GK_STORAGE_UNKNOWN_MEMBER`; `GK_STORAGE_INVALID_ARGUMENT` for the
   * owner.
   */
  removeMember(guildId: string, userId: string): Promise<void>;
  /**
   * @param guildId - the guild.
   * @param query - `after` and `limit`; see {@link MemberQuery}.
   * @returns a page of members ascending by user id.
   */
  listMembers(guildId: string, query?: MemberQuery): Promise<MemberRecord[]>;

  /** Releases the store's resources; later calls reject with `GK_STORAGE_CLOSED`. */
  close(): Promise<void>;
}
