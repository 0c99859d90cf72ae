/**
 * Guild rows in PostgreSQL (tables of `postgres-migrations`). Ids and bitfields travel as
 * decimal strings both ways (`numeric` in, `::text` out), so nothing passes through a float.
 */
import type { QueryResultRow } from 'pg';
import type {
  ChannelRecord,
  GuildChannelType,
  MemberRecord,
  OverwriteRecord,
  RoleRecord,
} from '../guild-types.js';
import type { GuildRepository } from './guild-repository.js';

/** What the repository sends queries through: a pool (reads) or one client (a transaction). */
export interface Queryable {
  query<R extends QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

interface ChannelRow {
  id: string;
  type: GuildChannelType;
  name: string;
  position: number;
  parent_id: string | null;
  topic: string | null;
  nsfw: boolean;
  rate_limit_per_user: number;
  overwrites: [string, 0 | 1, string, string][];
}

interface RoleRow {
  id: string;
  name: string;
  permissions: string;
  position: number;
  hoist: boolean;
  color: number;
  mentionable: boolean;
  managed: boolean;
}

interface MemberRow {
  user_id: string;
  nick: string | null;
  role_ids: string[];
  joined_at: string;
  communication_disabled_until: string | null;
}

function toChannel(guildId: string, row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    guildId,
    type: row.type,
    name: row.name,
    position: row.position,
    parentId: row.parent_id,
    topic: row.topic,
    nsfw: row.nsfw,
    rateLimitPerUser: row.rate_limit_per_user,
    permissionOverwrites: row.overwrites.map(
      ([id, type, allow, deny]): OverwriteRecord => ({
        id,
        type,
        allow: BigInt(allow),
        deny: BigInt(deny),
      }),
    ),
  };
}

function toRole(guildId: string, row: RoleRow): RoleRecord {
  return { ...row, guildId, permissions: BigInt(row.permissions) };
}

function toMember(guildId: string, row: MemberRow): MemberRecord {
  return {
    guildId,
    userId: row.user_id,
    nick: row.nick,
    roleIds: row.role_ids,
    joinedAt: Number(row.joined_at),
    communicationDisabledUntil:
      row.communication_disabled_until === null ? null : Number(row.communication_disabled_until),
  };
}

/**
 * @param db - a pool for reads, or the transaction's client.
 * @param schema - the validated schema name.
 * @param lockGuild - whether `getGuild` locks the guild row (`FOR UPDATE`), serializing the
 * write transactions of one guild.
 * @returns guild rows in `schema`.
 */
