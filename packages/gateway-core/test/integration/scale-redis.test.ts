import { randomUUID } from 'node:crypto';
import { RedisEventBus, RedisStreamsSessionStore } from '@guildkit/gateway-core/redis';
import { REDIS, requireService } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import {
  resumeOnAnotherNode,
  type ScaleBackend,
  streamAcrossNodes,
} from '../support/scale-scenario.js';

const available = await requireService(REDIS);

function redisBackend(): ScaleBackend {
  // A prefix per test keeps concurrent runs on the shared server apart.
  const keyPrefix = `guildkit-test:scale:${randomUUID()}:`;
  const channelPrefix = `guildkit-test:scale-guild:${randomUUID()}:`;
  const clients: Redis[] = [];
  const closers: (() => Promise<void>)[] = [];
  const client = (): Redis => {
    const redis = new Redis({ host: REDIS.host, port: REDIS.port });
    clients.push(redis);
    return redis;
  };
  const store = (): RedisStreamsSessionStore => {
    const opened = new RedisStreamsSessionStore({ client: client(), keyPrefix, ttlMs: 60_000 });
    closers.push(() => opened.close());
    return opened;
  };
  return {
    async node(nodeId) {
      const bus = new RedisEventBus({
        nodeId,
        publisher: client(),
        subscriber: client(),
        channelPrefix,
      });
      closers.push(() => bus.close());
      return { store: store(), bus };
    },
    async observer() {
      return store();
    },
    async teardown() {
      for (const close of closers) await close();
      const [first] = clients;
      if (first !== undefined) {
        const keys = await first.keys(`${keyPrefix}*`);
        if (keys.length > 0) await first.del(...keys);
      }
      await Promise.all(clients.map((redis) => redis.quit()));
    },
  };
}

describe.skipIf(!available)(
  'GatewayServer scale-out on Redis (Streams store + pub/sub bus)',
  () => {
    it('resumes on node B, after node A lost the socket, with exactly the missed dispatches', async () => {
      await resumeOnAnotherNode(redisBackend(), { staleNode: false });
    });

    it('fences off node A, still up, once node B resumed its session', async () => {
      await resumeOnAnotherNode(redisBackend(), { staleNode: true });
    });

    it('delivers 10,000 messages dispatched on node A to a client on node B, in order', async () => {
      await streamAcrossNodes(redisBackend(), 10_000);
    }, 60_000);
  },
);
