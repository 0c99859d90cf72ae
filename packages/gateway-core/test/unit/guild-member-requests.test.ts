import {
  DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS,
  GatewayErrorCode,
  type GuildMemberRequestResult,
  GuildMemberRequests,
  type GuildMemberRequestsOptions,
  type GuildMemberSource,
  type PreparedDispatch,
} from '@guildkit/gateway-core';
import { ManualClock } from '@guildkit/testkit';
import {
  type APIGuildMember,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayGuildMembersChunkPresence,
  type GatewayRateLimitedRequestGuildMembersDispatchData,
  type GatewayRequestGuildMembersData,
  GuildMemberFlags,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

// Intent bits as Discord's documentation lists them, written independently of the code.
const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_PRESENCES = 1 << 8;

const GUILD = '81384788765712384';
const OTHER_GUILD = '41771983444115456';

function member(id: string, username: string, nick: string | null = null): APIGuildMember {
  return {
    user: { id, username, discriminator: '0', global_name: null, avatar: null },
    nick,
    roles: ['41771983423143936'],
    joined_at: '2024-03-01T12:00:00.000Z',
    deaf: false,
    mute: false,
    flags: GuildMemberFlags.CompletedOnboarding,
  };
}

function numberedMembers(count: number): APIGuildMember[] {
  return Array.from({ length: count }, (_, i) => member(String(200_000 + i), `user${i}`));
}

function presence(
  id: string,
  status: PresenceUpdateStatus.Online | PresenceUpdateStatus.Idle,
): GatewayGuildMembersChunkPresence {
  return { user: { id }, status, activities: [] };
}

interface Calls {
  search: [guildId: string, query: string, limit: number][];
  get: [guildId: string, userIds: readonly string[]][];
  presences: [guildId: string, userIds: readonly string[]][];
}

/** A guild store backed by a plain array; records every call. */
function arraySource(
  members: readonly APIGuildMember[],
  presences: readonly GatewayGuildMembersChunkPresence[] = [],
): GuildMemberSource & { calls: Calls } {
  const calls: Calls = { search: [], get: [], presences: [] };
  return {
    calls,
    search(guildId, query, limit) {
      calls.search.push([guildId, query, limit]);
      const prefix = query.toLowerCase();
      const found = members.filter(
        (m) =>
          m.user.username.toLowerCase().startsWith(prefix) ||
          (m.nick ?? '').toLowerCase().startsWith(prefix),
      );
      return limit === 0 ? found : found.slice(0, limit);
    },
    get(guildId, userIds) {
      calls.get.push([guildId, userIds]);
      return Promise.resolve(members.filter((m) => userIds.includes(m.user.id)));
    },
    presences(guildId, userIds) {
      calls.presences.push([guildId, userIds]);
      return presences.filter((p) => userIds.includes(p.user.id));
    },
  };
}

function session(intents: number, id = 'session-a', guildIds: readonly string[] = [GUILD]) {
  return { id, intents, guildIds: new Set(guildIds) };
}

function requests(options: Partial<GuildMemberRequestsOptions> & { source: GuildMemberSource }) {
  return new GuildMemberRequests({ clock: new ManualClock(1_700_000_000_000), ...options });
}

interface Frame {
  op: number;
  t: string;
  s: number;
  d: Partial<GatewayGuildMembersChunkDispatchData> &
    Partial<GatewayRateLimitedRequestGuildMembersDispatchData>;
}

function framesOf(result: GuildMemberRequestResult): Frame[] {
  if (result.kind !== 'dispatch') throw new Error(`expected dispatches, got ${result.kind}`);
  return result.dispatches.map((dispatch: PreparedDispatch, i) =>
    JSON.parse(dispatch.frame(i + 1)),
  );
}

function memberIds(frame: Frame): string[] {
  return (frame.d.members ?? []).map((m) => m.user.id);
}

const FULL_LIST = { guild_id: GUILD, query: '', limit: 0 } as const;

describe('GuildMemberRequests chunking', () => {
  it('has Discord’s defaults: 1000 members per chunk, one full list per 30 s', () => {
    expect(DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS).toEqual({
      fullListIntervalMs: 30_000,
      maxChunkSize: 1000,
    });
  });

  it.each([
    [0, [0]],
    [1, [1]],
    [1000, [1000]],
    [1001, [1000, 1]],
    [2500, [1000, 1000, 500]],
  ])('sends %i members as chunks of sizes %j', async (count, sizes) => {
    const all = numberedMembers(count);
    const handler = requests({ source: arraySource(all) });
    const frames = framesOf(await handler.handle(session(GUILDS | GUILD_MEMBERS), FULL_LIST));

    expect(frames.map((f) => f.d.members?.length)).toEqual(sizes);
    expect(frames.map((f) => [f.op, f.t, f.d.guild_id])).toEqual(
      sizes.map(() => [0, 'GUILD_MEMBERS_CHUNK', GUILD]),
    );
    expect(frames.map((f) => f.d.chunk_index)).toEqual(sizes.map((_, i) => i));
    expect(frames.map((f) => f.d.chunk_count)).toEqual(sizes.map(() => sizes.length));
    expect(frames.flatMap(memberIds)).toEqual(all.map((m) => m.user.id));
    for (const frame of frames) {
      expect(frame.d).not.toHaveProperty('not_found');
      expect(frame.d).not.toHaveProperty('presences');
      expect(frame.d).not.toHaveProperty('nonce');
    }
  });

  it('honours a smaller maxChunkSize', async () => {
    const handler = requests({ source: arraySource(numberedMembers(7)), maxChunkSize: 3 });
    const frames = framesOf(await handler.handle(session(GUILD_MEMBERS), FULL_LIST));
    expect(frames.map((f) => memberIds(f))).toEqual([
      ['200000', '200001', '200002'],
      ['200003', '200004', '200005'],
      ['200006'],
    ]);
  });
});

describe('GuildMemberRequests queries', () => {
  const cast = [
    member('100001', 'Alice'),
    member('100002', 'bob', 'Alfred'),
    member('100003', 'carol'),
    member('100004', 'ALBERT'),
  ];

  it('matches username or nick prefixes case-insensitively, without GUILD_MEMBERS', async () => {
    const source = arraySource(cast);
    const frames = framesOf(
      await requests({ source }).handle(session(GUILDS), {
        guild_id: GUILD,
        query: 'al',
        limit: 10,
      }),
    );
    expect(frames).toHaveLength(1);
    expect(memberIds(frames[0]!)).toEqual(['100001', '100002', '100004']);
    expect(source.calls.search).toEqual([[GUILD, 'al', 10]]);
  });

  it('caps a prefix query at 100 members, also for limit 0 and limits over 100', async () => {
    const many = Array.from({ length: 150 }, (_, i) => member(String(300_000 + i), `zed${i}`));
    for (const [limit, asked] of [
      [0, 100],
      [250, 100],
      [5, 5],
    ] as const) {
      const source = arraySource(many);
      const frames = framesOf(
        await requests({ source }).handle(session(GUILD_MEMBERS), {
          guild_id: GUILD,
          query: 'zed',
          limit,
        }),
      );
      expect(source.calls.search).toEqual([[GUILD, 'zed', asked]]);
      expect(frames[0]!.d.members).toHaveLength(asked);
    }
  });

  it('sends at most the limit even when the source returns more', async () => {
    const greedy: GuildMemberSource = {
      ...arraySource([]),
      search: () => numberedMembers(120),
    };
    const frames = framesOf(
      await requests({ source: greedy }).handle(session(GUILDS), {
        guild_id: GUILD,
        query: 'user',
        limit: 0,
      }),
    );
    expect(frames[0]!.d.members).toHaveLength(100);
  });

  it('answers a query with no match with one empty chunk', async () => {
    const frames = framesOf(
      await requests({ source: arraySource(cast) }).handle(session(GUILDS), {
        guild_id: GUILD,
        query: 'zz',
        limit: 1,
      }),
    );
    expect(frames.map((f) => [f.d.members, f.d.chunk_index, f.d.chunk_count])).toEqual([
      [[], 0, 1],
    ]);
  });
});

describe('GuildMemberRequests user_ids', () => {
  const cast = [member('100001', 'alice'), member('100002', 'bob'), member('100003', 'carol')];

  it('returns the members found and lists the others in not_found', async () => {
    const source = arraySource(cast);
    const frames = framesOf(
      await requests({ source }).handle(session(GUILDS), {
        guild_id: GUILD,
        user_ids: ['100003', '999999', '100001', '888888'],
      }),
    );
    expect(frames).toHaveLength(1);
    expect(memberIds(frames[0]!)).toEqual(['100001', '100003']);
    expect(frames[0]!.d.not_found).toEqual(['999999', '888888']);
    expect(source.calls.get).toEqual([[GUILD, ['100003', '999999', '100001', '888888']]]);
  });

  it('accepts one id as a string and asks the source once per distinct id', async () => {
    const source = arraySource(cast);
    const single = framesOf(
      await requests({ source }).handle(session(GUILDS), { guild_id: GUILD, user_ids: '100002' }),
    );
    expect(memberIds(single[0]!)).toEqual(['100002']);
    expect(single[0]!.d.not_found).toEqual([]);

    const twice = framesOf(
      await requests({ source }).handle(session(GUILDS), {
        guild_id: GUILD,
        user_ids: ['777777', '100002', '777777'],
      }),
    );
    expect(source.calls.get[1]).toEqual([GUILD, ['777777', '100002']]);
    expect(twice[0]!.d.not_found).toEqual(['777777']);
  });

  it('puts not_found on the first chunk only', async () => {
    const frames = framesOf(
      await requests({ source: arraySource(cast), maxChunkSize: 2 }).handle(session(GUILDS), {
        guild_id: GUILD,
        user_ids: ['100001', '100002', '100003', '555555'],
      }),
    );
    expect(frames.map((f) => f.d.not_found)).toEqual([['555555'], undefined]);
    expect(frames.map((f) => f.d.chunk_count)).toEqual([2, 2]);
  });
});

describe('GuildMemberRequests presences', () => {
  const cast = [member('100001', 'alice'), member('100002', 'bob'), member('100003', 'carol')];
  const online = [
    presence('100003', PresenceUpdateStatus.Online),
    presence('100001', PresenceUpdateStatus.Idle),
  ];

  it('adds each chunk’s presences when asked and GUILD_PRESENCES is held', async () => {
    const source = arraySource(cast, online);
    const frames = framesOf(
      await requests({ source, maxChunkSize: 2 }).handle(session(GUILD_MEMBERS | GUILD_PRESENCES), {
        ...FULL_LIST,
        presences: true,
      }),
    );
    expect(frames.map((f) => f.d.presences)).toEqual([
      [{ user: { id: '100001' }, status: 'idle', activities: [] }],
      [{ user: { id: '100003' }, status: 'online', activities: [] }],
    ]);
    expect(source.calls.presences).toEqual([[GUILD, ['100001', '100002', '100003']]]);
  });

  it('treats presences: true as false without GUILD_PRESENCES, as Discord documents', async () => {
    const source = arraySource(cast, online);
    const frames = framesOf(
      await requests({ source }).handle(session(GUILDS), {
        guild_id: GUILD,
        user_ids: ['100001'],
        presences: true,
      }),
    );
    expect(frames[0]!.d).not.toHaveProperty('presences');
    expect(source.calls.presences).toEqual([]);
  });

  it('sends no presences when not asked for', async () => {
    const source = arraySource(cast, online);
    const frames = framesOf(
      await requests({ source }).handle(session(GUILD_PRESENCES), {
        guild_id: GUILD,
        query: 'a',
        limit: 5,
      }),
    );
    expect(frames[0]!.d).not.toHaveProperty('presences');
    expect(source.calls.presences).toEqual([]);
  });

  it('sends an empty presences list with an empty answer', async () => {
    const frames = framesOf(
      await requests({ source: arraySource([], online) }).handle(session(GUILD_PRESENCES), {
        guild_id: GUILD,
        user_ids: ['100001'],
        presences: true,
      }),
    );
    expect(frames[0]!.d.presences).toEqual([]);
  });
});

describe('GuildMemberRequests nonce', () => {
  async function nonceOf(nonce: string): Promise<unknown[]> {
    const frames = framesOf(
      await requests({ source: arraySource(numberedMembers(3)), maxChunkSize: 2 }).handle(
        session(GUILD_MEMBERS),
        { ...FULL_LIST, nonce },
      ),
    );
    return frames.map((f) => f.d.nonce);
  }

  it('echoes a nonce of up to 32 bytes on every chunk', async () => {
    expect(await nonceOf('n-1')).toEqual(['n-1', 'n-1']);
    expect(await nonceOf('x'.repeat(32))).toEqual(['x'.repeat(32), 'x'.repeat(32)]);
    expect(await nonceOf('é'.repeat(16))).toEqual(['é'.repeat(16), 'é'.repeat(16)]);
    expect(await nonceOf('')).toEqual(['', '']);
  });

  it('ignores a nonce over 32 bytes, counting UTF-8 bytes, and still answers', async () => {
    expect(await nonceOf('x'.repeat(33))).toEqual([undefined, undefined]);
    expect(await nonceOf('€'.repeat(11))).toEqual([undefined, undefined]);
  });
});

describe('GuildMemberRequests full-list rate limit', () => {
  it('answers a second full list within 30 s with RATE_LIMITED, then allows one at 30 s', async () => {
    const clock = new ManualClock(5_000_000);
    const handler = requests({ source: arraySource(numberedMembers(2)), clock });
    const bot = session(GUILD_MEMBERS);

    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.t).toBe('GUILD_MEMBERS_CHUNK');
    clock.advance(12_345);
    expect(framesOf(await handler.handle(bot, { ...FULL_LIST, nonce: 'again' }))).toEqual([
      {
        op: 0,
        t: 'RATE_LIMITED',
        s: 1,
        d: { opcode: 8, retry_after: 17.655, meta: { guild_id: GUILD, nonce: 'again' } },
      },
    ]);
    clock.advance(17_654);
    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.d).toEqual({
      opcode: 8,
      retry_after: 0.001,
      meta: { guild_id: GUILD },
    });
    clock.advance(1);
    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.t).toBe('GUILD_MEMBERS_CHUNK');
  });

  it('does not count rate-limited requests, so the window restarts only on success', async () => {
    const clock = new ManualClock(0);
    const handler = requests({ source: arraySource([]), clock, fullListIntervalMs: 1_000 });
    const bot = session(GUILD_MEMBERS);
    await handler.handle(bot, FULL_LIST);
    clock.set(900);
    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.t).toBe('RATE_LIMITED');
    clock.set(1_000);
    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.t).toBe('GUILD_MEMBERS_CHUNK');
    clock.set(1_999);
    expect(framesOf(await handler.handle(bot, FULL_LIST))[0]!.d.retry_after).toBe(0.001);
  });

  it('limits per guild and per session, and never limits queries or user_ids', async () => {
    const handler = requests({ source: arraySource(numberedMembers(1)) });
    const a = session(GUILD_MEMBERS, 'session-a', [GUILD, OTHER_GUILD]);
    const b = session(GUILD_MEMBERS, 'session-b', [GUILD]);
    const kinds = async (s: typeof a, d: GatewayRequestGuildMembersData) =>
      framesOf(await handler.handle(s, d)).map((f) => f.t);

    expect(await kinds(a, FULL_LIST)).toEqual(['GUILD_MEMBERS_CHUNK']);
    expect(await kinds(a, { ...FULL_LIST, guild_id: OTHER_GUILD })).toEqual([
      'GUILD_MEMBERS_CHUNK',
    ]);
    expect(await kinds(b, FULL_LIST)).toEqual(['GUILD_MEMBERS_CHUNK']);
    expect(await kinds(a, { guild_id: GUILD, query: '', limit: 1 })).toEqual([
      'GUILD_MEMBERS_CHUNK',
    ]);
    expect(await kinds(a, { guild_id: GUILD, user_ids: '200000' })).toEqual([
      'GUILD_MEMBERS_CHUNK',
    ]);
    expect(await kinds(a, FULL_LIST)).toEqual(['RATE_LIMITED']);
  });

  it('omits an over-long nonce from the RATE_LIMITED meta too', async () => {
    const handler = requests({ source: arraySource([]) });
    await handler.handle(session(GUILD_MEMBERS), FULL_LIST);
    const [limited] = framesOf(
      await handler.handle(session(GUILD_MEMBERS), { ...FULL_LIST, nonce: 'y'.repeat(40) }),
    );
    expect(limited!.d.meta).toEqual({ guild_id: GUILD });
  });

  it('limits concurrent full lists before the source answers', async () => {
    let release: (members: APIGuildMember[]) => void = () => {};
    const slow: GuildMemberSource = {
      ...arraySource([]),
      search: () => new Promise<APIGuildMember[]>((resolve) => (release = resolve)),
    };
    const handler = requests({ source: slow });
    const first = handler.handle(session(GUILD_MEMBERS), FULL_LIST);
    const second = await handler.handle(session(GUILD_MEMBERS), FULL_LIST);
    release(numberedMembers(1));
    expect(framesOf(await first).map((f) => f.t)).toEqual(['GUILD_MEMBERS_CHUNK']);
    expect(framesOf(second).map((f) => f.t)).toEqual(['RATE_LIMITED']);
  });
});

