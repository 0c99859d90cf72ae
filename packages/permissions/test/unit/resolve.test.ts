import {
  ALL_PERMISSIONS,
  computeBasePermissions,
  computeChannelPermissions,
  PermissionFlags as F,
  OverwriteType,
  type PermissionChannel,
  type PermissionGuild,
  type PermissionMember,
} from '@guildkit/permissions';
import { describe, expect, it } from 'vitest';

const GUILD = '100';
const A = '201';
const B = '202';
const guild: PermissionGuild = {
  id: GUILD,
  ownerId: '900',
  roles: [
    {
      id: GUILD,
      permissions: F.VIEW_CHANNEL | F.SEND_MESSAGES | F.EMBED_LINKS | F.CONNECT | F.SPEAK,
      position: 0,
    },
    { id: A, permissions: F.KICK_MEMBERS, position: 1 },
    { id: B, permissions: F.ATTACH_FILES, position: 2 },
  ],
};
const member: PermissionMember = { userId: '301', roleIds: [A, B] };
const text = (
  overwrites: PermissionChannel['permissionOverwrites'],
  type = 0,
): PermissionChannel => ({
  id: '400',
  guildId: GUILD,
  type,
  permissionOverwrites: overwrites,
});
const role = (id: string, allow: bigint, deny: bigint) => ({
  id,
  type: OverwriteType.Role,
  allow,
  deny,
});
const user = (id: string, allow: bigint, deny: bigint) => ({
  id,
  type: OverwriteType.Member,
  allow,
  deny,
});
const NOW = { now: 1_000 };

describe('computeBasePermissions', () => {
  it('is @everyone OR every member role', () => {
    expect(computeBasePermissions(guild, member, NOW)).toBe(
      F.VIEW_CHANNEL |
        F.SEND_MESSAGES |
        F.EMBED_LINKS |
        F.CONNECT |
        F.SPEAK |
        F.KICK_MEMBERS |
        F.ATTACH_FILES,
    );
  });

  it('gives the owner ALL_PERMISSIONS, roles or not', () => {
    expect(computeBasePermissions(guild, { userId: '900', roleIds: [] }, NOW)).toBe(
      ALL_PERMISSIONS,
    );
  });

  it('turns ADMINISTRATOR into ALL_PERMISSIONS', () => {
    const admin = {
      ...guild,
      roles: [...guild.roles, { id: '203', permissions: F.ADMINISTRATOR, position: 3 }],
    };
    expect(computeBasePermissions(admin, { userId: '301', roleIds: ['203'] }, NOW)).toBe(
      ALL_PERMISSIONS,
    );
  });

  it('ignores role ids that are not roles of the guild, and the guild id itself', () => {
    expect(computeBasePermissions(guild, { userId: '301', roleIds: ['999', GUILD] }, NOW)).toBe(
      guild.roles[0]!.permissions,
    );
  });

  it('leaves a timed-out member only VIEW_CHANNEL and READ_MESSAGE_HISTORY', () => {
    const timedOut = { ...member, communicationDisabledUntil: 2_000 };
    expect(computeBasePermissions(guild, timedOut, NOW)).toBe(F.VIEW_CHANNEL);
    expect(computeBasePermissions(guild, timedOut, { now: 2_000 })).toBe(
      computeBasePermissions(guild, member, NOW),
    );
  });

  it('throws GK_PERMISSIONS_MISSING_EVERYONE_ROLE without an @everyone role', () => {
    const broken = { ...guild, roles: guild.roles.slice(1) };
    expect(() => computeBasePermissions(broken, member, NOW)).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_MISSING_EVERYONE_ROLE' }),
    );
  });

  it('throws GK_PERMISSIONS_DUPLICATE_ROLE when two roles share an id', () => {
    const broken = { ...guild, roles: [...guild.roles, { id: A, permissions: 0n, position: 5 }] };
    expect(() => computeBasePermissions(broken, member, NOW)).toThrow(
      expect.objectContaining({ code: 'GK_PERMISSIONS_DUPLICATE_ROLE' }),
    );
  });
});

