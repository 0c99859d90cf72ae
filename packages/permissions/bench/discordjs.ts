import type { PermissionChannel, PermissionGuild, PermissionMember } from '@guildkit/permissions';
import { Collection, GuildChannel, GuildMember, PermissionsBitField } from 'discord.js';

interface DjsRole {
  readonly id: string;
  readonly permissions: Readonly<PermissionsBitField>;
}

/** `GuildChannel#memberPermissions`, private in discord.js' typings. */
type MemberPermissions = (
  this: object,
  member: GuildMember,
  checkAdmin: boolean,
) => Readonly<PermissionsBitField>;
const memberPermissions = (
  GuildChannel.prototype as unknown as { memberPermissions: MemberPermissions }
).memberPermissions;

/**
 * Runs discord.js v14's own code for `channel.permissionsFor(member)` without a Client:
 * a GuildChannel and GuildMembers built on discord.js' prototypes over plain data, so
 * `GuildChannel#memberPermissions`, `#overwritesFor`, `GuildMember#roles` and
 * `GuildMemberRoleManager#cache` run unchanged on the frozen `PermissionsBitField`s discord.js
 * keeps on its Role and PermissionOverwrites objects.
 *
 * @param guild - the fixture guild.
 * @param channel - the fixture channel.
 * @param members - the fixture members.
 * @returns per member (same order), a call of discord.js' resolution for it.
 */
export function discordJsResolvers(
  guild: PermissionGuild,
  channel: PermissionChannel,
  members: readonly PermissionMember[],
): (() => Readonly<PermissionsBitField>)[] {
  const roles = new Collection<string, DjsRole>(
    guild.roles.map((role) => [
      role.id,
      { id: role.id, permissions: new PermissionsBitField(role.permissions).freeze() },
    ]),
  );
  const client = {};
  const djsGuild = {
    id: guild.id,
    ownerId: guild.ownerId,
    roles: { cache: roles, everyone: roles.get(guild.id) },
  };
  const djsChannel: object = Object.assign(Object.create(GuildChannel.prototype) as object, {
    guild: djsGuild,
    permissionOverwrites: {
      cache: new Collection(
        channel.permissionOverwrites.map((o) => [
          o.id,
          {
            id: o.id,
            type: o.type,
            allow: new PermissionsBitField(o.allow).freeze(),
            deny: new PermissionsBitField(o.deny).freeze(),
          },
        ]),
      ),
    },
  });
  return members.map((member) => {
    const djsMember = Object.assign(Object.create(GuildMember.prototype) as GuildMember, {
      client,
      guild: djsGuild,
      user: { id: member.userId },
      _roles: member.roleIds,
    });
    return () => memberPermissions.call(djsChannel, djsMember, true);
  });
}