describe('GuildMemberRequests intents and visibility', () => {
  it('ignores a full list without GUILD_MEMBERS and does not count it', async () => {
    const source = arraySource(numberedMembers(3));
    const handler = requests({ source });
    const withoutIntent = await handler.handle(session(GUILDS | GUILD_PRESENCES), FULL_LIST);
    expect(withoutIntent).toEqual({ kind: 'ignore', reason: expect.any(String) });
    expect(source.calls.search).toEqual([]);

    const withIntent = framesOf(await handler.handle(session(GUILD_MEMBERS), FULL_LIST));
    expect(withIntent.map((f) => f.t)).toEqual(['GUILD_MEMBERS_CHUNK']);
  });

  it('ignores requests for a guild the session cannot see, without reading the source', async () => {
    const source = arraySource(numberedMembers(3));
    const handler = requests({ source });
    for (const d of [
      { ...FULL_LIST, guild_id: OTHER_GUILD },
      { guild_id: OTHER_GUILD, query: 'u', limit: 5 },
      { guild_id: OTHER_GUILD, user_ids: ['200000'] },
    ]) {
      expect(await handler.handle(session(GUILD_MEMBERS | GUILD_PRESENCES), d)).toEqual({
        kind: 'ignore',
        reason: expect.any(String),
      });
    }
    expect(source.calls).toEqual({ search: [], get: [], presences: [] });
  });
});

