import {
  ALL_PERMISSIONS,
  PermissionFlags as F,
  OverwriteType,
  PermissionCache,
  type PermissionCacheEvents,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
  type PermissionRole,
} from '@guildkit/permissions';
import { ManualClock } from '@guildkit/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';

const GUILD = '100';
const MOD = '201';
const MUTED = '202';
function fixture() {
  const guild: PermissionGuild = {
    id: GUILD,
    ownerId: '900',
    roles: [
      { id: GUILD, permissions: F.VIEW_CHANNEL | F.SEND_MESSAGES, position: 0 },
      { id: MOD, permissions: F.KICK_MEMBERS, position: 2 },
      { id: MUTED, permissions: 0n, position: 1 },
    ],
  };
  const members: PermissionMember[] = [
    { userId: '301', roleIds: [MOD] },
    { userId: '302', roleIds: [MUTED] },
    { userId: '303', roleIds: [] },
  ];
  const channels: PermissionChannel[] = [
    {
      id: '401',
      guildId: GUILD,
      type: 0,
      permissionOverwrites: [
        { id: MUTED, type: OverwriteType.Role, allow: 0n, deny: F.SEND_MESSAGES },
      ],
    },
    { id: '402', guildId: GUILD, type: 2, permissionOverwrites: [] },
    { id: '403', guildId: GUILD, type: 11, parentId: '401', permissionOverwrites: [] },
  ];
  const clock = new ManualClock(1_000);
  const cache = new PermissionCache({ guild, members, channels }, { clock });
  const dropped: number[] = [];
  cache.on('invalidate', (count) => dropped.push(count));
  const warm = (): void => {
    for (const member of members)
      for (const channel of channels) cache.permissionsFor(member.userId, channel.id);
  };
  return { cache, clock, dropped, warm };
}

