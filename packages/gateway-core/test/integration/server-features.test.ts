import {
  type AuthenticatedUser,
  GatewayServer,
  type GatewayServerOptions,
  GuildMemberRequests,
  MemorySessionRegistry,
  TimerWheel,
} from '@guildkit/gateway-core';
import { afterEach, describe, expect, it } from 'vitest';
import { identify, resume, TOKEN, USER } from '../support/harness.js';
import { RawClient } from '../support/raw-client.js';

// Guild ids by shard of 2: (id >> 22) % 2. 4194304 = 1 << 22 -> shard 1; 8388608 = 2 << 22 -> shard 0.
const GUILD_ON_SHARD_1 = '4194304';
const GUILD_ON_SHARD_0 = '8388608';

const open: { servers: GatewayServer[]; clients: RawClient[]; wheels: TimerWheel[] } = {
  servers: [],
  clients: [],
  wheels: [],
};

afterEach(async () => {
  for (const client of open.clients.splice(0)) client.socket.terminate();
  await Promise.all(open.servers.splice(0).map((server) => server.close()));
  for (const wheel of open.wheels.splice(0)) wheel.close();
});

async function startServer(
  extra: Partial<GatewayServerOptions> = {},
): Promise<{ server: GatewayServer; base: string }> {
  const server = new GatewayServer({
    authenticate: async (token): Promise<AuthenticatedUser | null> =>
      token === TOKEN ? { user: USER } : null,
    guildIds: () => [GUILD_ON_SHARD_0, GUILD_ON_SHARD_1],
    grantedPrivilegedIntents: () => 2,
    drainTimeoutMs: 200,
    ...extra,
  });
  open.servers.push(server);
  const { port } = await server.listen();
  return { server, base: `ws://127.0.0.1:${port}` };
}

function connect(url: string, compressed = false): RawClient {
  const client = new RawClient(url, { compressed });
  open.clients.push(client);
  return client;
}

async function ready(
  base: string,
  identifyExtra: Record<string, unknown> = {},
  compressed = false,
): Promise<{ client: RawClient; sessionId: string; guilds: unknown }> {
  const client = connect(
    `${base}/?v=10&encoding=json${compressed ? '&compress=zlib-stream' : ''}`,
    compressed,
  );
  expect((await client.next()).op).toBe(10);
  client.send(identify(identifyExtra));
  const frame = await client.next();
  expect(frame).toMatchObject({ op: 0, t: 'READY', s: 1 });
  const d = frame.d as { session_id: string; guilds: unknown };
  return { client, sessionId: d.session_id, guilds: d.guilds };
}

describe('zlib-stream transport compression', () => {
  it('sends every frame compressed through one zlib context, each ending 00 00 ff ff', async () => {
    const { server, base } = await startServer();
    const { client, sessionId } = await ready(base, {}, true);
    const big = 'x'.repeat(50_000);
    server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1', big } });
    server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1', n: 'ü€😀' } });
    expect(await client.next()).toEqual({
      op: 0,
      t: 'GUILD_UPDATE',
      s: 2,
      d: { guild_id: '1', big },
    });
    expect(await client.next()).toEqual({
      op: 0,
      t: 'GUILD_UPDATE',
      s: 3,
      d: { guild_id: '1', n: 'ü€😀' },
    });
    client.send('{"op":1,"d":3}');
    expect(await client.next()).toEqual({ op: 11 });
    expect(client.compressedTails).toHaveLength(5);
    expect(new Set(client.compressedTails)).toEqual(new Set(['0000ffff']));
  });

  it('delivers a close code after the compressed frames queued before it', async () => {
    const { base } = await startServer();
    const client = connect(`${base}/?v=10&encoding=json&compress=zlib-stream`, true);
    expect((await client.next()).op).toBe(10);
    client.send(identify({ token: 'wrong' }));
    expect((await client.closed).code).toBe(4004);
  });
});

describe('draining with RECONNECT (op 7)', () => {
  it('lets a client resume on another server that shares the registry, nothing lost', async () => {
    const wheel = new TimerWheel();
    open.wheels.push(wheel);
    const registry = new MemorySessionRegistry({ wheel });
    const b = await startServer({ registry });
    const a = await startServer({ registry, resumeGatewayUrl: b.base, drainTimeoutMs: 10_000 });
    const { client, sessionId } = await ready(a.base);
    a.server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1', n: 2 } });
    expect(await client.next()).toMatchObject({ s: 2 });

    const draining = a.server.close();
    expect(await client.next()).toEqual({ op: 7, d: null });
    // Events keep flowing to the session until its client goes.
    a.server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1', n: 3 } });
    const third = await client.next();
    expect(third).toMatchObject({ s: 3 });
    a.server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1', n: 4 } });
    client.socket.close(4200, 'reconnecting');
    await draining;

    const resumed = connect(`${b.base}/?v=10&encoding=json`);
    expect((await resumed.next()).op).toBe(10);
    resumed.send(resume(sessionId, 3));
    expect(await resumed.next()).toEqual({
      op: 0,
      t: 'GUILD_UPDATE',
      s: 4,
      d: { guild_id: '1', n: 4 },
    });
    expect(await resumed.next()).toEqual({ op: 0, t: 'RESUMED', s: 5, d: null });
    expect(b.server.dispatchToSession(sessionId, { t: 'GUILD_UPDATE', d: { guild_id: '1' } })).toBe(
      6,
    );
    expect(await resumed.next()).toMatchObject({ s: 6 });
  });
});

