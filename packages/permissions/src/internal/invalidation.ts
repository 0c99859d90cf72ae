import type { PermissionChannel, PermissionMember } from '../shapes.js';
import type { GuildIndex } from './guild-index.js';
import { diffOverwrites } from './overwrite-diff.js';
import { holdsRole } from './resolve-core.js';
import { ChannelKind, channelKind } from './rules.js';

/** Decides whether the cached answer for (channel id, user id) must be dropped. */
export type DropRule = (channelId: string, userId: string) => boolean;

export function isThread(channel: PermissionChannel): boolean {
  return channelKind(channel.type) === ChannelKind.Thread;
}

function effectiveRoles(index: GuildIndex, member: PermissionMember): Set<string> {
  return new Set(member.roleIds.filter((roleId) => holdsRole(index, member, roleId)));
}

/** Whether two states of a member hold the same roles of the guild (order and strays aside). */
export function sameEffectiveRoles(
  index: GuildIndex,
  a: PermissionMember,
  b: PermissionMember,
): boolean {
  const before = effectiveRoles(index, a);
  const after = effectiveRoles(index, b);
  return before.size === after.size && [...before].every((roleId) => after.has(roleId));
}

/**
 * The answers a channel change invalidates: the channel's own when its kind (or, for a thread,
 * its parent) changes; for an overwrite change, those of the members the changed overwrites
 * concern, in the channel and in its threads; a thread's children when it stops or starts
 * being a valid parent.
 */
export function channelChangeRule(
  index: GuildIndex,
  before: PermissionChannel,
  after: PermissionChannel,
  channels: ReadonlyMap<string, PermissionChannel>,
  members: ReadonlyMap<string, PermissionMember>,
): DropRule {
  const id = after.id;
  const kindChanged = channelKind(before.type) !== channelKind(after.type);
  const parentChanged = isThread(after) && (before.parentId ?? null) !== (after.parentId ?? null);
  const threadnessChanged = isThread(before) !== isThread(after);
  // A thread's own overwrites are never read.
  const overwritesMatter = !isThread(after);
  const change = diffOverwrites(index.id, before.permissionOverwrites, after.permissionOverwrites);
  const concerned = (userId: string): boolean => {
    if (change.everyone || change.userIds.has(userId)) return true;
    const member = members.get(userId);
    return (
      member !== undefined && [...change.roleIds].some((roleId) => holdsRole(index, member, roleId))
    );
  };
  return (channelId, userId) => {
    if (channelId === id)
      return kindChanged || parentChanged || (overwritesMatter && concerned(userId));
    const channel = channels.get(channelId);
    if (channel === undefined || !isThread(channel) || channel.parentId !== id) return false;
    return threadnessChanged || (overwritesMatter && concerned(userId));
  };
}
