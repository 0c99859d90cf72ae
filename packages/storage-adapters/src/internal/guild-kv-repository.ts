/**
 * Guild rows over a {@link KvWritableView}. Layout (scope / id -> value); bigints are stored as
 * decimal strings so that any value encoding keeps all 64 bits:
 *
 * ```
 * g        / guild   -> StoredGuild
 * c:<guild>/ channel -> StoredChannel   (its overwrites inside, ascending by id)
 * r:<guild>/ role    -> StoredRole
 * m:<guild>/ user    -> StoredMember
 * ```
 */
import type {
  ChannelRecord,
  GuildChannelType,
  MemberRecord,
  OverwriteRecord,
  RoleRecord,
} from '../guild-types.js';
import type { KvValue, KvWritableView } from './guild-kv.js';
import { compareIds } from './guild-order.js';
import type { ChannelFields, GuildRepository } from './guild-repository.js';

interface StoredGuild {
  readonly name: string;
  readonly ownerId: string;
}

type StoredOverwrite = readonly [id: string, type: 0 | 1, allow: string, deny: string];

interface StoredChannel {
  readonly type: GuildChannelType;
  readonly name: string;
  readonly position: number;
  readonly parentId: string | null;
  readonly topic: string | null;
  readonly nsfw: boolean;
  readonly rateLimitPerUser: number;
  readonly overwrites: readonly StoredOverwrite[];
}

interface StoredRole {
  readonly name: string;
  readonly permissions: string;
  readonly position: number;
  readonly hoist: boolean;
  readonly color: number;
  readonly mentionable: boolean;
  readonly managed: boolean;
}

interface StoredMember {
  readonly nick: string | null;
  readonly roleIds: readonly string[];
  readonly joinedAt: number;
  readonly communicationDisabledUntil: number | null;
}

const GUILDS = 'g';
const channelsOf = (guildId: string): string => `c:${guildId}`;
const rolesOf = (guildId: string): string => `r:${guildId}`;
const membersOf = (guildId: string): string => `m:${guildId}`;

function toChannel(guildId: string, id: string, value: KvValue): ChannelRecord {
  const { overwrites, ...fields } = value as StoredChannel;
  return {
    id,
    guildId,
    ...fields,
    permissionOverwrites: overwrites.map(([overwriteId, type, allow, deny]) => ({
      id: overwriteId,
      type,
      allow: BigInt(allow),
      deny: BigInt(deny),
    })),
  };
}

function storeOverwrites(overwrites: readonly OverwriteRecord[]): StoredOverwrite[] {
  return [...overwrites]
    .sort((a, b) => compareIds(a.id, b.id))
    .map(({ id, type, allow, deny }) => [id, type, allow.toString(), deny.toString()]);
}

function storeChannel(
  channel: ChannelFields,
  overwrites: readonly OverwriteRecord[],
): StoredChannel {
  return {
    type: channel.type,
    name: channel.name,
    position: channel.position,
    parentId: channel.parentId,
    topic: channel.topic,
    nsfw: channel.nsfw,
    rateLimitPerUser: channel.rateLimitPerUser,
    overwrites: storeOverwrites(overwrites),
  };
}

function toRole(guildId: string, id: string, value: KvValue): RoleRecord {
  const stored = value as StoredRole;
  return { id, guildId, ...stored, permissions: BigInt(stored.permissions) };
}

function toMember(guildId: string, userId: string, value: KvValue): MemberRecord {
  const stored = value as StoredMember;
  return { guildId, userId, ...stored, roleIds: [...stored.roleIds] };
}

function storeMember(member: MemberRecord): StoredMember {
  return {
    nick: member.nick,
    roleIds: [...member.roleIds],
    joinedAt: member.joinedAt,
    communicationDisabledUntil: member.communicationDisabledUntil,
  };
}

/**
 * @param view - the entries to read and write.
 * @returns guild rows over `view`.
 */
