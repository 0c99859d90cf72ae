import {
  type AuthenticatedUser,
  type GatewaySession,
  type GuildLoadContext,
  IdentifyLimiter,
} from '@guildkit/gateway-core';
import {
  GatewayCloseCodes,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { type FakeTransport, identify, resume, Server, TOKEN, USER } from '../support/harness.js';

const GUILDS = GatewayIntentBits.Guilds;
const GUILD_MESSAGES = GatewayIntentBits.GuildMessages;

// Shard of each guild, (id >> 22) % count, worked out by hand:
// 81384788765712384 >> 22 = 19403645698 -> % 2 = 0, % 3 = 1
// 197038439483310086 >> 22 = 46977624770 -> % 2 = 0, % 3 = 2
// 222078108977594368 >> 22 = 52947547192 -> % 2 = 0, % 3 = 1
// 4194304 >> 22 = 1 -> % 2 = 1, % 3 = 1
// 12582912 >> 22 = 3 -> % 2 = 1, % 3 = 0
const G1 = '81384788765712384';
const G2 = '197038439483310086';
const G3 = '222078108977594368';
const G4 = '4194304';
const G5 = '12582912';
const ALL_GUILDS = [G1, G2, G3, G4, G5];

function readyGuildIds(transport: FakeTransport): string[] {
  const ready = transport.frames.find((frame) => frame.t === 'READY');
  expect(ready).toBeDefined();
  return (
    (ready?.d as { guilds: { id: string }[] } | undefined)?.guilds.map((guild) => guild.id) ?? []
  );
}

function guildCreates(transport: FakeTransport): { s: number; id: string }[] {
  return transport.frames
    .filter((frame) => frame.t === 'GUILD_CREATE')
    .map((frame) => ({ s: frame.s as number, id: (frame.d as { id: string }).id }));
}

function fakeGuild(id: string): GatewayGuildCreateDispatchData {
  return { id, name: `guild ${id}` } as unknown as GatewayGuildCreateDispatchData;
}

/** Lets pending promise callbacks and I/O callbacks run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await turn();
  expect(condition()).toBe(true);
}

/** `count` guild ids whose shard of 2 is `n % 2`: id = n << 22. */
function guildsOfBothShards(count: number): string[] {
  return Array.from({ length: count }, (_, n) => String(BigInt(n) << 22n));
}

describe('GatewayConnection: shard filtering', () => {
  it('lists in READY and subscribes the session to only the IDENTIFY shard guilds', async () => {
    const server = new Server({ guildIds: () => ALL_GUILDS });
    const shard0 = server.connect();
    await shard0.connection.receive(identify({ shard: [0, 2] }));
    const shard1 = server.connect();
    await shard1.connection.receive(identify({ shard: [1, 2] }));
    const third = server.connect();
    await third.connection.receive(identify({ shard: [2, 3] }));

    expect(readyGuildIds(shard0.transport)).toEqual([G1, G2, G3]);
    expect([...(shard0.connection.session?.guildIds ?? [])]).toEqual([G1, G2, G3]);
    expect(readyGuildIds(shard1.transport)).toEqual([G4, G5]);
    expect([...(shard1.connection.session?.guildIds ?? [])]).toEqual([G4, G5]);
    expect(readyGuildIds(third.transport)).toEqual([G2]);
  });

  it('keeps every guild for an unsharded IDENTIFY', async () => {
    const server = new Server({ guildIds: () => Promise.resolve(ALL_GUILDS) });
    const { connection, transport } = server.connect();
    await connection.receive(identify());
    expect(readyGuildIds(transport)).toEqual(ALL_GUILDS);
  });
});

describe('GatewayConnection: sharding required (4011)', () => {
  it('closes with 4011 when one shard would hold 2501 guilds, and leaves nothing to resume', async () => {
    const guilds = guildsOfBothShards(2501);
    const server = new Server({ guildIds: () => guilds });
    const { connection, transport } = server.connect();
    await connection.receive(identify());

    expect(transport.closed?.code).toBe(GatewayCloseCodes.ShardingRequired);
    expect(transport.closed?.code).toBe(4011);
    expect(transport.dispatchSeqs()).toEqual([]);
    expect(connection.session).toBeUndefined();
    const next = server.connect();
    await next.connection.receive(resume('session-1', 0));
    expect(next.transport.frames.at(-1)).toEqual({ op: 9, d: false });
  });

  it('accepts exactly 2500 guilds on one shard', async () => {
    const server = new Server({ guildIds: () => guildsOfBothShards(2500) });
    const { connection, transport } = server.connect();
    await connection.receive(identify());
    expect(transport.closed).toBeUndefined();
    expect(readyGuildIds(transport)).toHaveLength(2500);
  });

  it('accepts 2501 guilds once they are split over 2 shards', async () => {
    // Ids n << 22 for n = 0..2500: 1251 even n on shard 0, 1250 odd n on shard 1.
    const server = new Server({ guildIds: () => guildsOfBothShards(2501) });
    const shard0 = server.connect();
    await shard0.connection.receive(identify({ shard: [0, 2] }));
    const shard1 = server.connect();
    await shard1.connection.receive(identify({ shard: [1, 2] }));
    expect(shard0.transport.closed).toBeUndefined();
    expect(readyGuildIds(shard0.transport)).toHaveLength(1251);
    expect(readyGuildIds(shard1.transport)).toHaveLength(1250);
  });

  it('counts guilds against a configured maxGuildsPerShard after shard filtering', async () => {
    const server = new Server({ guildIds: () => ALL_GUILDS, maxGuildsPerShard: 2 });
    const shard0 = server.connect();
    await shard0.connection.receive(identify({ shard: [0, 2] }));
    const shard1 = server.connect();
    await shard1.connection.receive(identify({ shard: [1, 2] }));
    expect(shard0.transport.closed?.code).toBe(4011);
    expect(shard1.transport.closed).toBeUndefined();
  });
});

describe('GatewayConnection: identify limiter', () => {
  function limitedServer(options: { maxConcurrency?: number; users?: Record<string, string> }) {
    const server: Server = new Server({
      identifyLimiter: new IdentifyLimiter({
        ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
        clock: { now: () => server.scheduler.clock.now() },
      }),
      authenticate: (token): Promise<AuthenticatedUser | null> => {
        const appId = options.users?.[token] ?? (token === TOKEN ? USER.id : undefined);
        return Promise.resolve(
          appId === undefined
            ? null
            : { user: { ...USER, id: appId }, application: { id: appId, flags: 0 } },
        );
      },
    });
    return server;
  }

  it('answers an IDENTIFY over the limit with op 9 d false, keeps the socket open, and admits it after the window', async () => {
    const server = limitedServer({});
    const first = server.connect();
    await first.connection.receive(identify());
    expect(first.transport.dispatchSeqs()).toEqual([1]);

    const second = server.connect();
    await second.connection.receive(identify());
    expect(second.transport.frames).toEqual([
      { op: 10, d: { heartbeat_interval: 41250 } },
      { op: 9, d: false },
    ]);
    expect(second.transport.closed).toBeUndefined();
    expect(second.connection.session).toBeUndefined();

    server.scheduler.advance(4999);
    await second.connection.receive(identify());
    expect(second.transport.frames.at(-1)).toEqual({ op: 9, d: false });

    server.scheduler.advance(1);
    await second.connection.receive(identify());
    expect(second.transport.closed).toBeUndefined();
    expect(second.transport.frames.at(-1)).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: { session_id: 'session-2' },
    });
    expect(second.connection.session?.id).toBe('session-2');
  });

  it('admits shards of different buckets together and refuses the same bucket', async () => {
    const server = limitedServer({ maxConcurrency: 2 });
    const outcomes: unknown[] = [];
    for (const shard of [
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ]) {
      const { connection, transport } = server.connect();
      await connection.receive(identify({ shard }));
      outcomes.push(transport.frames.at(-1)?.op === 9 ? 'refused' : 'ready');
    }
    expect(outcomes).toEqual(['ready', 'ready', 'refused', 'refused']);
  });

  it('limits each application on its own', async () => {
    const server = limitedServer({ users: { 'token-a': '1001', 'token-b': '1002' } });
    const results: (string | undefined)[] = [];
    for (const token of ['token-a', 'token-b', 'token-a']) {
      const { connection, transport } = server.connect();
      await connection.receive(identify({ token }));
      results.push(transport.frames.at(-1)?.t ?? `op ${transport.frames.at(-1)?.op}`);
    }
    expect(results).toEqual(['READY', 'READY', 'op 9']);
  });

  it('does not spend the slot on an IDENTIFY that fails authentication', async () => {
    const server = limitedServer({});
    const bad = server.connect();
    await bad.connection.receive(identify({ token: 'wrong' }));
    expect(bad.transport.closed?.code).toBe(4004);
    const good = server.connect();
    await good.connection.receive(identify());
    expect(good.transport.frames.at(-1)).toMatchObject({ t: 'READY' });
  });
});

