/**
 * The guild store's member and guild rules (owner, role membership), run inside one write
 * transaction of a {@link GuildRepository}.
 */
import { StorageError, StorageErrorCode } from '../errors.js';
import type { GuildRecord, GuildUpdate, MemberRecord, MemberUpdate } from '../guild-types.js';
import { alreadyExists, requireGuild, requireMember, requireRole } from './guild-lookups.js';
import { compareIds } from './guild-order.js';
import type { GuildRepository } from './guild-repository.js';
import { everyoneRole } from './guild-role-rules.js';
import type { CheckedGuild, CheckedMember } from './guild-validate.js';

async function checkedRoleIds(
  repository: GuildRepository,
  guildId: string,
  roleIds: readonly string[],
): Promise<string[]> {
  for (const roleId of roleIds) await requireRole(repository, guildId, roleId);
  return [...roleIds].sort(compareIds);
}

/**
 * Creates a guild, its `@everyone` role and its owner's membership.
 *
 * @param repository - the transaction.
 * @param input - the validated guild.
 * @param now - the store's clock reading (the owner's `joinedAt`).
 * @returns the guild.
 */
export async function createGuild(
  repository: GuildRepository,
  input: CheckedGuild,
  now: number,
): Promise<GuildRecord> {
  if ((await repository.getGuild(input.id)) !== undefined) throw alreadyExists(`guild ${input.id}`);
  const guild: GuildRecord = { id: input.id, name: input.name, ownerId: input.ownerId };
  await repository.insertGuild(guild);
  await repository.putRole(everyoneRole(guild.id, input.everyonePermissions));
  await repository.putMember({
    guildId: guild.id,
    userId: guild.ownerId,
    nick: null,
    roleIds: [],
    joinedAt: now,
    communicationDisabledUntil: null,
  });
  return guild;
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param update - the validated update.
 * @returns the changed guild.
 */
export async function updateGuild(
  repository: GuildRepository,
  guildId: string,
  update: GuildUpdate,
): Promise<GuildRecord> {
  const guild: GuildRecord = { ...(await requireGuild(repository, guildId)), ...update };
  if (update.ownerId !== undefined) await requireMember(repository, guildId, update.ownerId);
  await repository.updateGuild(guild);
  return guild;
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param input - the validated member.
 * @param now - the store's clock reading (`joinedAt`).
 * @returns the member.
 */
export async function addMember(
  repository: GuildRepository,
  guildId: string,
  input: CheckedMember,
  now: number,
): Promise<MemberRecord> {
  await requireGuild(repository, guildId);
  if ((await repository.getMember(guildId, input.userId)) !== undefined) {
    throw alreadyExists(`member ${input.userId} of guild ${guildId}`);
  }
  const member: MemberRecord = {
    guildId,
    userId: input.userId,
    nick: input.nick,
    roleIds: await checkedRoleIds(repository, guildId, input.roleIds),
    joinedAt: now,
    communicationDisabledUntil: input.communicationDisabledUntil,
  };
  await repository.putMember(member);
  return member;
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param userId - the member.
 * @param update - the validated update.
 * @returns the changed member.
 */
export async function updateMember(
  repository: GuildRepository,
  guildId: string,
  userId: string,
  update: MemberUpdate,
): Promise<MemberRecord> {
  await requireGuild(repository, guildId);
  const current = await requireMember(repository, guildId, userId);
  const member: MemberRecord = {
    ...current,
    ...update,
    roleIds:
      update.roleIds === undefined
        ? current.roleIds
        : await checkedRoleIds(repository, guildId, update.roleIds),
  };
  await repository.putMember(member);
  return member;
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param userId - the member (not the owner).
 */
export async function removeMember(
  repository: GuildRepository,
  guildId: string,
  userId: string,
): Promise<void> {
  const guild = await requireGuild(repository, guildId);
  await requireMember(repository, guildId, userId);
  if (guild.ownerId === userId) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      'the owner cannot leave the guild; transfer ownership first',
    );
  }
  await repository.deleteMember(guildId, userId);
}