describe('computeChannelPermissions: overwrite order', () => {
  it('applies the @everyone overwrite deny before its allow', () => {
    const channel = text([role(GUILD, F.ADD_REACTIONS, F.ADD_REACTIONS | F.EMBED_LINKS)]);
    const perms = computeChannelPermissions(guild, member, channel, NOW);
    expect(perms & F.ADD_REACTIONS).toBe(F.ADD_REACTIONS);
    expect(perms & F.EMBED_LINKS).toBe(0n);
  });

  it('combines role overwrites: one role allowing VIEW_CHANNEL beats another denying it (Discord’s #coolstuff example)', () => {
    const channel = text([role(A, 0n, F.VIEW_CHANNEL), role(B, F.VIEW_CHANNEL, 0n)]);
    expect(computeChannelPermissions(guild, member, channel, NOW) & F.VIEW_CHANNEL).toBe(
      F.VIEW_CHANNEL,
    );
  });

  it('lets role overwrites override the @everyone overwrite', () => {
    const channel = text([role(GUILD, 0n, F.VIEW_CHANNEL), role(A, F.VIEW_CHANNEL, 0n)]);
    expect(computeChannelPermissions(guild, member, channel, NOW) & F.VIEW_CHANNEL).toBe(
      F.VIEW_CHANNEL,
    );
  });

  it('lets the member overwrite override role overwrites', () => {
    const channel = text([role(A, F.MANAGE_MESSAGES, 0n), user('301', 0n, F.MANAGE_MESSAGES)]);
    expect(computeChannelPermissions(guild, member, channel, NOW) & F.MANAGE_MESSAGES).toBe(0n);
  });

  it('ignores overwrites for roles the member lacks and for other members', () => {
    const channel = text([role('203', 0n, F.VIEW_CHANNEL), user('302', 0n, F.VIEW_CHANNEL)]);
    expect(computeChannelPermissions(guild, member, channel, NOW)).toBe(
      computeBasePermissions(guild, member, NOW),
    );
  });

  it('does not treat a member overwrite whose id equals a role id as a role overwrite', () => {
    const channel = text([user(A, 0n, F.VIEW_CHANNEL)]);
    expect(computeChannelPermissions(guild, member, channel, NOW) & F.VIEW_CHANNEL).toBe(
      F.VIEW_CHANNEL,
    );
  });

  it('gives the owner and administrators ALL_PERMISSIONS whatever the overwrites', () => {
    const channel = text([role(GUILD, 0n, ALL_PERMISSIONS), user('900', 0n, ALL_PERMISSIONS)]);
    expect(computeChannelPermissions(guild, { userId: '900', roleIds: [] }, channel, NOW)).toBe(
      ALL_PERMISSIONS,
    );
  });
});

describe('computeChannelPermissions: implicit rules', () => {
  it('1: without VIEW_CHANNEL a member has nothing in the channel', () => {
    const channel = text([role(GUILD, F.MANAGE_MESSAGES, F.VIEW_CHANNEL)]);
    expect(computeChannelPermissions(guild, member, channel, NOW)).toBe(0n);
  });

  it.each([0, 2, 5, 13, 15, 16])(
    '2: type %i without SEND_MESSAGES loses the send-dependent bits',
    (type) => {
      const channel = text(
        [role(GUILD, F.MENTION_EVERYONE | F.SEND_TTS_MESSAGES, F.SEND_MESSAGES)],
        type,
      );
      const perms = computeChannelPermissions(guild, member, channel, NOW);
      expect(
        perms & (F.MENTION_EVERYONE | F.SEND_TTS_MESSAGES | F.ATTACH_FILES | F.EMBED_LINKS),
      ).toBe(0n);
      expect(perms & F.VIEW_CHANNEL).toBe(F.VIEW_CHANNEL);
    },
  );

  it.each([4, 14])(
    '2: type %i (no text) keeps the send-dependent bits without SEND_MESSAGES',
    (type) => {
      const channel = text([role(GUILD, 0n, F.SEND_MESSAGES)], type);
      expect(computeChannelPermissions(guild, member, channel, NOW) & F.ATTACH_FILES).toBe(
        F.ATTACH_FILES,
      );
    },
  );

  it.each([2, 13])(
    '3: type %i without CONNECT loses MANAGE_CHANNELS and the voice bits',
    (type) => {
      const voiceBits =
        F.MANAGE_CHANNELS |
        F.SPEAK |
        F.STREAM |
        F.USE_VAD |
        F.PRIORITY_SPEAKER |
        F.MUTE_MEMBERS |
        F.DEAFEN_MEMBERS |
        F.MOVE_MEMBERS |
        F.REQUEST_TO_SPEAK |
        F.USE_SOUNDBOARD |
        F.USE_EXTERNAL_SOUNDS |
        F.USE_EMBEDDED_ACTIVITIES |
        F.SET_VOICE_CHANNEL_STATUS;
      const channel = text([role(GUILD, voiceBits, F.CONNECT)], type);
      const perms = computeChannelPermissions(guild, member, channel, NOW);
      expect(perms & voiceBits).toBe(0n);
      expect(perms & F.SEND_MESSAGES).toBe(F.SEND_MESSAGES);
      const connected = text([role(GUILD, voiceBits, 0n)], type);
      expect(computeChannelPermissions(guild, member, connected, NOW) & voiceBits).toBe(voiceBits);
    },
  );

  it('3: a text channel without CONNECT keeps MANAGE_CHANNELS', () => {
    const channel = text([role(GUILD, F.MANAGE_CHANNELS, F.CONNECT)]);
    expect(computeChannelPermissions(guild, member, channel, NOW) & F.MANAGE_CHANNELS).toBe(
      F.MANAGE_CHANNELS,
    );
  });

  it('4: a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY, until the timeout ends', () => {
    const channel = text([role(GUILD, F.READ_MESSAGE_HISTORY | F.MANAGE_MESSAGES, 0n)]);
    const timedOut = { ...member, communicationDisabledUntil: 5_000 };
    expect(computeChannelPermissions(guild, timedOut, channel, { now: 4_999 })).toBe(
      F.VIEW_CHANNEL | F.READ_MESSAGE_HISTORY,
    );
    expect(computeChannelPermissions(guild, timedOut, channel, { now: 5_000 })).toBe(
      computeChannelPermissions(guild, member, channel, NOW),
    );
  });

  it('4: owners and administrators are exempt from timeouts', () => {
    const owner = { userId: '900', roleIds: [], communicationDisabledUntil: 5_000 };
    expect(computeChannelPermissions(guild, owner, text([]), NOW)).toBe(ALL_PERMISSIONS);
  });
});

