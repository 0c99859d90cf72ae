import { fc, test } from '@fast-check/vitest';
import { GuildMemberRequests, type GuildMemberSource } from '@guildkit/gateway-core';
import { ManualClock } from '@guildkit/testkit';
import { type APIGuildMember, GuildMemberFlags } from 'discord-api-types/v10';
import { expect } from 'vitest';

const GUILD = '81384788765712384';
const GUILD_MEMBERS = 1 << 1;

function member(index: number, username: string): APIGuildMember {
  return {
    user: {
      id: String(10_000_000 + index),
      username,
      discriminator: '0',
      global_name: null,
      avatar: null,
    },
    nick: null,
    roles: [],
    joined_at: '2024-03-01T12:00:00.000Z',
    deaf: false,
    mute: false,
    flags: GuildMemberFlags.CompletedOnboarding,
  };
}

function fixedSource(members: readonly APIGuildMember[]): GuildMemberSource {
  return { search: () => members, get: () => [], presences: () => [] };
}

interface ChunkData {
  members: APIGuildMember[];
  chunk_index: number;
  chunk_count: number;
}

test.prop([
  // size 'max' spreads lengths over the whole range, so many answers span several chunks.
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 2_600, size: 'max' }),
  fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1_200 })),
])(
  'chunks concatenate to the source’s answer, indexed 0..count-1, none over the maximum',
  async (usernames, maxChunkSize) => {
    const members = usernames.map((username, i) => member(i, username));
    const handler = new GuildMemberRequests({ source: fixedSource(members), maxChunkSize });
    const result = await handler.handle(
      { id: 's', intents: GUILD_MEMBERS, guildIds: new Set([GUILD]) },
      { guild_id: GUILD, query: '', limit: 0 },
    );
    if (result.kind !== 'dispatch') throw new Error(`expected dispatches, got ${result.kind}`);
    const chunks = result.dispatches.map(
      (dispatch, i) => (JSON.parse(dispatch.frame(i)) as { d: ChunkData }).d,
    );

    expect(chunks.flatMap((chunk) => chunk.members)).toEqual(members);
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(chunks.map((_, i) => i));
    for (const chunk of chunks) {
      expect(chunk.chunk_count).toBe(chunks.length);
      expect(chunk.members.length).toBeLessThanOrEqual(maxChunkSize);
    }
    // Only the last chunk may be short, and only an empty answer has an empty chunk.
    for (const chunk of chunks.slice(0, -1)) expect(chunk.members).toHaveLength(maxChunkSize);
    expect(chunks.length === 1 || chunks.at(-1)!.members.length > 0).toBe(true);
  },
);

/** One request: wait `advanceMs`, then session `session` asks for guild `guild`'s full list. */
const step = fc.record({
  advanceMs: fc.integer({ min: 0, max: 40_000 }),
  session: fc.constantFrom('s1', 's2', 's3'),
  guild: fc.constantFrom('1001', '1002', '1003', '1004'),
});

test.prop([fc.array(step, { maxLength: 200 }), fc.integer({ min: 1, max: 35_000 })])(
  'the full-list rate limit, pruning included, agrees with a never-pruned model',
  async (steps, intervalMs) => {
    const clock = new ManualClock(1_000_000);
    const handler = new GuildMemberRequests({
      source: fixedSource([member(0, 'only')]),
      clock,
      fullListIntervalMs: intervalMs,
    });
    const lastAllowed = new Map<string, number>();
    for (const { advanceMs, session, guild } of steps) {
      clock.advance(advanceMs);
      const now = clock.now();
      const result = await handler.handle(
        { id: session, intents: GUILD_MEMBERS, guildIds: new Set([guild]) },
        { guild_id: guild, query: '', limit: 0 },
      );
      if (result.kind !== 'dispatch') throw new Error(`expected dispatches, got ${result.kind}`);
      const frame = JSON.parse(result.dispatches[0]!.frame(1)) as {
        t: string;
        d: { retry_after?: number };
      };
      const key = `${session}/${guild}`;
      const since = lastAllowed.get(key);
      if (since === undefined || now - since >= intervalMs) {
        expect(frame.t).toBe('GUILD_MEMBERS_CHUNK');
        lastAllowed.set(key, now);
      } else {
        expect(frame.t).toBe('RATE_LIMITED');
        expect(frame.d.retry_after).toBe((since + intervalMs - now) / 1000);
      }
    }
  },
);
