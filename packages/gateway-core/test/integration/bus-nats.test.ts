import { randomUUID } from 'node:crypto';
import { NatsEventBus } from '@guildkit/gateway-core/nats';
import { NATS, requireService } from '@guildkit/testkit';
import { connect, type NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { describeEventBusConformance, GUILD_A, until } from '../support/bus-conformance.js';

const available = await requireService(NATS);
const servers = `${NATS.host}:${NATS.port}`;

describe.skipIf(!available)('NatsEventBus against the local NATS', () => {
  describeEventBusConformance('NatsEventBus', async () => {
    // A prefix per test keeps concurrent runs on the shared server apart.
    const subjectPrefix = `guildkit-test.${randomUUID()}.guild`;
    const connections: NatsConnection[] = [];
    const buses: NatsEventBus[] = [];
    const raw = await connect({ servers });
    connections.push(raw);
    return {
      async node(nodeId, options) {
        // Each node has its own connection, as separate processes would.
        const connection = await connect({ servers });
        connections.push(connection);
        const bus = new NatsEventBus({ ...options, nodeId, connection, subjectPrefix });
        buses.push(bus);
        return bus;
      },
      async inject(guildId, text) {
        raw.publish(`${subjectPrefix}.${guildId}`, text);
        await raw.flush();
      },
      async teardown() {
        await Promise.all(buses.map((bus) => bus.close()));
        await Promise.all(connections.map((connection) => connection.close()));
      },
    };
  });

  it('publishes on guildkit.guild.<id> by default', async () => {
    const connection = await connect({ servers });
    const probe = await connect({ servers });
    try {
      const seen: string[] = [];
      const subscription = probe.subscribe(`guildkit.guild.${GUILD_A}`, {
        callback: (_error, message) => seen.push(message.subject),
      });
      await probe.flush();
      const bus = new NatsEventBus({ nodeId: 'a', connection });
      await bus.publish(GUILD_A, 'X', 1);
      await until(() => seen.length === 1);
      expect(seen).toEqual([`guildkit.guild.${GUILD_A}`]);
      subscription.unsubscribe();
      await bus.close();
    } finally {
      await Promise.all([connection.close(), probe.close()]);
    }
  });

  it('rejects a subject prefix with a wildcard with GK_GATEWAY_INVALID_OPTION', async () => {
    const connection = await connect({ servers });
    try {
      for (const subjectPrefix of ['', 'a.*', 'a.>', 'a..b', 'a b']) {
        expect(() => new NatsEventBus({ nodeId: 'a', connection, subjectPrefix })).toThrow(
          expect.objectContaining({ code: 'GK_GATEWAY_INVALID_OPTION' }),
        );
      }
    } finally {
      await connection.close();
    }
  });

  it('rejects publish with GK_GATEWAY_CLOSED once its connection is closed', async () => {
    const connection = await connect({ servers });
    const bus = new NatsEventBus({ nodeId: 'a', connection });
    await connection.close();
    await expect(bus.publish(GUILD_A, 'X', 1)).rejects.toMatchObject({
      code: 'GK_GATEWAY_CLOSED',
    });
    await bus.close();
  });
});