describe('GuildMemberRequests errors', () => {
  it('closes with 4002 on data no decoder should have accepted', async () => {
    const handler = requests({ source: arraySource([]) });
    for (const d of [
      { guild_id: GUILD },
      { guild_id: GUILD, query: 'a', limit: 1, user_ids: ['1'] },
      { guild_id: 'not-a-snowflake', query: '', limit: 0 },
      { guild_id: GUILD, user_ids: [] },
    ]) {
      expect(
        await handler.handle(
          session(GUILD_MEMBERS),
          d as unknown as GatewayRequestGuildMembersData,
        ),
      ).toEqual({ kind: 'close', code: 4002, reason: expect.any(String) });
    }
  });

  it('throws GK_GATEWAY_INVALID_OPTION for a bad chunk size or interval', () => {
    for (const options of [
      { maxChunkSize: 0 },
      { maxChunkSize: 1.5 },
      { fullListIntervalMs: 0 },
      { fullListIntervalMs: Number.NaN },
      { fullListIntervalMs: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => new GuildMemberRequests({ source: arraySource([]), ...options })).toThrow(
        expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
      );
    }
  });

  it('rejects with the source’s error', async () => {
    const failure = new Error('store down');
    const broken: GuildMemberSource = {
      ...arraySource([]),
      get: () => Promise.reject(failure),
    };
    await expect(
      requests({ source: broken }).handle(session(GUILDS), { guild_id: GUILD, user_ids: '1' }),
    ).rejects.toBe(failure);
  });
});
