import { PermissionsError, PermissionsErrorCode } from '../errors.js';
import type {
  PermissionChannel,
  PermissionGuild,
  PermissionOverwrite,
  PermissionRole,
} from '../shapes.js';
import { ChannelKind, channelKind } from './rules.js';

/** A guild's roles by id, validated. */
export interface GuildIndex {
  readonly id: string;
  readonly ownerId: string;
  readonly roles: ReadonlyMap<string, PermissionRole>;
  readonly everyone: PermissionRole;
}

export function indexRoles(guild: PermissionGuild): Map<string, PermissionRole> {
  const roles = new Map<string, PermissionRole>();
  for (const role of guild.roles) {
    if (roles.has(role.id)) {
      throw new PermissionsError(
        PermissionsErrorCode.DuplicateRole,
        `guild ${guild.id} has two roles with id ${role.id}`,
      );
    }
    roles.set(role.id, role);
  }
  return roles;
}

export function everyoneRole(
  guildId: string,
  roles: ReadonlyMap<string, PermissionRole>,
): PermissionRole {
  const everyone = roles.get(guildId);
  if (everyone === undefined) {
    throw new PermissionsError(
      PermissionsErrorCode.MissingEveryoneRole,
      `guild ${guildId} has no @everyone role (a role whose id is the guild id)`,
    );
  }
  return everyone;
}

export function indexGuild(guild: PermissionGuild): GuildIndex {
  const roles = indexRoles(guild);
  return { id: guild.id, ownerId: guild.ownerId, roles, everyone: everyoneRole(guild.id, roles) };
}

export function checkOverwrites(channel: PermissionChannel): void {
  const seen = new Set<string>();
  for (const overwrite of channel.permissionOverwrites) {
    const key = `${overwrite.type}:${overwrite.id}`;
    if (seen.has(key)) {
      throw new PermissionsError(
        PermissionsErrorCode.DuplicateOverwrite,
        `channel ${channel.id} has two overwrites of type ${overwrite.type} for ${overwrite.id}`,
      );
    }
    seen.add(key);
  }
}

function checkGuild(guildId: string, channel: PermissionChannel): void {
  if (channel.guildId !== guildId) {
    throw new PermissionsError(
      PermissionsErrorCode.ChannelGuildMismatch,
      `channel ${channel.id} belongs to guild ${channel.guildId}, not ${guildId}`,
    );
  }
}

/** The overwrites that govern `channel` (a thread's parent's) and how the implicit rules treat it. */
export interface OverwriteSource {
  readonly overwrites: readonly PermissionOverwrite[];
  readonly kind: ChannelKind;
}

/**
 * Validates `channel` (and, for a thread, `parent`) against the guild and returns the
 * overwrites that apply to it.
 */
export function overwriteSource(
  guildId: string,
  channel: PermissionChannel,
  parent: PermissionChannel | undefined,
): OverwriteSource {
  checkGuild(guildId, channel);
  const kind = channelKind(channel.type);
  if (kind !== ChannelKind.Thread) {
    checkOverwrites(channel);
    return { overwrites: channel.permissionOverwrites, kind };
  }
  if (parent === undefined || channel.parentId == null || parent.id !== channel.parentId) {
    throw new PermissionsError(
      PermissionsErrorCode.MissingParent,
      `thread ${channel.id} needs its parent channel ${channel.parentId ?? '(none)'}, got ${parent?.id ?? 'none'}`,
    );
  }
  if (channelKind(parent.type) === ChannelKind.Thread) {
    throw new PermissionsError(
      PermissionsErrorCode.MissingParent,
      `thread ${channel.id} has a thread (${parent.id}) as its parent`,
    );
  }
  checkGuild(guildId, parent);
  checkOverwrites(parent);
  return { overwrites: parent.permissionOverwrites, kind };
}