describe('sharding and fan-out over sockets', () => {
  it('gives each shard its own guilds and sends DMs to shard 0 only', async () => {
    const { server, base } = await startServer({ identifyConcurrency: { maxConcurrency: 2 } });
    const shard0 = await ready(base, { shard: [0, 2], intents: (1 << 9) | (1 << 12) });
    const shard1 = await ready(base, { shard: [1, 2], intents: (1 << 9) | (1 << 12) });
    expect(shard0.guilds).toEqual([{ id: GUILD_ON_SHARD_0, unavailable: true }]);
    expect(shard1.guilds).toEqual([{ id: GUILD_ON_SHARD_1, unavailable: true }]);

    const message = (guildId: string | undefined, content: string): Record<string, unknown> => ({
      id: '9',
      channel_id: '7',
      ...(guildId === undefined ? {} : { guild_id: guildId }),
      author: { id: '5' },
      content,
      mentions: [],
    });
    expect(
      server.fanOut.dispatchToGuild(GUILD_ON_SHARD_1, {
        t: 'MESSAGE_CREATE',
        d: message(GUILD_ON_SHARD_1, 'to shard 1'),
      }),
    ).toEqual({ delivered: 1, filtered: 0, dropped: 0, queued: 0 });
    expect(
      server.fanOut.dispatchToUser(USER.id, { t: 'MESSAGE_CREATE', d: message(undefined, 'dm') }),
    ).toEqual({ delivered: 1, filtered: 1, dropped: 0, queued: 0 });

    // Without MESSAGE_CONTENT, a guild message arrives with empty content; a DM keeps it.
    expect(await shard1.client.next()).toMatchObject({
      t: 'MESSAGE_CREATE',
      s: 2,
      d: { guild_id: GUILD_ON_SHARD_1, content: '' },
    });
    expect(await shard0.client.next()).toMatchObject({
      t: 'MESSAGE_CREATE',
      s: 2,
      d: { content: 'dm' },
    });
  });

  it('closes 4011 when one shard would hold more guilds than allowed', async () => {
    const { base } = await startServer({ maxGuildsPerShard: 1 });
    const client = connect(`${base}/?v=10&encoding=json`);
    await client.next();
    client.send(identify());
    expect((await client.closed).code).toBe(4011);
  });

  it('answers a second IDENTIFY in the same max_concurrency bucket with INVALID_SESSION(false)', async () => {
    const { base } = await startServer();
    await ready(base);
    const second = connect(`${base}/?v=10&encoding=json`);
    await second.next();
    second.send(identify());
    expect(await second.next()).toEqual({ op: 9, d: false });
    second.send('{"op":1,"d":null}');
    expect(await second.next()).toEqual({ op: 11 });
  });

  it('sends GUILD_CREATE for each guild after READY, in READY order', async () => {
    const { base } = await startServer({
      loadGuild: async (guildId, { largeThreshold }) =>
        ({ id: guildId, large: largeThreshold < 100 }) as never,
    });
    const { client } = await ready(base, { intents: 1, large_threshold: 250 });
    expect(await client.next()).toEqual({
      op: 0,
      t: 'GUILD_CREATE',
      s: 2,
      d: { id: GUILD_ON_SHARD_0, large: false },
    });
    expect(await client.next()).toMatchObject({ s: 3, d: { id: GUILD_ON_SHARD_1 } });
  });
});

describe('REQUEST_GUILD_MEMBERS (op 8) over sockets', () => {
  const member = (id: string, username: string) => ({
    user: { id, username, discriminator: '0', global_name: null, avatar: null },
    roles: [],
    joined_at: '2026-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
  });
  const members = Array.from({ length: 1500 }, (_, index) =>
    member(String(10_000 + index), `user${index}`),
  );

  it('answers a full-list request with GUILD_MEMBERS_CHUNKs of at most 1000, then RATE_LIMITED', async () => {
    const { base } = await startServer({
      guildMemberRequests: new GuildMemberRequests({
        source: {
          search: (_guildId, prefix, limit) =>
            members
              .filter((m) => m.user.username.startsWith(prefix))
              .slice(0, limit === 0 ? undefined : limit),
          get: (_guildId, ids) => members.filter((m) => ids.includes(m.user.id)),
          presences: () => [],
        },
      }),
    });
    // GUILDS | GUILD_MEMBERS (privileged, granted below).
    const { client } = await ready(base, { intents: 1 | 2 });
    client.send(
      JSON.stringify({
        op: 8,
        d: { guild_id: GUILD_ON_SHARD_0, query: '', limit: 0, nonce: 'n1' },
      }),
    );
    const first = await client.next();
    const second = await client.next();
    expect(first).toMatchObject({
      t: 'GUILD_MEMBERS_CHUNK',
      s: 2,
      d: { guild_id: GUILD_ON_SHARD_0, chunk_index: 0, chunk_count: 2, nonce: 'n1' },
    });
    expect(second).toMatchObject({ s: 3, d: { chunk_index: 1, chunk_count: 2 } });
    const ids = [
      ...(first.d as { members: typeof members }).members,
      ...(second.d as { members: typeof members }).members,
    ].map((m) => m.user.id);
    expect(ids).toEqual(members.map((m) => m.user.id));

    client.send(
      JSON.stringify({
        op: 8,
        d: { guild_id: GUILD_ON_SHARD_0, query: '', limit: 0, nonce: 'n2' },
      }),
    );
    expect(await client.next()).toMatchObject({
      t: 'RATE_LIMITED',
      s: 4,
      d: { opcode: 8, meta: { guild_id: GUILD_ON_SHARD_0, nonce: 'n2' } },
    });
  });
});
