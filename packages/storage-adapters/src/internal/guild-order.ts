/**
 * The orders the guild store answers in: Discord's channel list and role hierarchy. Pure
 * functions shared by every adapter, so all of them sort exactly alike.
 */
import type { ChannelRecord, RoleRecord } from '../guild-types.js';

/**
 * Orders canonical decimal ids numerically without BigInt: shorter is smaller, then text order.
 *
 * @param a - an id.
 * @param b - another id.
 * @returns negative, zero or positive as `a` is smaller, equal or larger.
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isVoiceLike(channel: ChannelRecord): boolean {
  return channel.type === 2 || channel.type === 13;
}

function compareSiblings(a: ChannelRecord, b: ChannelRecord): number {
  const voice = Number(isVoiceLike(a)) - Number(isVoiceLike(b));
  if (voice !== 0) return voice;
  if (a.position !== b.position) return a.position - b.position;
  return compareIds(a.id, b.id);
}

/**
 * Sorts a guild's channels into Discord's display order: channels without a category first,
 * then each category followed by its children. Within each group (and among categories),
 * text-like channels come before voice and stage channels, then lower position first, then
 * lower id. A channel whose parent is not among `channels` is placed with the uncategorized.
 *
 * @param channels - every channel of one guild, in any order.
 * @returns a new array in display order.
 */
export function sortChannelsForDisplay(channels: readonly ChannelRecord[]): ChannelRecord[] {
  const categories = channels.filter((channel) => channel.type === 4).sort(compareSiblings);
  const categoryIds = new Set(categories.map((category) => category.id));
  const children = new Map<string | null, ChannelRecord[]>();
  for (const channel of channels) {
    if (channel.type === 4) continue;
    const group =
      channel.parentId !== null && categoryIds.has(channel.parentId) ? channel.parentId : null;
    const members = children.get(group) ?? [];
    members.push(channel);
    children.set(group, members);
  }
  const ordered = (children.get(null) ?? []).sort(compareSiblings);
  for (const category of categories) {
    ordered.push(category, ...(children.get(category.id) ?? []).sort(compareSiblings));
  }
  return ordered;
}

/**
 * Orders roles as Discord's hierarchy: the greater position is higher; at equal positions the
 * lower (older) id is higher.
 *
 * @param a - a role.
 * @param b - another role.
 * @returns negative when `a` is higher than `b` (so it sorts first), positive when lower.
 */
function compareRolesHighestFirst(a: RoleRecord, b: RoleRecord): number {
  if (a.position !== b.position) return b.position - a.position;
  return compareIds(a.id, b.id);
}

/**
 * @param roles - roles of one guild, in any order.
 * @returns a new array, highest role first.
 */
export function sortRolesHighestFirst(roles: readonly RoleRecord[]): RoleRecord[] {
  return [...roles].sort(compareRolesHighestFirst);
}
