/**
 * Lookups that must find their row: each returns it or throws the `GK_STORAGE_UNKNOWN_*` code
 * of what is missing.
 */
import { StorageError, StorageErrorCode } from '../errors.js';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord } from '../guild-types.js';
import type { GuildRepository } from './guild-repository.js';

/**
 * @param repository - where to look.
 * @param guildId - the guild.
 * @returns the guild (locked, in a write transaction).
 * @throws StorageError `GK_STORAGE_UNKNOWN_GUILD`.
 */
export async function requireGuild(
  repository: GuildRepository,
  guildId: string,
): Promise<GuildRecord> {
  const guild = await repository.getGuild(guildId);
  if (guild === undefined) {
    throw new StorageError(StorageErrorCode.UnknownGuild, `unknown guild ${guildId}`);
  }
  return guild;
}

/**
 * @param repository - where to look.
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @returns the channel.
 * @throws StorageError `GK_STORAGE_UNKNOWN_CHANNEL`.
 */
export async function requireChannel(
  repository: GuildRepository,
  guildId: string,
  channelId: string,
): Promise<ChannelRecord> {
  const channel = await repository.getChannel(guildId, channelId);
  if (channel === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownChannel,
      `unknown channel ${channelId} in guild ${guildId}`,
    );
  }
  return channel;
}

/**
 * @param repository - where to look.
 * @param guildId - the guild.
 * @param roleId - the role.
 * @returns the role.
 * @throws StorageError `GK_STORAGE_UNKNOWN_ROLE`.
 */
export async function requireRole(
  repository: GuildRepository,
  guildId: string,
  roleId: string,
): Promise<RoleRecord> {
  const role = await repository.getRole(guildId, roleId);
  if (role === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownRole,
      `unknown role ${roleId} in guild ${guildId}`,
    );
  }
  return role;
}

/**
 * @param repository - where to look.
 * @param guildId - the guild.
 * @param userId - the user.
 * @returns the member.
 * @throws StorageError `GK_STORAGE_UNKNOWN_MEMBER`.
 */
export async function requireMember(
  repository: GuildRepository,
  guildId: string,
  userId: string,
): Promise<MemberRecord> {
  const member = await repository.getMember(guildId, userId);
  if (member === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownMember,
      `user ${userId} is not a member of guild ${guildId}`,
    );
  }
  return member;
}

/**
 * @param what - what already exists, for the message.
 * @returns the error to throw.
 */
export function alreadyExists(what: string): StorageError {
  return new StorageError(StorageErrorCode.AlreadyExists, `${what} already exists`);
}
