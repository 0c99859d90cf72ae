import { fc, test } from '@fast-check/vitest';
import {
  compileGuild,
  computeChannelPermissions,
  fromPermissionBits,
  hasPermissionBits,
  toPermissionBits,
} from '@guildkit/permissions';
import { describe, expect } from 'vitest';
import {
  channelWithParentArb,
  guildArb,
  memberArb,
  NOW,
  permissionsArb,
} from '../support/arbitraries.js';

describe('compiled path', () => {
  test.prop([guildArb, fc.array(memberArb, { minLength: 1, maxLength: 4 }), channelWithParentArb], {
    numRuns: 2000,
  })(
    'equals the BigInt path on random guilds, members and channels of every type',
    (guild, members, { channel, parent }) => {
      const compiled = compileGuild(guild);
      const compiledChannel = compiled.compileChannel(channel, parent);
      const options = parent === undefined ? { now: NOW } : { now: NOW, parent };
      for (const member of members) {
        const expected = computeChannelPermissions(guild, member, channel, options);
        expect(compiled.permissionsFor(member, compiledChannel, { now: NOW })).toBe(expected);
        expect(
          fromPermissionBits(compiled.resolveBits(member, compiledChannel, { now: NOW })),
        ).toBe(expected);
      }
    },
  );

  test.prop([permissionsArb])('splitting into halves and joining is the identity', (bits) => {
    expect(fromPermissionBits(toPermissionBits(bits))).toBe(bits);
  });

  test.prop([permissionsArb, permissionsArb])(
    'hasPermissionBits agrees with bigint AND',
    (set, flag) => {
      expect(hasPermissionBits(toPermissionBits(set), toPermissionBits(flag))).toBe(
        (set & flag) === flag,
      );
    },
  );
});
