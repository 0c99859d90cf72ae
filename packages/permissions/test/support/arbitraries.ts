import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import fc from 'fast-check';
import type { OracleChannel, OracleGuild, OracleMember, OracleOverwrite } from './oracle.js';

export const GUILD_ID = '1000';
export const ROLE_IDS = ['2001', '2002', '2003', '2004', '2005', '2006'] as const;
/** Role ids members may hold that are not roles of the guild. */
export const STRAY_ROLE_IDS = ['2999'] as const;
export const USER_IDS = ['3001', '3002', '3003', '3004'] as const;
export const NOW = 1_000_000;
export const CHANNEL_TYPES = [0, 2, 4, 5, 10, 11, 12, 13, 14, 15, 16] as const;
export const THREAD_TYPES = [10, 11, 12] as const;
export const NON_THREAD_TYPES = [0, 2, 4, 5, 13, 14, 15, 16] as const;

/** Flags that the implicit rules look at, so random sets hit every branch often. */
const INTERESTING = [
  P.ViewChannel,
  P.SendMessages,
  P.SendMessagesInThreads,
  P.Connect,
  P.Administrator,
  P.MentionEveryone,
  P.EmbedLinks,
  P.Speak,
  P.ManageChannels,
  P.ReadMessageHistory,
  P.RequestToSpeak,
  P.SetVoiceChannelStatus,
  1n << 63n,
];

export const permissionsArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.subarray(INTERESTING).map((bits) => bits.reduce((all, bit) => all | bit, 0n)),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constant(0n),
);

/** Role permissions without ADMINISTRATOR most of the time, so overwrites matter. */
export const rolePermissionsArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: permissionsArb.map((bits) => bits & ~P.Administrator) },
  { weight: 1, arbitrary: permissionsArb },
);

export const guildArb: fc.Arbitrary<OracleGuild> = fc
  .record({
    ownerId: fc.constantFrom(...USER_IDS, '3999'),
    everyone: rolePermissionsArb,
    roles: fc.subarray([...ROLE_IDS]).chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(id),
            permissions: rolePermissionsArb,
            position: fc.integer({ min: 1, max: 4 }),
          }),
        ),
      ),
    ),
  })
  .map(({ ownerId, everyone, roles }) => ({
    id: GUILD_ID,
    ownerId,
    roles: [{ id: GUILD_ID, permissions: everyone, position: 0 }, ...roles],
  }));

export const memberArb: fc.Arbitrary<OracleMember> = fc.record({
  userId: fc.constantFrom(...USER_IDS),
  roleIds: fc.array(fc.constantFrom(...ROLE_IDS, ...STRAY_ROLE_IDS, GUILD_ID), { maxLength: 5 }),
  communicationDisabledUntil: fc.option(fc.integer({ min: NOW - 10, max: NOW + 10 }), {
    nil: null,
  }),
});

export const overwritesArb: fc.Arbitrary<OracleOverwrite[]> = fc.uniqueArray(
  fc.oneof(
    fc.record({
      id: fc.constantFrom(GUILD_ID, ...ROLE_IDS, ...STRAY_ROLE_IDS),
      type: fc.constant(0 as const),
      allow: permissionsArb,
      deny: permissionsArb,
    }),
    fc.record({
      id: fc.constantFrom(...USER_IDS),
      type: fc.constant(1 as const),
      allow: permissionsArb,
      deny: permissionsArb,
    }),
  ),
  { selector: (overwrite) => `${overwrite.type}:${overwrite.id}`, maxLength: 8 },
);

/** A channel of any type; threads come with a parent. */
export const channelWithParentArb: fc.Arbitrary<{
  channel: OracleChannel;
  parent?: OracleChannel;
}> = fc
  .record({
    type: fc.constantFrom(...CHANNEL_TYPES),
    overwrites: overwritesArb,
    parentType: fc.constantFrom(...NON_THREAD_TYPES),
    parentOverwrites: overwritesArb,
  })
  .map(({ type, overwrites, parentType, parentOverwrites }) => {
    const isThread = (THREAD_TYPES as readonly number[]).includes(type);
    const parent: OracleChannel = {
      id: '4001',
      guildId: GUILD_ID,
      type: parentType,
      permissionOverwrites: parentOverwrites,
    };
    const channel: OracleChannel = {
      id: '4002',
      guildId: GUILD_ID,
      type,
      parentId: isThread ? parent.id : null,
      permissionOverwrites: overwrites,
    };
    return isThread ? { channel, parent } : { channel };
  });
