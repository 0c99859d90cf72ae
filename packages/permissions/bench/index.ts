import {
  compileGuild,
  computeChannelPermissions,
  PermissionFlags,
  type PermissionMember,
} from '@guildkit/permissions';
import { compareSideBySide, formatComparisonTable } from '@guildkit/testkit';
import { discordJsResolvers } from './discordjs.js';
import { channel, guild, members } from './fixture.js';

const compiled = compileGuild(guild);
const compiledChannel = compiled.compileChannel(channel);
const discordJs = discordJsResolvers(guild, channel, members);
const AT = { now: 0 };
/** What discord.js does not apply: implicit rule 2 on a text channel. */
const SEND_DEPENDENT =
  PermissionFlags.MENTION_EVERYONE |
  PermissionFlags.SEND_TTS_MESSAGES |
  PermissionFlags.ATTACH_FILES |
  PermissionFlags.EMBED_LINKS;

members.forEach((member: PermissionMember, i) => {
  const ours = compiled.permissionsFor(member, compiledChannel, AT);
  const theirs = discordJs[i]!().bitfield;
  const expected =
    (theirs & PermissionFlags.SEND_MESSAGES) === 0n ? theirs & ~SEND_DEPENDENT : theirs;
  if (ours !== expected || ours !== computeChannelPermissions(guild, member, channel, AT)) {
    throw new Error(`the contenders disagree for member ${member.userId}`);
  }
});

const REPEAT = 16;
const count = members.length;
const sink: unknown[] = new Array(count).fill(null);

const rows = await compareSideBySide({
  ours: {
    name: '@guildkit/permissions compileGuild + permissionsFor (bigint)',
    fn: () => {
      for (let r = 0; r < REPEAT; r++) {
        for (let i = 0; i < count; i++)
          sink[i] = compiled.permissionsFor(members[i]!, compiledChannel, AT);
      }
    },
  },
  peers: [
    {
      name: '@guildkit/permissions compileGuild + resolveBits (no BigInt)',
      fn: () => {
        for (let r = 0; r < REPEAT; r++) {
          for (let i = 0; i < count; i++)
            sink[i] = compiled.resolveBits(members[i]!, compiledChannel, AT);
        }
      },
    },
    {
      name: '@guildkit/permissions computeChannelPermissions (BigInt path)',
      fn: () => {
        for (let r = 0; r < REPEAT; r++) {
          for (let i = 0; i < count; i++)
            sink[i] = computeChannelPermissions(guild, members[i]!, channel, AT);
        }
      },
    },
    {
      name: 'discord.js 14 GuildChannel#memberPermissions (PermissionsBitField)',
      fn: () => {
        for (let r = 0; r < REPEAT; r++) {
          for (let i = 0; i < count; i++) sink[i] = discordJs[i]!();
        }
      },
    },
  ],
  opsPerCall: REPEAT * count,
  timeMs: 2000,
});

process.stdout.write(
  formatComparisonTable(
    'Channel permission resolution: 10 roles, 6 overwrites, members with 5 string role ids',
    rows,
  ),
);