describe('computeChannelPermissions: threads', () => {
  const parent = text([role(GUILD, 0n, F.SEND_MESSAGES), role(A, F.MANAGE_THREADS, 0n)]);
  const thread = (type: number): PermissionChannel => ({
    id: '500',
    guildId: GUILD,
    type,
    parentId: parent.id,
    permissionOverwrites: [role(GUILD, 0n, F.VIEW_CHANNEL)],
  });

  it.each([10, 11, 12])('type %i is computed on its parent’s overwrites, not its own', (type) => {
    const perms = computeChannelPermissions(guild, member, thread(type), { ...NOW, parent });
    expect(perms & F.VIEW_CHANNEL).toBe(F.VIEW_CHANNEL);
    expect(perms & F.MANAGE_THREADS).toBe(F.MANAGE_THREADS);
  });

  it('uses SEND_MESSAGES_IN_THREADS, not SEND_MESSAGES, for the send-dependent bits', () => {
    const without = computeChannelPermissions(guild, member, thread(11), { ...NOW, parent });
    expect(without & (F.EMBED_LINKS | F.ATTACH_FILES)).toBe(0n);
    const withSit = {
      ...parent,
      permissionOverwrites: [role(GUILD, F.SEND_MESSAGES_IN_THREADS, F.SEND_MESSAGES)],
    };
    const perms = computeChannelPermissions(guild, member, thread(11), { ...NOW, parent: withSit });
    expect(perms & (F.EMBED_LINKS | F.ATTACH_FILES)).toBe(F.EMBED_LINKS | F.ATTACH_FILES);
    expect(perms & F.SEND_MESSAGES).toBe(0n);
  });

  it('throws GK_PERMISSIONS_MISSING_PARENT without the parent or with the wrong one', () => {
    const missing = expect.objectContaining({ code: 'GK_PERMISSIONS_MISSING_PARENT' });
    expect(() => computeChannelPermissions(guild, member, thread(11), NOW)).toThrow(missing);
    expect(() =>
      computeChannelPermissions(guild, member, thread(11), {
        ...NOW,
        parent: { ...parent, id: '401' },
      }),
    ).toThrow(missing);
    expect(() =>
      computeChannelPermissions(
        guild,
        member,
        { ...thread(11), parentId: null },
        { ...NOW, parent },
      ),
    ).toThrow(missing);
    const threadParent = { ...thread(11), id: parent.id };
    expect(() =>
      computeChannelPermissions(guild, member, thread(11), { ...NOW, parent: threadParent }),
    ).toThrow(missing);
  });
});

describe('computeChannelPermissions: validation', () => {
  it('throws GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH for a channel of another guild', () => {
    expect(() =>
      computeChannelPermissions(guild, member, { ...text([]), guildId: '101' }, NOW),
    ).toThrow(expect.objectContaining({ code: 'GK_PERMISSIONS_CHANNEL_GUILD_MISMATCH' }));
  });

  it('throws GK_PERMISSIONS_DUPLICATE_OVERWRITE for two overwrites with one type and id', () => {
    expect(() =>
      computeChannelPermissions(guild, member, text([role(A, 0n, 0n), role(A, 1n, 0n)]), NOW),
    ).toThrow(expect.objectContaining({ code: 'GK_PERMISSIONS_DUPLICATE_OVERWRITE' }));
  });

  it('reads the real clock only when the member has a timeout', () => {
    const far = { ...member, communicationDisabledUntil: Number.MAX_SAFE_INTEGER };
    expect(computeChannelPermissions(guild, far, text([]))).toBe(F.VIEW_CHANNEL);
    expect(computeChannelPermissions(guild, member, text([]))).toBe(
      computeBasePermissions(guild, member),
    );
  });
});
