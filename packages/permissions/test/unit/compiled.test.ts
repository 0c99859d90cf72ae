import {
  ALL_PERMISSIONS,
  type CompiledChannel,
  compileGuild,
  PermissionFlags as F,
  fromPermissionBits,
  hasPermissionBits,
  OverwriteType,
  type PermissionGuild,
  toPermissionBits,
} from '@guildkit/permissions';
import { describe, expect, it } from 'vitest';

const GUILD = '100';
const guild: PermissionGuild = {
  id: GUILD,
  ownerId: '900',
  roles: [
    { id: GUILD, permissions: F.VIEW_CHANNEL | F.SEND_MESSAGES, position: 0 },
    { id: '201', permissions: F.BYPASS_SLOWMODE | (1n << 63n), position: 1 },
  ],
};
const channel = { id: '400', guildId: GUILD, type: 0, permissionOverwrites: [] };

describe('compileGuild', () => {
  it('resolves bits above 32, including undocumented ones, like the BigInt path', () => {
    const compiled = compileGuild(guild);
    const general = compiled.compileChannel(channel);
    const perms = compiled.permissionsFor({ userId: '1', roleIds: ['201'] }, general, { now: 0 });
    expect(perms).toBe(F.VIEW_CHANNEL | F.SEND_MESSAGES | F.BYPASS_SLOWMODE | (1n << 63n));
  });

  it('gives the owner ALL_PERMISSIONS', () => {
    const compiled = compileGuild(guild);
    expect(
      compiled.permissionsFor({ userId: '900', roleIds: [] }, compiled.compileChannel(channel)),
    ).toBe(ALL_PERMISSIONS);
  });

  it('throws GK_PERMISSIONS_FOREIGN_COMPILED_CHANNEL for a channel compiled by another guild', () => {
    const one = compileGuild(guild);
    const other = compileGuild(guild);
    const foreign = expect.objectContaining({ code: 'GK_PERMISSIONS_FOREIGN_COMPILED_CHANNEL' });
    expect(() =>
      one.resolveBits({ userId: '1', roleIds: [] }, other.compileChannel(channel)),
    ).toThrow(foreign);
    const fake: CompiledChannel = { id: '400' };
    expect(() => one.permissionsFor({ userId: '1', roleIds: [] }, fake)).toThrow(foreign);
  });

  it('throws GK_PERMISSIONS_INVALID_BITFIELD for permissions outside 0..2^64-1', () => {
    const invalid = expect.objectContaining({ code: 'GK_PERMISSIONS_INVALID_BITFIELD' });
    const tooBig = {
      ...guild,
      roles: [...guild.roles, { id: '202', permissions: 1n << 64n, position: 2 }],
    };
    expect(() => compileGuild(tooBig)).toThrow(invalid);
    const negative = [{ id: GUILD, type: OverwriteType.Role, allow: -1n, deny: 0n }];
    expect(() =>
      compileGuild(guild).compileChannel({ ...channel, permissionOverwrites: negative }),
    ).toThrow(invalid);
  });

  it('validates channels like the BigInt path', () => {
    const compiled = compileGuild(guild);
    expect(() => compiled.compileChannel({ ...channel, guildId: '101' })).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH' }),
    );
    expect(() => compiled.compileChannel({ ...channel, type: 11, parentId: '400' })).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_MISSING_PARENT' }),
    );
  });
});

describe('permission bits', () => {
  it('splits at bit 32', () => {
    expect(toPermissionBits(F.VIEW_CHANNEL | F.REQUEST_TO_SPEAK)).toEqual({ lo: 1024, hi: 1 });
    expect(toPermissionBits(1n << 31n)).toEqual({ lo: -2147483648, hi: 0 });
    expect(fromPermissionBits({ lo: -1, hi: -1 })).toBe(2n ** 64n - 1n);
  });

  it('tests flags without BigInt', () => {
    const bits = toPermissionBits(F.VIEW_CHANNEL | F.PIN_MESSAGES);
    expect(hasPermissionBits(bits, toPermissionBits(F.PIN_MESSAGES))).toBe(true);
    expect(hasPermissionBits(bits, toPermissionBits(F.PIN_MESSAGES | F.SEND_MESSAGES))).toBe(false);
  });
});