describe('PermissionCache', () => {
  it('answers like computeChannelPermissions, threads through their parent', () => {
    const { cache } = fixture();
    expect(cache.permissionsFor('302', '401')).toBe(F.VIEW_CHANNEL);
    expect(cache.permissionsFor('301', '401')).toBe(
      F.VIEW_CHANNEL | F.SEND_MESSAGES | F.KICK_MEMBERS,
    );
    expect(cache.permissionsFor('302', '403')).toBe(F.VIEW_CHANNEL);
    expect(cache.guildId).toBe(GUILD);
  });

  it('drops nothing when a role only moves', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.updateRole({ id: MOD, permissions: F.KICK_MEMBERS, position: 5 });
    expect(dropped).toEqual([]);
  });

  it('drops exactly the holders’ answers when a role’s permissions change', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.updateRole({ id: MOD, permissions: F.BAN_MEMBERS, position: 2 });
    expect(dropped).toEqual([3]);
    expect(cache.permissionsFor('301', '401') & F.BAN_MEMBERS).toBe(F.BAN_MEMBERS);
  });

  it('drops every answer when @everyone changes', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.updateRole({ id: GUILD, permissions: F.VIEW_CHANNEL, position: 0 });
    expect(dropped).toEqual([9]);
  });

  it('drops one member’s answers when its roles change, none when only their order does', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.setMemberRoles('303', []);
    cache.setMemberRoles('301', [MOD, 'not-a-role']);
    expect(dropped).toEqual([]);
    cache.setMemberRoles('303', [MUTED]);
    expect(dropped).toEqual([3]);
    expect(cache.permissionsFor('303', '401')).toBe(F.VIEW_CHANNEL);
  });

  it('drops nothing for a timeout and applies it on every read, so expiry is never stale', () => {
    const { cache, clock, dropped, warm } = fixture();
    warm();
    cache.setMemberTimeout('301', 2_000);
    expect(dropped).toEqual([]);
    expect(cache.permissionsFor('301', '401')).toBe(F.VIEW_CHANNEL);
    clock.set(2_000);
    expect(cache.permissionsFor('301', '401')).toBe(
      F.VIEW_CHANNEL | F.SEND_MESSAGES | F.KICK_MEMBERS,
    );
    expect(cache.permissionsFor('301', '401', { now: 1_999 })).toBe(F.VIEW_CHANNEL);
  });

  it('drops, for a changed role overwrite, the holders’ answers in the channel and its threads', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.setOverwrites('401', [
      { id: MUTED, type: OverwriteType.Role, allow: 0n, deny: F.VIEW_CHANNEL },
    ]);
    expect(dropped).toEqual([2]);
    expect(cache.permissionsFor('302', '403')).toBe(0n);
  });

  it('drops, for a changed member overwrite, that member’s answers only', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.setOverwrites('402', [
      { id: '303', type: OverwriteType.Member, allow: 0n, deny: F.CONNECT },
    ]);
    expect(dropped).toEqual([1]);
  });

  it('drops nothing when a thread’s own overwrites change (threads use their parent’s)', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.setOverwrites('403', [
      { id: GUILD, type: OverwriteType.Role, allow: 0n, deny: F.VIEW_CHANNEL },
    ]);
    expect(dropped).toEqual([]);
  });

  it('drops a thread’s answers when its parent changes, and none when a channel’s category changes', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.setParent('402', '999');
    expect(dropped).toEqual([]);
    cache.setParent('403', '402');
    expect(dropped).toEqual([3]);
  });

  it('drops the channel and its threads on removal; the orphan thread then throws', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.removeChannel('401');
    expect(dropped).toEqual([6]);
    expect(() => cache.permissionsFor('301', '403')).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_MISSING_PARENT' }),
    );
    expect(() => cache.permissionsFor('301', '401')).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_UNKNOWN_CHANNEL' }),
    );
  });

  it('drops the previous and new owner’s answers on ownership transfer', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    const owners: [string, string][] = [];
    cache.on('ownerUpdate', (ownerId, previous) => owners.push([ownerId, previous]));
    cache.setOwner('301');
    expect(dropped).toEqual([3]);
    expect(owners).toEqual([['301', '900']]);
    cache.setOwner('301');
    expect(owners).toHaveLength(1);
  });

  it('drops the holders’ answers on role removal and ignores the stale id afterwards', () => {
    const { cache, dropped, warm } = fixture();
    warm();
    cache.removeRole(MUTED);
    expect(dropped).toEqual([3]);
    expect(cache.permissionsFor('302', '401')).toBe(F.VIEW_CHANNEL | F.SEND_MESSAGES);
  });

  it('emits typed events after the state has changed', () => {
    const { cache } = fixture();
    const seen: string[] = [];
    cache.on('roleUpdate', (role, previous) => {
      seen.push(`roleUpdate ${role.id} ${previous?.permissions}`);
      expect(cache.permissionsFor('301', '401') & F.BAN_MEMBERS).toBe(F.BAN_MEMBERS);
    });
    cache.on('memberUpdate', (member, previous) =>
      seen.push(`memberUpdate ${member.userId} ${previous === undefined}`),
    );
    cache.on('memberRemove', (member) => seen.push(`memberRemove ${member.userId}`));
    cache.on('channelUpdate', (channel, previous) =>
      seen.push(`channelUpdate ${channel.id} ${previous === undefined}`),
    );
    cache.on('channelRemove', (channel) => seen.push(`channelRemove ${channel.id}`));
    cache.on('roleRemove', (role) => seen.push(`roleRemove ${role.id}`));
    cache.updateRole({ id: MOD, permissions: F.BAN_MEMBERS, position: 2 });
    cache.setMember({ userId: '304', roleIds: [] });
    cache.removeMember('304');
    cache.setChannel({ id: '404', guildId: GUILD, type: 0, permissionOverwrites: [] });
    cache.removeChannel('404');
    cache.removeRole(MUTED);
    expect(seen).toEqual([
      'roleUpdate 201 2',
      'memberUpdate 304 true',
      'memberRemove 304',
      'channelUpdate 404 true',
      'channelRemove 404',
      'roleRemove 202',
    ]);
  });

  it('contains a throwing listener and reports it as listenerError', () => {
    const { cache } = fixture();
    const failure = new Error('listener bug');
    const reported: [string, unknown][] = [];
    cache.on('ownerUpdate', () => {
      throw failure;
    });
    cache.on('listenerError', (event, error) => reported.push([event, error]));
    expect(() => cache.setOwner('301')).not.toThrow();
    expect(reported).toEqual([['ownerUpdate', failure]]);
    expect(cache.permissionsFor('301', '402')).toBe(ALL_PERMISSIONS);
  });

  it('throws typed errors for unknown ids and invalid input, changing nothing', () => {
    const { cache } = fixture();
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => cache.permissionsFor('999', '401')).toThrow(code('GK_PERMISSIONS_UNKNOWN_MEMBER'));
    expect(() => cache.setMemberRoles('999', [])).toThrow(code('GK_PERMISSIONS_UNKNOWN_MEMBER'));
    expect(() => cache.setOverwrites('999', [])).toThrow(code('GK_PERMISSIONS_UNKNOWN_CHANNEL'));
    expect(() => cache.removeRole('999')).toThrow(code('GK_PERMISSIONS_UNKNOWN_ROLE'));
    expect(() => cache.removeRole(GUILD)).toThrow(code('GK_PERMISSIONS_MISSING_EVERYONE_ROLE'));
    expect(() =>
      cache.setChannel({ id: '405', guildId: '101', type: 0, permissionOverwrites: [] }),
    ).toThrow(code('GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH'));
    const twice = { id: MOD, type: OverwriteType.Role, allow: 0n, deny: 0n };
    expect(() => cache.setOverwrites('401', [twice, twice])).toThrow(
      code('GK_PERMISSIONS_DUPLICATE_OVERWRITE'),
    );
    expect(cache.permissionsFor('302', '401')).toBe(F.VIEW_CHANNEL);
    expect(() => new PermissionCache({ guild: { id: GUILD, ownerId: '1', roles: [] } })).toThrow(
      code('GK_PERMISSIONS_MISSING_EVERYONE_ROLE'),
    );
  });

  it('has a locked event map', () => {
    expectTypeOf<PermissionCacheEvents['roleUpdate']>().toEqualTypeOf<
      [role: PermissionRole, previous: PermissionRole | undefined]
    >();
    expectTypeOf<PermissionCacheEvents['invalidate']>().toEqualTypeOf<[dropped: number]>();
    expectTypeOf<keyof PermissionCacheEvents>().toEqualTypeOf<
      | 'roleUpdate'
      | 'roleRemove'
      | 'memberUpdate'
      | 'memberRemove'
      | 'channelUpdate'
      | 'channelRemove'
      | 'ownerUpdate'
      | 'invalidate'
      | 'listenerError'
    >();
  });
});