describe('GatewayConnection: GUILD_CREATE after READY', () => {
  it("sends one GUILD_CREATE per guild in READY's order, even when later loads finish first", async () => {
    // Load times in event-loop turns: the first guild is the slowest.
    const turns: Record<string, number> = { [G1]: 20, [G2]: 0, [G3]: 5 };
    const loaded: string[] = [];
    const server = new Server({
      guildIds: () => [G1, G2, G3],
      loadGuild: async (guildId) => {
        for (let i = 0; i < (turns[guildId] ?? 0); i++) await turn();
        loaded.push(guildId);
        return fakeGuild(guildId);
      },
    });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ intents: GUILDS }));

    await waitUntil(() => guildCreates(transport).length === 3);
    expect(transport.frames[1]).toMatchObject({ t: 'READY', s: 1 });
    expect(guildCreates(transport)).toEqual([
      { s: 2, id: G1 },
      { s: 3, id: G2 },
      { s: 4, id: G3 },
    ]);
    expect(transport.frames.find((frame) => frame.t === 'GUILD_CREATE')?.d).toEqual({
      id: G1,
      name: `guild ${G1}`,
    });
    expect(loaded).toEqual([G1, G2, G3]);
  });

  it('loads only the IDENTIFY shard guilds, telling loadGuild the session and large_threshold', async () => {
    const contexts: [string, string, number][] = [];
    const server = new Server({
      guildIds: () => ALL_GUILDS,
      loadGuild: (guildId, context: GuildLoadContext) => {
        contexts.push([guildId, context.session.id, context.largeThreshold]);
        return Promise.resolve(fakeGuild(guildId));
      },
    });
    const sharded = server.connect();
    await sharded.connection.receive(
      identify({ intents: GUILDS, shard: [1, 2], large_threshold: 100 }),
    );
    await waitUntil(() => guildCreates(sharded.transport).length === 2);
    expect(contexts).toEqual([
      [G4, 'session-1', 100],
      [G5, 'session-1', 100],
    ]);

    contexts.length = 0;
    const plain = server.connect();
    await plain.connection.receive(identify({ intents: GUILDS, shard: [1, 3] }));
    await waitUntil(() => guildCreates(plain.transport).length === 3);
    // 50 is Discord's default large_threshold.
    expect(contexts).toEqual([
      [G1, 'session-2', 50],
      [G3, 'session-2', 50],
      [G4, 'session-2', 50],
    ]);
  });

  it('sends no GUILD_CREATE and loads nothing without the GUILDS intent', async () => {
    const loads: string[] = [];
    const server = new Server({
      guildIds: () => [G1, G2],
      loadGuild: (guildId) => {
        loads.push(guildId);
        return Promise.resolve(fakeGuild(guildId));
      },
    });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ intents: GUILD_MESSAGES }));
    for (let i = 0; i < 5; i++) await turn();
    expect(loads).toEqual([]);
    expect(guildCreates(transport)).toEqual([]);
    expect(readyGuildIds(transport)).toEqual([G1, G2]);
  });

  it('skips a guild loadGuild leaves unavailable and passes a failed load to onError', async () => {
    const failure = new Error('guild store down');
    const errors: unknown[] = [];
    const server = new Server({
      guildIds: () => [G1, G2, G3],
      loadGuild: (guildId) => {
        if (guildId === G1) return Promise.resolve(undefined);
        if (guildId === G2) return Promise.reject(failure);
        return Promise.resolve(fakeGuild(guildId));
      },
      onError: (error) => errors.push(error),
    });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ intents: GUILDS }));
    await waitUntil(() => guildCreates(transport).length === 1);
    expect(guildCreates(transport)).toEqual([{ s: 2, id: G3 }]);
    expect(errors).toEqual([failure]);
    expect(transport.closed).toBeUndefined();
  });

  it('stops loading once the session ends', async () => {
    const requested: string[] = [];
    let release: (() => void) | undefined;
    const server = new Server({
      guildIds: () => [G1, G2],
      loadGuild: (guildId) => {
        requested.push(guildId);
        return new Promise((resolve) => {
          release = () => resolve(fakeGuild(guildId));
        });
      },
    });
    const { connection, transport } = server.connect();
    await connection.receive(identify({ intents: GUILDS }));
    expect(requested).toEqual([G1]);
    connection.peerClosed(1000);
    release?.();
    for (let i = 0; i < 5; i++) await turn();
    expect(requested).toEqual([G1]);
    expect(guildCreates(transport)).toEqual([]);
  });
});

describe('GatewayConnection: onResumed', () => {
  it('calls onResumed with the session after RESUMED was sent, and not for a refused RESUME', async () => {
    const resumed: [GatewaySession, unknown][] = [];
    let next: ReturnType<Server['connect']> | undefined;
    const server = new Server({
      onResumed: (session) => resumed.push([session, next?.transport.frames.at(-1)]),
    });
    const first = server.connect();
    await first.connection.receive(identify());
    const session = first.connection.session!;
    first.connection.peerClosed(1006);

    const refused = server.connect();
    await refused.connection.receive(resume(session.id, 1, 'other-token'));
    expect(resumed).toEqual([]);

    next = server.connect();
    await next.connection.receive(resume(session.id, 1));
    expect(resumed).toEqual([[session, { op: 0, t: 'RESUMED', s: 2, d: null }]]);
  });
});
