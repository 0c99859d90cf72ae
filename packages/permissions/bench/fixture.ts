import {
  PermissionFlags as F,
  OverwriteType,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
} from '@guildkit/permissions';

/** A guild id and ids shaped like real snowflakes. */
export const GUILD_ID = '1150000000000000000';
const roleId = (n: number): string => `12000000000000000${String(n).padStart(2, '0')}`;
const userId = (n: number): string => `13000000000000000${String(n).padStart(2, '0')}`;

/** @everyone plus 9 roles: 10 roles. */
export const guild: PermissionGuild = {
  id: GUILD_ID,
  ownerId: userId(99),
  roles: [
    {
      id: GUILD_ID,
      position: 0,
      permissions:
        F.VIEW_CHANNEL |
        F.SEND_MESSAGES |
        F.READ_MESSAGE_HISTORY |
        F.ADD_REACTIONS |
        F.CONNECT |
        F.SPEAK,
    },
    { id: roleId(1), position: 1, permissions: F.EMBED_LINKS | F.ATTACH_FILES },
    { id: roleId(2), position: 2, permissions: F.USE_EXTERNAL_EMOJIS },
    { id: roleId(3), position: 3, permissions: F.MANAGE_MESSAGES | F.MANAGE_THREADS },
    { id: roleId(4), position: 4, permissions: F.KICK_MEMBERS | F.MODERATE_MEMBERS },
    {
      id: roleId(5),
      position: 5,
      permissions: F.CREATE_PUBLIC_THREADS | F.SEND_MESSAGES_IN_THREADS,
    },
    { id: roleId(6), position: 6, permissions: F.STREAM | F.USE_VAD },
    { id: roleId(7), position: 7, permissions: F.MENTION_EVERYONE },
    { id: roleId(8), position: 8, permissions: F.PIN_MESSAGES | F.SEND_POLLS },
    { id: roleId(9), position: 9, permissions: F.BYPASS_SLOWMODE },
  ],
};

/** Members holding 5 roles each, as string ids (fresh strings, as parsed from gateway JSON). */
export const members: PermissionMember[] = Array.from({ length: 8 }, (_, m) => ({
  userId: JSON.parse(`"${userId(m)}"`) as string,
  roleIds: [1, 2, 3, 4, 5, 6, 7, 8, 9]
    .filter((_, i) => (i + m) % 9 < 5)
    .map((n) => JSON.parse(`"${roleId(n)}"`) as string),
}));

/** A text channel with 6 overwrites: @everyone, 4 roles, 1 member. */
export const channel: PermissionChannel = {
  id: '1400000000000000001',
  guildId: GUILD_ID,
  type: 0,
  permissionOverwrites: [
    { id: GUILD_ID, type: OverwriteType.Role, allow: 0n, deny: F.SEND_MESSAGES | F.ADD_REACTIONS },
    { id: roleId(1), type: OverwriteType.Role, allow: F.SEND_MESSAGES, deny: 0n },
    { id: roleId(3), type: OverwriteType.Role, allow: F.ADD_REACTIONS, deny: F.ATTACH_FILES },
    { id: roleId(5), type: OverwriteType.Role, allow: F.MANAGE_MESSAGES, deny: 0n },
    { id: roleId(8), type: OverwriteType.Role, allow: 0n, deny: F.EMBED_LINKS },
    { id: userId(2), type: OverwriteType.Member, allow: F.ATTACH_FILES, deny: F.MENTION_EVERYONE },
  ],
};
