/**
 * The guild store's role rules (`@everyone`, reorders, cascading delete), run inside one write
 * transaction of a {@link GuildRepository}.
 */
import type { RolePosition, RoleRecord, RoleUpdate } from '../guild-types.js';
import { alreadyExists, requireGuild, requireRole } from './guild-lookups.js';
import { sortRolesHighestFirst } from './guild-order.js';
import type { GuildRepository } from './guild-repository.js';
import type { CheckedRole } from './guild-validate.js';

/**
 * @param guildId - the guild.
 * @param permissions - the role's permissions.
 * @returns the guild's `@everyone` role.
 */
export function everyoneRole(guildId: string, permissions: bigint): RoleRecord {
  return {
    id: guildId,
    guildId,
    name: '@everyone',
    permissions,
    position: 0,
    hoist: false,
    color: 0,
    mentionable: false,
    managed: false,
  };
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param input - the validated role.
 * @returns the created role.
 */
export async function createRole(
  repository: GuildRepository,
  guildId: string,
  input: CheckedRole,
): Promise<RoleRecord> {
  await requireGuild(repository, guildId);
  if ((await repository.getRole(guildId, input.id)) !== undefined) {
    throw alreadyExists(`role ${input.id}`);
  }
  const role: RoleRecord = { ...input, guildId };
  await repository.putRole(role);
  return role;
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param roleId - the role.
 * @param update - the validated update (already refused for `@everyone`'s name and position).
 * @returns the changed role.
 */
export async function updateRole(
  repository: GuildRepository,
  guildId: string,
  roleId: string,
  update: RoleUpdate,
): Promise<RoleRecord> {
  await requireGuild(repository, guildId);
  const role: RoleRecord = { ...(await requireRole(repository, guildId, roleId)), ...update };
  await repository.putRole(role);
  return role;
}

/**
 * Deletes a role and every reference to it (member roles, role overwrites).
 *
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param roleId - the role (not `@everyone`: the caller refused it).
 */
export async function deleteRole(
  repository: GuildRepository,
  guildId: string,
  roleId: string,
): Promise<void> {
  await requireGuild(repository, guildId);
  await requireRole(repository, guildId, roleId);
  await repository.stripRole(guildId, roleId);
  await repository.deleteRole(guildId, roleId);
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param positions - the validated moves.
 * @returns every role, highest first.
 */
export async function reorderRoles(
  repository: GuildRepository,
  guildId: string,
  positions: readonly RolePosition[],
): Promise<RoleRecord[]> {
  await requireGuild(repository, guildId);
  for (const entry of positions) {
    const role = await requireRole(repository, guildId, entry.id);
    await repository.putRole({ ...role, position: entry.position });
  }
  return sortRolesHighestFirst(await repository.listRoles(guildId));
}
