import { randomUUID } from 'node:crypto';
import {
  GatewayServer,
  type GatewayServerOptions,
  MemoryPresenceStore,
  type PresenceStore,
  PresenceTracker,
} from '@guildkit/gateway-core';
import { RedisPresenceStore, RedisStreamsSessionStore } from '@guildkit/gateway-core/redis';
import { REDIS, requireService } from '@guildkit/testkit';
import { type APIUser, GatewayIntentBits } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Frame, RawClient } from '../support/raw-client.js';

const GUILD = '81384788765712384';
const user = (id: string, username: string): APIUser => ({
  id,
  username,
  discriminator: '0',
  global_name: null,
  avatar: null,
});
const ALICE = user('80351110224678912', 'alice');
const BOB = user('80351110224678913', 'bob');
const USERS: ReadonlyMap<string, APIUser> = new Map([
  ['alice', ALICE],
  ['bob', BOB],
]);
const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildPresences;
const DND_GAMING = {
  since: null,
  status: 'dnd',
  afk: false,
  activities: [{ name: 'Chess', type: 0 }],
};

const redisAvailable = await requireService(REDIS);

interface Node {
  readonly server: GatewayServer;
  readonly tracker: PresenceTracker;
  readonly url: string;
}

const opened: { close(): Promise<void> | void }[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  for (const closer of opened.splice(0).reverse()) await closer.close();
});

async function startNode(store: PresenceStore, extra: Partial<GatewayServerOptions> = {}) {
  const tracker = new PresenceTracker({ guildIdsOf: () => [GUILD], store, batchMs: 20 });
  const server = new GatewayServer({
    authenticate: async (token) => {
      const found = USERS.get(token);
      return found === undefined ? null : { user: found };
    },
    grantedPrivilegedIntents: () => GatewayIntentBits.GuildPresences,
    guildIds: () => [GUILD],
    identifyConcurrency: false,
    presence: tracker,
    ...extra,
  });
  opened.push(tracker, server);
  const { port } = await server.listen();
  return { server, tracker, url: `ws://127.0.0.1:${port}/?v=10&encoding=json` } satisfies Node;
}

async function connect(
  node: Node,
  token: string,
  extra: Record<string, unknown> = {},
): Promise<RawClient> {
  const client = new RawClient(node.url);
  clients.push(client);
  expect((await client.next()).op).toBe(10);
  client.send(
    JSON.stringify({
      op: 2,
      d: {
        token,
        intents: INTENTS,
        properties: { os: 'linux', browser: 'test', device: 'test' },
        ...extra,
      },
    }),
  );
  return client;
}

