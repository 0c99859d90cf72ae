/**
 * Every permission bit Discord documents, by its Discord name.
 *
 * ```
 *  bit  63 ............ 53 52 51 ..... 11 10  9 ...  3  2  1  0
 *      [ undocumented    ][BS][PM] ... [SM][VC] ... [AD][BM][KM][CI]
 * ```
 * Bit 47 is unassigned. Values above bit 52 are not documented; the resolvers carry them
 * through unchanged but {@link ALL_PERMISSIONS} does not contain them.
 *
 * @see https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
 * @example
 * ```ts
 * const canPost = (perms & PermissionFlags.SEND_MESSAGES) === PermissionFlags.SEND_MESSAGES;
 * ```
 */
export const PermissionFlags = Object.freeze({
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  PRIORITY_SPEAKER: 1n << 8n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  SEND_TTS_MESSAGES: 1n << 12n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  VIEW_GUILD_INSIGHTS: 1n << 19n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  USE_VAD: 1n << 25n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  REQUEST_TO_SPEAK: 1n << 32n,
  MANAGE_EVENTS: 1n << 33n,
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  USE_EXTERNAL_STICKERS: 1n << 37n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  USE_EMBEDDED_ACTIVITIES: 1n << 39n,
  MODERATE_MEMBERS: 1n << 40n,
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 1n << 41n,
  USE_SOUNDBOARD: 1n << 42n,
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
  CREATE_EVENTS: 1n << 44n,
  USE_EXTERNAL_SOUNDS: 1n << 45n,
  SEND_VOICE_MESSAGES: 1n << 46n,
  SET_VOICE_CHANNEL_STATUS: 1n << 48n,
  SEND_POLLS: 1n << 49n,
  USE_EXTERNAL_APPS: 1n << 50n,
  PIN_MESSAGES: 1n << 51n,
  BYPASS_SLOWMODE: 1n << 52n,
});

/** The Discord name of one permission flag, e.g. `'VIEW_CHANNEL'`. */
export type PermissionFlagName = keyof typeof PermissionFlags;

const FLAG_ENTRIES: readonly (readonly [PermissionFlagName, bigint])[] = (
  Object.entries(PermissionFlags) as [PermissionFlagName, bigint][]
).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Every documented permission at once: what the guild owner and any member with
 * `ADMINISTRATOR` hold.
 *
 * @example
 * ```ts
 * ALL_PERMISSIONS === 0x1f_7fff_ffff_ffffn; // bits 0..52 except the unassigned bit 47
 * ```
 */
export const ALL_PERMISSIONS: bigint = FLAG_ENTRIES.reduce((all, [, bit]) => all | bit, 0n);

/**
 * Whether `permissions` holds every bit of `flag` (so a combined flag asks for all of them).
 *
 * @param permissions - a resolved permission set.
 * @param flag - one flag, or several OR-ed together.
 * @returns `true` when every bit of `flag` is set in `permissions`.
 * @example
 * ```ts
 * hasPermission(perms, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES);
 * ```
 */
export function hasPermission(permissions: bigint, flag: bigint): boolean {
  return (permissions & flag) === flag;
}

/**
 * Names the documented flags set in `permissions`, lowest bit first. Undocumented bits are
 * not named.
 *
 * @param permissions - a permission set.
 * @returns the flag names in bit order.
 * @example
 * ```ts
 * describePermissions(3072n); // ['VIEW_CHANNEL', 'SEND_MESSAGES']
 * ```
 */
export function describePermissions(permissions: bigint): PermissionFlagName[] {
  const names: PermissionFlagName[] = [];
  for (const [name, bit] of FLAG_ENTRIES) {
    if ((permissions & bit) !== 0n) names.push(name);
  }
  return names;
}
