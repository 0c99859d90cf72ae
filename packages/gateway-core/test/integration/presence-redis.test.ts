import { randomUUID } from 'node:crypto';
import { REDIS, requireService } from '@guildkit/testkit';
import type { GatewayPresenceUpdateDispatchData } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PresenceTracker } from '../../src/presence/presence-tracker.js';
import { RedisPresenceStore } from '../../src/presence/redis-presence-store.js';

const available = await requireService(REDIS);

const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.skipIf(!available)('RedisPresenceStore against the local Redis', () => {
  const prefix = `guildkit-test:presence:${randomUUID()}:`;
  let client: Redis;
  const open: { tracker: PresenceTracker; store: RedisPresenceStore }[] = [];

  async function node(ttlMs = 60_000) {
    const store = new RedisPresenceStore({ client, keyPrefix: prefix });
    const tracker = new PresenceTracker({ guildIdsOf: () => ['g'], store, batchMs: 20, ttlMs });
    const seen = new Map<string, GatewayPresenceUpdateDispatchData>();
    tracker.on('presenceUpdate', (_, updates) => {
      for (const update of updates) seen.set(update.user.id, update);
    });
    await store.ready();
    open.push({ tracker, store });
    return { tracker, store, seen };
  }

  beforeAll(() => {
    client = new Redis({ host: REDIS.host, port: REDIS.port });
  });

  afterEach(async () => {
    for (const { tracker, store } of open.splice(0)) {
      tracker.close();
      await store.close();
    }
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  });

  afterAll(async () => {
    await client.quit();
  });

  it('lets two nodes see each other’s users', async () => {
    const a = await node();
    const b = await node();
    await a.tracker.connect({ sessionId: 'sa', userId: 'ua', device: 'desktop' });
    await b.tracker.connect({ sessionId: 'sb', userId: 'ub', device: 'mobile' });
    await until(() => a.seen.has('ub') && b.seen.has('ua'));
    expect(b.seen.get('ua')).toEqual({
      user: { id: 'ua' },
      guild_id: 'g',
      status: 'online',
      activities: [],
      client_status: { desktop: 'online' },
    });
    expect(a.seen.get('ub')?.client_status).toEqual({ mobile: 'online' });

    await b.tracker.connect({ sessionId: 'sb2', userId: 'ua', device: 'web' });
    const update = await b.tracker.updateFromClient('sb2', {
      since: null,
      activities: [{ name: 'Chess', type: 0 }],
      status: 'dnd',
      afk: false,
    });
    expect(update).toEqual({ ok: true });
    await until(() => a.seen.get('ua')?.status === 'dnd');
    expect(a.seen.get('ua')).toMatchObject({
      client_status: { desktop: 'online', web: 'dnd' },
      activities: [{ name: 'Chess', type: 0 }],
    });

    await a.tracker.disconnect('sa');
    await until(() => b.seen.get('ua')?.client_status?.desktop === undefined);
    expect(await b.tracker.presenceOf('ua')).toMatchObject({
      status: 'dnd',
      client_status: { web: 'dnd' },
    });
  });

  it('expires by Redis TTL the sessions of a node that stopped refreshing', async () => {
    const a = await node(400);
    const b = await node(400);
    await a.tracker.connect({ sessionId: 'sa', userId: 'ua', device: 'desktop' });
    await until(() => b.seen.get('ua')?.status === 'online');
    expect(await client.pttl(`${prefix}s:sa`)).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await a.tracker.touch('sa')).toBe(true);
    }
    expect(b.seen.get('ua')?.status).toBe('online');
    a.tracker.close(); // the node "crashes": nobody removes its session
    await until(() => b.seen.get('ua')?.status === 'offline', 3_000);
    expect(b.seen.get('ua')).toEqual({
      user: { id: 'ua' },
      guild_id: 'g',
      status: 'offline',
      activities: [],
      client_status: {},
    });
    expect(await client.exists(`${prefix}s:sa`)).toBe(0);
    expect(await client.hlen(`${prefix}u:ua`)).toBe(0);
  });
});