/** Reads dispatches until a PRESENCE_UPDATE for `userId` with `status` arrives. */
async function presenceOf(client: RawClient, userId: string, status: string): Promise<Frame> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`no ${status} PRESENCE_UPDATE for ${userId}`);
    const frame = await Promise.race([
      client.nextDispatch(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no ${status} presence for ${userId}`)), remaining),
      ),
    ]);
    const d = frame.d as { user?: { id: string }; status?: string };
    if (frame.t === 'PRESENCE_UPDATE' && d.user?.id === userId && d.status === status) return frame;
  }
}

describe('GatewayServer with a PresenceTracker', () => {
  it('publishes IDENTIFY presence per device, applies op 3 and goes offline on a clean close', async () => {
    const node = await startNode(new MemoryPresenceStore());
    const alice = await connect(node, 'alice');
    expect((await alice.nextDispatch()).t).toBe('READY');
    const bob = await connect(node, 'bob', {
      presence: DND_GAMING,
      properties: { os: 'ios', browser: 'Discord iOS', device: 'iPhone' },
    });

    const dnd = await presenceOf(alice, BOB.id, 'dnd');
    expect(dnd.d).toMatchObject({
      guild_id: GUILD,
      status: 'dnd',
      client_status: { mobile: 'dnd' },
      activities: [{ name: 'Chess', type: 0 }],
    });

    bob.send(JSON.stringify({ op: 3, d: { since: 1, status: 'idle', afk: true, activities: [] } }));
    const idle = await presenceOf(alice, BOB.id, 'idle');
    expect(idle.d).toMatchObject({ client_status: { mobile: 'idle' }, activities: [] });

    bob.socket.close(1000);
    const offline = await presenceOf(alice, BOB.id, 'offline');
    expect(offline.d).toMatchObject({ client_status: {}, activities: [] });
  });

  it('closes 4001 on an invalid op 3 and on an invalid IDENTIFY presence, 4008 over the presence budget', async () => {
    const store = new MemoryPresenceStore();
    const node = await startNode(store);
    const invalid = await connect(node, 'alice');
    expect((await invalid.nextDispatch()).t).toBe('READY');
    invalid.send(
      JSON.stringify({
        op: 3,
        d: {
          ...DND_GAMING,
          activities: Array.from({ length: 11 }, () => ({ name: 'x', type: 0 })),
        },
      }),
    );
    expect((await invalid.closed).code).toBe(4001);

    const badIdentify = await connect(node, 'alice', {
      presence: { ...DND_GAMING, activities: [{ name: 'x'.repeat(129), type: 0 }] },
    });
    expect((await badIdentify.closed).code).toBe(4001);

    const chatty = await connect(node, 'bob');
    expect((await chatty.nextDispatch()).t).toBe('READY');
    for (let i = 0; i < 6; i++) chatty.send(JSON.stringify({ op: 3, d: DND_GAMING }));
    expect((await chatty.closed).code).toBe(4008);
  });
});

describe.skipIf(!redisAvailable)('two GatewayServers sharing a RedisPresenceStore', () => {
  it('a presence set on node A reaches a session on node B, and a RESUME on B keeps it', async () => {
    const keyPrefix = `guildkit-test:presence-server:${randomUUID()}:`;
    const redis = [0, 1, 2, 3].map(() => new Redis({ host: REDIS.host, port: REDIS.port }));
    opened.push({
      close: async () => {
        const [first] = redis;
        const keys = (await first?.keys(`${keyPrefix}*`)) ?? [];
        if (keys.length > 0) await first?.del(...keys);
        await Promise.all(redis.map((client) => client.quit()));
      },
    });
    const [r0, r1, r2, r3] = redis as [Redis, Redis, Redis, Redis];
    const stores = [r0, r1].map((client) => new RedisPresenceStore({ client, keyPrefix }));
    await Promise.all(stores.map((store) => store.ready()));
    const sessions = [r2, r3].map(
      (client) =>
        new RedisStreamsSessionStore({ client, keyPrefix: `${keyPrefix}s:`, ttlMs: 60_000 }),
    );
    opened.push(...stores, ...sessions);
    const [storeA, storeB] = stores as [RedisPresenceStore, RedisPresenceStore];
    const [sessionsA, sessionsB] = sessions as [RedisStreamsSessionStore, RedisStreamsSessionStore];
    const a = await startNode(storeA, { sessionStore: sessionsA });
    const b = await startNode(storeB, { sessionStore: sessionsB });

    const watcher = await connect(b, 'alice');
    expect((await watcher.nextDispatch()).t).toBe('READY');
    const bob = await connect(a, 'bob', { presence: DND_GAMING });
    const ready = await bob.nextDispatch();
    expect(ready.t).toBe('READY');
    await presenceOf(watcher, BOB.id, 'dnd');

    const sessionId = (ready.d as { session_id: string }).session_id;
    bob.socket.terminate();
    await bob.closed;
    const resumed = new RawClient(b.url);
    clients.push(resumed);
    expect((await resumed.next()).op).toBe(10);
    resumed.send(JSON.stringify({ op: 6, d: { token: 'bob', session_id: sessionId, seq: 1 } }));
    // The replay holds the presence batches bob's session got on A (its own dnd, and alice's
    // online if her batch came after bob's READY), then RESUMED.
    const replayed: Frame[] = [];
    while (replayed.at(-1)?.t !== 'RESUMED') replayed.push(await resumed.nextDispatch());
    expect(replayed.slice(0, -1).every((frame) => frame.t === 'PRESENCE_UPDATE')).toBe(true);
    expect(replayed.map((frame) => frame.d)).toContainEqual(
      expect.objectContaining({ user: { id: BOB.id }, status: 'dnd' }),
    );
    expect(await b.tracker.presenceOf(BOB.id)).toMatchObject({ status: 'dnd' });
    resumed.send(JSON.stringify({ op: 3, d: { ...DND_GAMING, status: 'online' } }));
    const online = await presenceOf(watcher, BOB.id, 'online');
    expect(online.d).toMatchObject({ activities: [{ name: 'Chess' }] });
  });
});