export function kvGuildRepository(view: KvWritableView): GuildRepository {
  const deleteScope = (scope: string): void => {
    for (const [id] of [...view.scan(scope, undefined)]) view.set(scope, id, undefined);
  };
  const listChannels = (guildId: string): ChannelRecord[] =>
    [...view.scan(channelsOf(guildId), undefined)].map(([id, value]) =>
      toChannel(guildId, id, value),
    );
  const getChannel = (guildId: string, channelId: string): ChannelRecord | undefined => {
    const value = view.get(channelsOf(guildId), channelId);
    return value === undefined ? undefined : toChannel(guildId, channelId, value);
  };
  const putChannel = (channel: ChannelFields, overwrites: readonly OverwriteRecord[]): void => {
    view.set(channelsOf(channel.guildId), channel.id, storeChannel(channel, overwrites));
  };

  return {
    async getGuild(guildId) {
      const value = view.get(GUILDS, guildId) as StoredGuild | undefined;
      return value === undefined ? undefined : { id: guildId, ...value };
    },
    async insertGuild(guild) {
      view.set(GUILDS, guild.id, {
        name: guild.name,
        ownerId: guild.ownerId,
      } satisfies StoredGuild);
    },
    async updateGuild(guild) {
      view.set(GUILDS, guild.id, {
        name: guild.name,
        ownerId: guild.ownerId,
      } satisfies StoredGuild);
    },
    async deleteGuild(guildId) {
      deleteScope(channelsOf(guildId));
      deleteScope(rolesOf(guildId));
      deleteScope(membersOf(guildId));
      view.set(GUILDS, guildId, undefined);
    },

    async getChannel(guildId, channelId) {
      return getChannel(guildId, channelId);
    },
    async listChannels(guildId) {
      return listChannels(guildId);
    },
    async putChannel(channel) {
      putChannel(channel, getChannel(channel.guildId, channel.id)?.permissionOverwrites ?? []);
    },
    async deleteChannel(guildId, channelId) {
      view.set(channelsOf(guildId), channelId, undefined);
    },
    async setOverwrite(guildId, channelId, overwrite) {
      const { permissionOverwrites, ...channel } = getChannel(guildId, channelId)!;
      putChannel(channel, [
        ...permissionOverwrites.filter((existing) => existing.id !== overwrite.id),
        overwrite,
      ]);
    },
    async deleteOverwrite(guildId, channelId, overwriteId) {
      const { permissionOverwrites, ...channel } = getChannel(guildId, channelId)!;
      const kept = permissionOverwrites.filter((existing) => existing.id !== overwriteId);
      if (kept.length === permissionOverwrites.length) return false;
      putChannel(channel, kept);
      return true;
    },

    async getRole(guildId, roleId) {
      const value = view.get(rolesOf(guildId), roleId);
      return value === undefined ? undefined : toRole(guildId, roleId, value);
    },
    async listRoles(guildId) {
      return [...view.scan(rolesOf(guildId), undefined)].map(([id, value]) =>
        toRole(guildId, id, value),
      );
    },
    async putRole(role) {
      view.set(rolesOf(role.guildId), role.id, {
        name: role.name,
        permissions: role.permissions.toString(),
        position: role.position,
        hoist: role.hoist,
        color: role.color,
        mentionable: role.mentionable,
        managed: role.managed,
      } satisfies StoredRole);
    },
    async deleteRole(guildId, roleId) {
      view.set(rolesOf(guildId), roleId, undefined);
    },
    async stripRole(guildId, roleId) {
      for (const [userId, value] of [...view.scan(membersOf(guildId), undefined)]) {
        const member = toMember(guildId, userId, value);
        if (!member.roleIds.includes(roleId)) continue;
        const roleIds = member.roleIds.filter((id) => id !== roleId);
        view.set(membersOf(guildId), userId, storeMember({ ...member, roleIds }));
      }
      for (const { permissionOverwrites, ...channel } of listChannels(guildId)) {
        const kept = permissionOverwrites.filter(
          (overwrite) => overwrite.type !== 0 || overwrite.id !== roleId,
        );
        if (kept.length !== permissionOverwrites.length) putChannel(channel, kept);
      }
    },

    async getMember(guildId, userId) {
      const value = view.get(membersOf(guildId), userId);
      return value === undefined ? undefined : toMember(guildId, userId, value);
    },
    async listMembers(guildId, after, limit) {
      const page: MemberRecord[] = [];
      for (const [userId, value] of view.scan(membersOf(guildId), after)) {
        if (page.length === limit) break;
        page.push(toMember(guildId, userId, value));
      }
      return page;
    },
    async putMember(member) {
      view.set(membersOf(member.guildId), member.userId, storeMember(member));
    },
    async deleteMember(guildId, userId) {
      view.set(membersOf(guildId), userId, undefined);
    },
  };
}
