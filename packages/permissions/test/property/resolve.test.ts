import { fc, test } from '@fast-check/vitest';
import {
  computeBasePermissions,
  computeChannelPermissions,
  OverwriteType,
  PermissionFlags,
} from '@guildkit/permissions';
import { describe, expect } from 'vitest';
import {
  channelWithParentArb,
  guildArb,
  memberArb,
  NOW,
  overwritesArb,
} from '../support/arbitraries.js';
import { oracleBase, oracleChannel } from '../support/oracle.js';

describe('BigInt resolution against a model of Discord’s pseudocode', () => {
  test.prop([guildArb, memberArb], { numRuns: 500 })(
    'base permissions equal the model',
    (guild, member) => {
      expect(computeBasePermissions(guild, member, { now: NOW })).toBe(
        oracleBase(guild, member, NOW),
      );
    },
  );

  test.prop([guildArb, memberArb, channelWithParentArb], { numRuns: 2000 })(
    'channel permissions equal the model for every channel type',
    (guild, member, { channel, parent }) => {
      const options = parent === undefined ? { now: NOW } : { now: NOW, parent };
      expect(computeChannelPermissions(guild, member, channel, options)).toBe(
        oracleChannel(guild, member, channel, parent, NOW),
      );
    },
  );

  test.prop([guildArb, memberArb, channelWithParentArb], { numRuns: 500 })(
    'a channel answer is 0n or includes VIEW_CHANNEL',
    (guild, member, { channel, parent }) => {
      const options = parent === undefined ? { now: NOW } : { now: NOW, parent };
      const perms = computeChannelPermissions(guild, member, channel, options);
      expect(perms === 0n || (perms & PermissionFlags.VIEW_CHANNEL) !== 0n).toBe(true);
    },
  );

  test.prop([guildArb, memberArb, overwritesArb], { numRuns: 500 })(
    'the member overwrite decides every bit it names, whatever the role overwrites say',
    (guild, member, overwrites) => {
      const untimed = { ...member, communicationDisabledUntil: null };
      fc.pre(guild.ownerId !== member.userId);
      fc.pre((oracleBase(guild, untimed, NOW) & PermissionFlags.ADMINISTRATOR) === 0n);
      const allow = PermissionFlags.VIEW_CHANNEL | PermissionFlags.MANAGE_MESSAGES;
      const deny = PermissionFlags.ATTACH_FILES;
      const category = {
        id: '4003',
        guildId: guild.id,
        type: 4,
        permissionOverwrites: [
          ...overwrites.filter((o) => !(o.type === 1 && o.id === member.userId)),
          { id: member.userId, type: OverwriteType.Member, allow, deny },
        ],
      };
      const perms = computeChannelPermissions(guild, untimed, category, { now: NOW });
      expect(perms & allow).toBe(allow);
      expect(perms & deny).toBe(0n);
    },
  );
});
