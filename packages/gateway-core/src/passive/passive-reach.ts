import { GatewayDispatchEvents } from 'discord-api-types/v10';

/**
 * Which passive sessions of a large guild a guild event reaches:
 * - `all`: every passive session (the guild's structure: the guild, channels, threads, roles,
 *   emojis, stickers, and a message that mentions @everyone);
 * - `users`: the sessions of these users (a member event reaches the member it is about, a
 *   message the users it mentions);
 * - `none`: active sessions only (other messages, reactions, typing, presence, the rest).
 */
export type PassiveReach =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'users'; readonly userIds: readonly string[] };

/**
 * Guild events every session of a guild needs, passive or not: what a client draws the guild's
 * channel list, roles and emoji picker from. Discord's passive sessions keep these too.
 *
 * @example
 * ```ts
 * import { PASSIVE_STRUCTURE_EVENTS } from '@guildkit/gateway-core';
 *
 * PASSIVE_STRUCTURE_EVENTS.has('CHANNEL_UPDATE'); // true
 * ```
 */
export const PASSIVE_STRUCTURE_EVENTS: ReadonlySet<string> = new Set<string>([
  GatewayDispatchEvents.GuildUpdate,
  GatewayDispatchEvents.GuildDelete,
  GatewayDispatchEvents.GuildRoleCreate,
  GatewayDispatchEvents.GuildRoleUpdate,
  GatewayDispatchEvents.GuildRoleDelete,
  GatewayDispatchEvents.ChannelCreate,
  GatewayDispatchEvents.ChannelUpdate,
  GatewayDispatchEvents.ChannelDelete,
  GatewayDispatchEvents.ChannelPinsUpdate,
  GatewayDispatchEvents.ThreadCreate,
  GatewayDispatchEvents.ThreadUpdate,
  GatewayDispatchEvents.ThreadDelete,
  GatewayDispatchEvents.GuildEmojisUpdate,
  GatewayDispatchEvents.GuildStickersUpdate,
]);

/** Member events that reach the passive sessions of the member they are about. */
const MEMBER_EVENTS: ReadonlySet<string> = new Set<string>([
  GatewayDispatchEvents.GuildMemberUpdate,
  GatewayDispatchEvents.GuildMemberRemove,
  GatewayDispatchEvents.GuildMemberAdd,
]);

const ALL: PassiveReach = Object.freeze({ kind: 'all' });
const NONE: PassiveReach = Object.freeze({ kind: 'none' });

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function idOf(value: unknown): string | undefined {
  return isObject(value) && typeof value['id'] === 'string' ? value['id'] : undefined;
}

function mentionedUserIds(d: Json): string[] {
  const mentions = d['mentions'];
  if (!Array.isArray(mentions)) return [];
  const ids: string[] = [];
  for (const mention of mentions) {
    const id = idOf(mention);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * Classifies a guild event for the passive sessions of a large guild.
 *
 * @param t - the event name.
 * @param d - its payload.
 * @returns which passive sessions get it.
 * @example
 * ```ts
 * import { passiveReach } from '@guildkit/gateway-core';
 *
 * passiveReach('MESSAGE_CREATE', { mentions: [{ id: '1' }], mention_everyone: false });
 * // { kind: 'users', userIds: ['1'] }
 * ```
 */
export function passiveReach(t: string, d: unknown): PassiveReach {
  if (PASSIVE_STRUCTURE_EVENTS.has(t)) return ALL;
  if (!isObject(d)) return NONE;
  if (t === GatewayDispatchEvents.MessageCreate) {
    if (d['mention_everyone'] === true) return ALL;
    const userIds = mentionedUserIds(d);
    return userIds.length === 0 ? NONE : { kind: 'users', userIds };
  }
  if (MEMBER_EVENTS.has(t)) {
    const userId = idOf(d['user']);
    return userId === undefined ? NONE : { kind: 'users', userIds: [userId] };
  }
  return NONE;
}
