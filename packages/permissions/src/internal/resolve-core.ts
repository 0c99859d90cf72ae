import { ALL_PERMISSIONS, PermissionFlags } from '../flags.js';
import { OverwriteType, type PermissionMember, type PermissionOverwrite } from '../shapes.js';
import type { GuildIndex } from './guild-index.js';
import { applyImplicitRules, type ChannelKind, isTimedOut, TIMEOUT_KEPT } from './rules.js';

/** A permission set before the timeout rule, and whether the member is exempt from it. */
export interface Untimed {
  readonly permissions: bigint;
  /** Owner or ADMINISTRATOR: holds ALL and ignores timeouts. */
  readonly exempt: boolean;
}

const EXEMPT: Untimed = Object.freeze({ permissions: ALL_PERMISSIONS, exempt: true });

/** Whether the member holds `roleId` as an effective role (a guild role other than @everyone). */
export function holdsRole(index: GuildIndex, member: PermissionMember, roleId: string): boolean {
  return roleId !== index.id && index.roles.has(roleId) && member.roleIds.includes(roleId);
}

/** Discord's `compute_base_permissions`: owner -> ALL; @everyone | roles; ADMINISTRATOR -> ALL. */
export function untimedBase(index: GuildIndex, member: PermissionMember): Untimed {
  if (member.userId === index.ownerId) return EXEMPT;
  let permissions = index.everyone.permissions;
  for (const roleId of member.roleIds) {
    const role = index.roles.get(roleId);
    if (role !== undefined) permissions |= role.permissions;
  }
  if ((permissions & PermissionFlags.ADMINISTRATOR) !== 0n) return EXEMPT;
  return { permissions, exempt: false };
}

/** Discord's `compute_overwrites` followed by implicit rules 1–3. */
export function untimedChannel(
  index: GuildIndex,
  member: PermissionMember,
  overwrites: readonly PermissionOverwrite[],
  kind: ChannelKind,
): Untimed {
  const base = untimedBase(index, member);
  if (base.exempt) return base;
  let permissions = base.permissions;
  let roleAllow = 0n;
  let roleDeny = 0n;
  let memberOverwrite: PermissionOverwrite | undefined;
  for (const overwrite of overwrites) {
    if (overwrite.type === OverwriteType.Role) {
      if (overwrite.id === index.id) {
        permissions = (permissions & ~overwrite.deny) | overwrite.allow;
      } else if (holdsRole(index, member, overwrite.id)) {
        roleAllow |= overwrite.allow;
        roleDeny |= overwrite.deny;
      }
    } else if (overwrite.type === OverwriteType.Member && overwrite.id === member.userId) {
      memberOverwrite = overwrite;
    }
  }
  permissions = (permissions & ~roleDeny) | roleAllow;
  if (memberOverwrite !== undefined) {
    permissions = (permissions & ~memberOverwrite.deny) | memberOverwrite.allow;
  }
  return { permissions: applyImplicitRules(permissions, kind), exempt: false };
}

/** Implicit rule 4: a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY. */
export function applyTimeout(
  untimed: Untimed,
  member: PermissionMember,
  now: () => number,
): bigint {
  if (untimed.exempt || member.communicationDisabledUntil == null) return untimed.permissions;
  return isTimedOut(member, now()) ? untimed.permissions & TIMEOUT_KEPT : untimed.permissions;
}
