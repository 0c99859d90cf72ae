import { randomUUID } from 'node:crypto';
import { REDIS, requireService } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisStreamsSessionStore } from '../../src/resume/redis-streams-session-store.js';
import type { SessionStore } from '../../src/resume/session-store.js';
import { describeSessionStoreConformance, frameOf } from '../support/session-store-conformance.js';

const available = await requireService(REDIS);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function harness() {
  const keyPrefix = `guildkit-test:session:${randomUUID()}:`;
  const clients: Redis[] = [];
  const stores: SessionStore[] = [];
  return {
    keyPrefix,
    clients,
    async open(options: { capacity: number; ttlMs: number }) {
      const client = new Redis({ host: REDIS.host, port: REDIS.port });
      clients.push(client);
      const store = new RedisStreamsSessionStore({ ...options, client, keyPrefix });
      stores.push(store);
      return store;
    },
    now: () => Date.now(),
    elapse: sleep,
    async teardown() {
      for (const store of stores) await store.close();
      const [first] = clients;
      if (first !== undefined) {
        const keys = await first.keys(`${keyPrefix}*`);
        if (keys.length > 0) await first.del(...keys);
      }
      for (const client of clients) await client.quit();
    },
  };
}

describe.skipIf(!available)('RedisStreamsSessionStore against the local Redis', () => {
  describeSessionStoreConformance('RedisStreamsSessionStore', harness, {
    shortTtlMs: 400,
    expiryGraceMs: 200,
    deadlineToleranceMs: 1_000,
  });

  it('replays after Redis forgot the append script (SCRIPT FLUSH)', async () => {
    const h = harness();
    try {
      const store = await h.open({ capacity: 10, ttlMs: 60_000 });
      await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 0 });
      await store.append('s', 1, frameOf('s', 1));
      await h.clients[0]!.script('FLUSH');
      await store.append('s', 2, frameOf('s', 2));
      expect(await store.since('s', 0)).toEqual([frameOf('s', 1), frameOf('s', 2)]);
    } finally {
      await h.teardown();
    }
  });

  it('trims each stream to about capacity entries', async () => {
    const h = harness();
    try {
      const store = await h.open({ capacity: 100, ttlMs: 60_000 });
      await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 0 });
      for (let tick = 0; tick < 10; tick++) {
        const appends = Array.from({ length: 100 }, (_, i) => {
          const seq = tick * 100 + i + 1;
          return { sessionId: 's', seq, frame: frameOf('s', seq) };
        });
        await store.appendMany(appends);
      }
      const length = await h.clients[0]!.xlen(`${h.keyPrefix}{s}:frames`);
      expect(length).toBeGreaterThanOrEqual(100);
      expect(length).toBeLessThan(400);
      expect(await store.since('s', 900)).toHaveLength(100);
      expect(await store.since('s', 899)).toBeUndefined();
    } finally {
      await h.teardown();
    }
  });

  it('wraps a Redis failure as GK_GATEWAY_SESSION_STORE_FAILED', async () => {
    const client = new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: true });
    client.on('error', () => undefined);
    const store = new RedisStreamsSessionStore({ client });
    try {
      await client.connect();
      client.disconnect();
      await expect(store.load('s')).rejects.toMatchObject({
        code: 'GK_GATEWAY_SESSION_STORE_FAILED',
      });
    } finally {
      client.disconnect();
    }
  });
});
