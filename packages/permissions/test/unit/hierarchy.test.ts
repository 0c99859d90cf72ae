import {
  canManageRole,
  canModerate,
  compareRoles,
  PermissionFlags as F,
  highestRole,
  type PermissionGuild,
} from '@guildkit/permissions';
import { describe, expect, it } from 'vitest';

const GUILD = '100';
const guild: PermissionGuild = {
  id: GUILD,
  ownerId: '900',
  roles: [
    { id: GUILD, permissions: F.VIEW_CHANNEL, position: 0 },
    { id: '210', permissions: F.KICK_MEMBERS | F.MANAGE_ROLES, position: 3 },
    // Same position as 210 but an older (lower) id: ranks above it.
    { id: '99', permissions: F.BAN_MEMBERS, position: 3 },
    { id: '300', permissions: 0n, position: 1 },
    { id: '400', permissions: F.ADMINISTRATOR, position: 2 },
    { id: '1000', permissions: 0n, position: 5 },
  ],
};
const member = (
  userId: string,
  roleIds: string[],
  communicationDisabledUntil: number | null = null,
) => ({
  userId,
  roleIds,
  communicationDisabledUntil,
});
const roleOf = (id: string) => guild.roles.find((role) => role.id === id)!;
const NOW = { now: 0 };

describe('compareRoles', () => {
  it('ranks the greater position higher', () => {
    expect(compareRoles(roleOf('1000'), roleOf('210'))).toBeGreaterThan(0);
    expect(compareRoles(roleOf('300'), roleOf('400'))).toBeLessThan(0);
  });

  it('ranks the lower id higher at equal positions, comparing ids as numbers', () => {
    // '99' < '210' as snowflakes although '99' > '210' as text.
    expect(compareRoles(roleOf('99'), roleOf('210'))).toBeGreaterThan(0);
    expect(compareRoles(roleOf('210'), roleOf('99'))).toBeLessThan(0);
    expect(compareRoles(roleOf('210'), roleOf('210'))).toBe(0);
  });

  it('orders 19-digit snowflakes as BigInt does', () => {
    const a = { id: '1150000000000000001', permissions: 0n, position: 1 };
    const b = { id: '999999999999999999', permissions: 0n, position: 1 };
    expect(BigInt(b.id) < BigInt(a.id)).toBe(true);
    expect(compareRoles(b, a)).toBeGreaterThan(0);
  });
});

describe('highestRole', () => {
  it('returns the member role with the greatest position', () => {
    expect(highestRole(guild, member('1', ['300', '1000', '210'])).id).toBe('1000');
  });

  it('breaks position ties by the lower id', () => {
    expect(highestRole(guild, member('1', ['210', '99'])).id).toBe('99');
    expect(highestRole(guild, member('1', ['99', '210'])).id).toBe('99');
  });

  it('returns @everyone for a member without (known) roles', () => {
    expect(highestRole(guild, member('1', [])).id).toBe(GUILD);
    expect(highestRole(guild, member('1', ['12345'])).id).toBe(GUILD);
  });
});

describe('canManageRole', () => {
  it('needs MANAGE_ROLES and a highest role strictly above the role', () => {
    const manager = member('1', ['210']);
    expect(canManageRole(guild, manager, roleOf('300'), NOW)).toBe(true);
    expect(canManageRole(guild, manager, roleOf('210'), NOW)).toBe(false);
    expect(canManageRole(guild, manager, roleOf('99'), NOW)).toBe(false);
    expect(canManageRole(guild, member('2', ['1000']), roleOf('300'), NOW)).toBe(false);
  });

  it('lets ADMINISTRATOR stand in for MANAGE_ROLES but not for rank', () => {
    const admin = member('3', ['400']);
    expect(canManageRole(guild, admin, roleOf('300'), NOW)).toBe(true);
    expect(canManageRole(guild, admin, roleOf('210'), NOW)).toBe(false);
  });

  it('lets the owner manage any role', () => {
    expect(canManageRole(guild, member('900', []), roleOf('1000'), NOW)).toBe(true);
  });

  it('refuses a timed-out manager', () => {
    expect(canManageRole(guild, member('1', ['210'], 10), roleOf('300'), NOW)).toBe(false);
  });

  it('throws GK_PERMISSIONS_UNKNOWN_ROLE for a role of another guild', () => {
    expect(() =>
      canManageRole(guild, member('1', ['210']), { id: '777', permissions: 0n, position: 0 }, NOW),
    ).toThrow(expect.objectContaining({ code: 'GK_PERMISSIONS_UNKNOWN_ROLE' }));
  });
});

describe('canModerate', () => {
  const moderator = member('1', ['210']);

  it('needs the permission and a strictly higher top role', () => {
    expect(canModerate(guild, moderator, member('5', ['300']), F.KICK_MEMBERS, NOW)).toBe(true);
    expect(canModerate(guild, moderator, member('5', ['300']), F.BAN_MEMBERS, NOW)).toBe(false);
    expect(canModerate(guild, moderator, member('5', ['210']), F.KICK_MEMBERS, NOW)).toBe(false);
    expect(canModerate(guild, moderator, member('5', ['99']), F.KICK_MEMBERS, NOW)).toBe(false);
  });

  it('never lets anyone moderate the owner, who moderates everyone else', () => {
    const owner = member('900', []);
    expect(canModerate(guild, member('6', ['400', '1000']), owner, F.KICK_MEMBERS, NOW)).toBe(
      false,
    );
    expect(canModerate(guild, owner, owner, F.KICK_MEMBERS, NOW)).toBe(false);
    expect(canModerate(guild, owner, member('6', ['1000', '400']), F.BAN_MEMBERS, NOW)).toBe(true);
  });

  it('lets ADMINISTRATOR imply the permission, not the rank', () => {
    const admin = member('3', ['400']);
    expect(canModerate(guild, admin, member('5', ['300']), F.MODERATE_MEMBERS, NOW)).toBe(true);
    expect(canModerate(guild, admin, member('5', ['210']), F.MODERATE_MEMBERS, NOW)).toBe(false);
  });

  it('refuses a timed-out moderator until the timeout ends', () => {
    const timedOut = member('1', ['210'], 100);
    expect(canModerate(guild, timedOut, member('5', []), F.KICK_MEMBERS, { now: 99 })).toBe(false);
    expect(canModerate(guild, timedOut, member('5', []), F.KICK_MEMBERS, { now: 100 })).toBe(true);
  });

  it('nobody moderates themselves', () => {
    expect(canModerate(guild, moderator, moderator, F.KICK_MEMBERS, NOW)).toBe(false);
  });

  it('throws GK_PERMISSIONS_INVALID_FLAG for 0n or an undocumented bit', () => {
    const invalid = expect.objectContaining({ code: 'GK_PERMISSIONS_INVALID_FLAG' });
    expect(() => canModerate(guild, moderator, member('5', []), 0n, NOW)).toThrow(invalid);
    expect(() => canModerate(guild, moderator, member('5', []), 1n << 47n, NOW)).toThrow(invalid);
  });
});
