import { PermissionsError, PermissionsErrorCode } from './errors.js';
import { ALL_PERMISSIONS, PermissionFlags } from './flags.js';
import { indexGuild } from './internal/guild-index.js';
import { type BasePermissionsOptions, computeBasePermissions } from './resolve.js';
import type { PermissionGuild, PermissionMember, PermissionRole } from './shapes.js';

/** Orders snowflakes numerically without BigInt: canonical decimal ids compare by length, then text. */
function compareSnowflakes(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders roles as Discord's hierarchy does: the greater position is higher; at equal
 * positions the role with the lower id (the older one) is higher.
 *
 * @param a - a role.
 * @param b - another role.
 * @returns a positive number when `a` is higher than `b`, negative when lower, 0 for the same id.
 * @example
 * ```ts
 * roles.sort(compareRoles).reverse(); // highest first
 * ```
 */
export function compareRoles(a: PermissionRole, b: PermissionRole): number {
  if (a.position !== b.position) return a.position - b.position;
  return compareSnowflakes(b.id, a.id);
}

/**
 * The member's highest role: among `@everyone` and the member's roles, the greatest position,
 * ties going to the lower id. Member role ids that are not roles of the guild are ignored.
 *
 * @param guild - the guild with all its roles.
 * @param member - the member.
 * @returns the highest role (`@everyone` for a member without roles).
 * @throws PermissionsError `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`, `GK_PERMISSIONS_DUPLICATE_ROLE`.
 * @example
 * ```ts
 * highestRole(guild, member).id;
 * ```
 */
export function highestRole(guild: PermissionGuild, member: PermissionMember): PermissionRole {
  const index = indexGuild(guild);
  let highest = index.everyone;
  for (const roleId of member.roleIds) {
    const role = index.roles.get(roleId);
    if (role !== undefined && compareRoles(role, highest) > 0) highest = role;
  }
  return highest;
}

function holdsPermission(
  guild: PermissionGuild,
  member: PermissionMember,
  permission: bigint,
  options: BasePermissionsOptions,
): boolean {
  return (computeBasePermissions(guild, member, options) & permission) === permission;
}

/**
 * Whether `actor` may grant, revoke, edit or reorder `role`: the owner may; anyone else needs
 * MANAGE_ROLES (ADMINISTRATOR implies it) and a highest role strictly above `role`.
 *
 * @param guild - the guild with all its roles.
 * @param actor - the member acting.
 * @param role - a role of the guild (looked up by id).
 * @param options - the current time (a timed-out actor holds no MANAGE_ROLES).
 * @returns whether the hierarchy and the actor's permissions allow it.
 * @throws PermissionsError `GK_PERMISSIONS_UNKNOWN_ROLE` when `role` is not a role of the
 * guild; `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`; `GK_PERMISSIONS_DUPLICATE_ROLE`.
 * @example
 * ```ts
 * if (!canManageRole(guild, moderator, mutedRole)) throw new Error('role is above you');
 * ```
 */
export function canManageRole(
  guild: PermissionGuild,
  actor: PermissionMember,
  role: PermissionRole,
  options: BasePermissionsOptions = {},
): boolean {
  const target = indexGuild(guild).roles.get(role.id);
  if (target === undefined) {
    throw new PermissionsError(
      PermissionsErrorCode.UnknownRole,
      `role ${role.id} is not a role of guild ${guild.id}`,
    );
  }
  if (actor.userId === guild.ownerId) return true;
  return (
    holdsPermission(guild, actor, PermissionFlags.MANAGE_ROLES, options) &&
    compareRoles(highestRole(guild, actor), target) > 0
  );
}

/**
 * Whether `actor` may take a moderation action (kick, ban, time out, change roles or
 * nickname) against `target`: nobody moderates the owner; the owner moderates anyone else;
 * anyone else needs `permission` at guild level (ADMINISTRATOR implies it) and a highest role
 * strictly above the target's.
 *
 * @param guild - the guild with all its roles.
 * @param actor - the member acting.
 * @param target - the member acted on.
 * @param permission - the flag(s) the action needs, e.g. `PermissionFlags.BAN_MEMBERS`.
 * @param options - the current time (a timed-out actor holds no moderation permission).
 * @returns whether the action is allowed.
 * @throws PermissionsError `GK_PERMISSIONS_INVALID_FLAG` when `permission` is `0n` or holds
 * an undocumented bit; `GK_PERMISSIONS_MISSING_EVERYONE_ROLE`; `GK_PERMISSIONS_DUPLICATE_ROLE`.
 * @example
 * ```ts
 * canModerate(guild, moderator, spammer, PermissionFlags.KICK_MEMBERS);
 * ```
 */
export function canModerate(
  guild: PermissionGuild,
  actor: PermissionMember,
  target: PermissionMember,
  permission: bigint,
  options: BasePermissionsOptions = {},
): boolean {
  if (
    typeof permission !== 'bigint' ||
    permission === 0n ||
    (permission & ~ALL_PERMISSIONS) !== 0n
  ) {
    throw new PermissionsError(
      PermissionsErrorCode.InvalidFlag,
      `permission must be one or more documented flags, got ${String(permission)}`,
    );
  }
  if (target.userId === guild.ownerId) return false;
  if (actor.userId === guild.ownerId) return true;
  return (
    holdsPermission(guild, actor, permission, options) &&
    compareRoles(highestRole(guild, actor), highestRole(guild, target)) > 0
  );
}
