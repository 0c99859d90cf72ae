import { randomUUID } from 'node:crypto';
import { RedisEventBus, RedisStreamsSessionStore } from '@guildkit/gateway-core/redis';
import { REDIS, requireService } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { resumeAfterSigkill, type SigkillBackend } from '../support/sigkill-scenario.js';

const available = await requireService(REDIS);

function redisBackend(): SigkillBackend {
  // A prefix per test keeps concurrent runs on the shared server apart; node A (another
  // process) opens the same names from `config`.
  const config = {
    backend: 'redis',
    host: REDIS.host,
    port: REDIS.port,
    ttlMs: 60_000,
    keyPrefix: `guildkit-test:sigkill:${randomUUID()}:`,
    channelPrefix: `guildkit-test:sigkill-guild:${randomUUID()}:`,
  } as const;
  const clients: Redis[] = [];
  const closers: (() => Promise<void>)[] = [];
  const client = (): Redis => {
    const redis = new Redis({ host: config.host, port: config.port });
    clients.push(redis);
    return redis;
  };
  const store = (): RedisStreamsSessionStore => {
    const opened = new RedisStreamsSessionStore({
      client: client(),
      keyPrefix: config.keyPrefix,
      ttlMs: config.ttlMs,
    });
    closers.push(() => opened.close());
    return opened;
  };
  return {
    config,
    async node(nodeId) {
      const bus = new RedisEventBus({
        nodeId,
        publisher: client(),
        subscriber: client(),
        channelPrefix: config.channelPrefix,
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
        const keys = await first.keys(`${config.keyPrefix}*`);
        if (keys.length > 0) await first.del(...keys);
      }
      await Promise.all(clients.map((redis) => redis.quit()));
    },
  };
}

describe.skipIf(!available)('GatewayServer scale-out on Redis: node killed mid-stream', () => {
  it('resumes 5 clients of a SIGKILLed node on node B, seqs contiguous, nothing stored lost or repeated', async () => {
    const outcome = await resumeAfterSigkill(redisBackend(), 5);
    expect(outcome.lastSeenOnA.every((seq) => seq > 50)).toBe(true);
  });
});
