import { randomUUID } from 'node:crypto';
import { RedisEventBus } from '@guildkit/gateway-core/redis';
import { REDIS, requireService } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeEventBusConformance, GUILD_A, until } from '../support/bus-conformance.js';

const available = await requireService(REDIS);

function connectRedis(): Redis {
  return new Redis({ host: REDIS.host, port: REDIS.port });
}

describe.skipIf(!available)('RedisEventBus against the local Redis', () => {
  describeEventBusConformance('RedisEventBus', async () => {
    // A prefix per test keeps concurrent runs on the shared server apart.
    const channelPrefix = `guildkit-test:${randomUUID()}:guild:`;
    const connections: Redis[] = [];
    const buses: RedisEventBus[] = [];
    const raw = connectRedis();
    connections.push(raw);
    return {
      async node(nodeId, options) {
        // One publishing and one subscribing connection per node, as separate processes.
        const publisher = connectRedis();
        const subscriber = connectRedis();
        connections.push(publisher, subscriber);
        const bus = new RedisEventBus({ ...options, nodeId, publisher, subscriber, channelPrefix });
        buses.push(bus);
        return bus;
      },
      async inject(guildId, text) {
        await raw.publish(`${channelPrefix}${guildId}`, text);
      },
      async teardown() {
        await Promise.all(buses.map((bus) => bus.close()));
        await Promise.all(connections.map((connection) => connection.quit()));
      },
    };
  });

  it('publishes on guildkit:guild:<id> by default', async () => {
    const publisher = connectRedis();
    const subscriber = connectRedis();
    const probe = connectRedis();
    try {
      const seen: string[] = [];
      probe.on('message', (channel: string) => seen.push(channel));
      await probe.subscribe(`guildkit:guild:${GUILD_A}`);
      const bus = new RedisEventBus({ nodeId: 'a', publisher, subscriber });
      await bus.publish(GUILD_A, 'X', 1);
      await until(() => seen.length === 1);
      expect(seen).toEqual([`guildkit:guild:${GUILD_A}`]);
      await bus.close();
    } finally {
      await Promise.all([publisher.quit(), subscriber.quit(), probe.quit()]);
    }
  });

  it('rejects a glob prefix or a shared connection with GK_GATEWAY_INVALID_OPTION', async () => {
    const publisher = connectRedis();
    const subscriber = connectRedis();
    try {
      for (const channelPrefix of ['', 'a*', 'a?', 'a[b]', 'a\\']) {
        expect(
          () => new RedisEventBus({ nodeId: 'a', publisher, subscriber, channelPrefix }),
        ).toThrow(expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }));
      }
      expect(() => new RedisEventBus({ nodeId: 'a', publisher, subscriber: publisher })).toThrow(
        expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
      );
    } finally {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    }
  });

  it('rejects publish and subscribe with GK_GATEWAY_CLOSED once its connections are closed', async () => {
    const publisher = connectRedis();
    const subscriber = connectRedis();
    const bus = new RedisEventBus({ nodeId: 'a', publisher, subscriber });
    await Promise.all([publisher.quit(), subscriber.quit()]);
    await expect(bus.publish(GUILD_A, 'X', 1)).rejects.toMatchObject({ code: 'GK_GATEWAY_CLOSED' });
    await expect(bus.subscribe(GUILD_A, () => {})).rejects.toMatchObject({
      code: 'GK_GATEWAY_CLOSED',
    });
    await bus.close();
  });
});