export function postgresGuildRepository(
  db: Queryable,
  schema: string,
  lockGuild: boolean,
): GuildRepository {
  const s = `"${schema}"`;
  const channelQuery = (where: string): string => `
    SELECT c.id::text, c.type, c.name, c.position, c.parent_id::text, c.topic, c.nsfw,
      c.rate_limit_per_user,
      COALESCE(
        json_agg(json_build_array(o.id::text, o.type, o.allow::text, o.deny::text) ORDER BY o.id)
          FILTER (WHERE o.id IS NOT NULL),
        '[]'
      ) AS overwrites
    FROM ${s}.channels c
    LEFT JOIN ${s}.channel_overwrites o ON o.guild_id = c.guild_id AND o.channel_id = c.id
    WHERE ${where}
    GROUP BY c.guild_id, c.id`;
  const roleColumns =
    'id::text, name, permissions::text, position, hoist, color, mentionable, managed';
  const memberColumns =
    'user_id::text, nick, role_ids::text[] AS role_ids, joined_at, communication_disabled_until';

  return {
    async getGuild(guildId) {
      const { rows } = await db.query<{ id: string; name: string; owner_id: string }>(
        `SELECT id::text, name, owner_id::text FROM ${s}.guilds WHERE id = $1${lockGuild ? ' FOR UPDATE' : ''}`,
        [guildId],
      );
      const row = rows[0];
      return row === undefined ? undefined : { id: row.id, name: row.name, ownerId: row.owner_id };
    },
    async insertGuild(guild) {
      await db.query(`INSERT INTO ${s}.guilds (id, name, owner_id) VALUES ($1, $2, $3)`, [
        guild.id,
        guild.name,
        guild.ownerId,
      ]);
    },
    async updateGuild(guild) {
      await db.query(`UPDATE ${s}.guilds SET name = $2, owner_id = $3 WHERE id = $1`, [
        guild.id,
        guild.name,
        guild.ownerId,
      ]);
    },
    async deleteGuild(guildId) {
      await db.query(`DELETE FROM ${s}.guilds WHERE id = $1`, [guildId]);
    },

    async getChannel(guildId, channelId) {
      const { rows } = await db.query<ChannelRow>(channelQuery('c.guild_id = $1 AND c.id = $2'), [
        guildId,
        channelId,
      ]);
      const row = rows[0];
      return row === undefined ? undefined : toChannel(guildId, row);
    },
    async listChannels(guildId) {
      const { rows } = await db.query<ChannelRow>(channelQuery('c.guild_id = $1'), [guildId]);
      return rows.map((row) => toChannel(guildId, row));
    },
    async putChannel(channel) {
      await db.query(
        `INSERT INTO ${s}.channels
          (guild_id, id, type, name, position, parent_id, topic, nsfw, rate_limit_per_user)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (guild_id, id) DO UPDATE SET
          type = EXCLUDED.type, name = EXCLUDED.name, position = EXCLUDED.position,
          parent_id = EXCLUDED.parent_id, topic = EXCLUDED.topic, nsfw = EXCLUDED.nsfw,
          rate_limit_per_user = EXCLUDED.rate_limit_per_user`,
        [
          channel.guildId,
          channel.id,
          channel.type,
          channel.name,
          channel.position,
          channel.parentId,
          channel.topic,
          channel.nsfw,
          channel.rateLimitPerUser,
        ],
      );
    },
    async deleteChannel(guildId, channelId) {
      await db.query(`DELETE FROM ${s}.channels WHERE guild_id = $1 AND id = $2`, [
        guildId,
        channelId,
      ]);
    },
    async setOverwrite(guildId, channelId, overwrite) {
      await db.query(
        `INSERT INTO ${s}.channel_overwrites (guild_id, channel_id, id, type, allow, deny)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (guild_id, channel_id, id) DO UPDATE SET
          type = EXCLUDED.type, allow = EXCLUDED.allow, deny = EXCLUDED.deny`,
        [
          guildId,
          channelId,
          overwrite.id,
          overwrite.type,
          overwrite.allow.toString(),
          overwrite.deny.toString(),
        ],
      );
    },
    async deleteOverwrite(guildId, channelId, overwriteId) {
      const { rowCount } = await db.query(
        `DELETE FROM ${s}.channel_overwrites WHERE guild_id = $1 AND channel_id = $2 AND id = $3`,
        [guildId, channelId, overwriteId],
      );
      return (rowCount ?? 0) > 0;
    },

    async getRole(guildId, roleId) {
      const { rows } = await db.query<RoleRow>(
        `SELECT ${roleColumns} FROM ${s}.roles WHERE guild_id = $1 AND id = $2`,
        [guildId, roleId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toRole(guildId, row);
    },
    async listRoles(guildId) {
      const { rows } = await db.query<RoleRow>(
        `SELECT ${roleColumns} FROM ${s}.roles WHERE guild_id = $1`,
        [guildId],
      );
      return rows.map((row) => toRole(guildId, row));
    },
    async putRole(role) {
      await db.query(
        `INSERT INTO ${s}.roles
          (guild_id, id, name, permissions, position, hoist, color, mentionable, managed)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (guild_id, id) DO UPDATE SET
          name = EXCLUDED.name, permissions = EXCLUDED.permissions, position = EXCLUDED.position,
          hoist = EXCLUDED.hoist, color = EXCLUDED.color, mentionable = EXCLUDED.mentionable,
          managed = EXCLUDED.managed`,
        [
          role.guildId,
          role.id,
          role.name,
          role.permissions.toString(),
          role.position,
          role.hoist,
          role.color,
          role.mentionable,
          role.managed,
        ],
      );
    },
    async deleteRole(guildId, roleId) {
      await db.query(`DELETE FROM ${s}.roles WHERE guild_id = $1 AND id = $2`, [guildId, roleId]);
    },
    async stripRole(guildId, roleId) {
      await db.query(
        `UPDATE ${s}.members SET role_ids = array_remove(role_ids, $2::numeric)
        WHERE guild_id = $1 AND role_ids @> ARRAY[$2::numeric]`,
        [guildId, roleId],
      );
      await db.query(
        `DELETE FROM ${s}.channel_overwrites WHERE guild_id = $1 AND id = $2 AND type = 0`,
        [guildId, roleId],
      );
    },

    async getMember(guildId, userId) {
      const { rows } = await db.query<MemberRow>(
        `SELECT ${memberColumns} FROM ${s}.members WHERE guild_id = $1 AND user_id = $2`,
        [guildId, userId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toMember(guildId, row);
    },
    async listMembers(guildId, after, limit) {
      const { rows } = await db.query<MemberRow>(
        `SELECT ${memberColumns} FROM ${s}.members m
        WHERE m.guild_id = $1 AND ($2::numeric IS NULL OR m.user_id > $2::numeric)
        ORDER BY m.user_id LIMIT $3`,
        [guildId, after ?? null, limit],
      );
      return rows.map((row) => toMember(guildId, row));
    },
    async putMember(member) {
      await db.query(
        `INSERT INTO ${s}.members
          (guild_id, user_id, nick, role_ids, joined_at, communication_disabled_until)
        VALUES ($1, $2, $3, $4::numeric[], $5, $6)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET
          nick = EXCLUDED.nick, role_ids = EXCLUDED.role_ids, joined_at = EXCLUDED.joined_at,
          communication_disabled_until = EXCLUDED.communication_disabled_until`,
        [
          member.guildId,
          member.userId,
          member.nick,
          member.roleIds,
          member.joinedAt,
          member.communicationDisabledUntil,
        ],
      );
    },
    async deleteMember(guildId, userId) {
      await db.query(`DELETE FROM ${s}.members WHERE guild_id = $1 AND user_id = $2`, [
        guildId,
        userId,
      ]);
    },
  };
}
