import { randomUUID } from 'node:crypto';
import { JetStreamSessionStore, NatsEventBus } from '@guildkit/gateway-core/nats';
import { NATS, requireService } from '@guildkit/testkit';
import { connect, type NatsConnection } from 'nats';
import { describe, it } from 'vitest';
import {
  resumeOnAnotherNode,
  type ScaleBackend,
  streamAcrossNodes,
} from '../support/scale-scenario.js';

const available = await requireService(NATS);
const servers = `${NATS.host}:${NATS.port}`;

function natsBackend(): ScaleBackend {
  // Names per test keep concurrent runs on the shared server apart.
  const id = randomUUID().replaceAll('-', '');
  const names = {
    stream: `GK_TEST_SCALE_${id}`,
    subjectPrefix: `guildkit-test.scale.${id}.session`,
    bucket: `gk_test_scale_${id}`,
  };
  const subjectPrefix = `guildkit-test.scale.${id}.guild`;
  const connections: NatsConnection[] = [];
  const closers: (() => Promise<void>)[] = [];
  const store = async (): Promise<JetStreamSessionStore> => {
    const connection = await connect({ servers });
    connections.push(connection);
    const opened = await JetStreamSessionStore.open({ connection, ...names, ttlMs: 60_000 });
    closers.push(() => opened.close());
    return opened;
  };
  return {
    async node(nodeId) {
      const connection = await connect({ servers });
      connections.push(connection);
      const bus = new NatsEventBus({ nodeId, connection, subjectPrefix });
      closers.push(() => bus.close());
      return { store: await store(), bus };
    },
    observer: store,
    async teardown() {
      for (const close of closers) await close();
      const [first] = connections;
      if (first !== undefined) {
        const jsm = await first.jetstreamManager();
        await jsm.streams.delete(names.stream).catch(() => false);
        await jsm.streams.delete(`KV_${names.bucket}`).catch(() => false);
      }
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

describe.skipIf(!available)('GatewayServer scale-out on NATS (JetStream store + core bus)', () => {
  it('resumes on node B, after node A lost the socket, with exactly the missed dispatches', async () => {
    await resumeOnAnotherNode(natsBackend(), { staleNode: false });
  });

  it('fences node A off when it is still up: its later appends fail, B serves the client', async () => {
    await resumeOnAnotherNode(natsBackend(), { staleNode: true });
  });

  it('delivers 10,000 messages dispatched on node A to a client on node B, in order', async () => {
    await streamAcrossNodes(natsBackend(), 10_000);
  }, 60_000);
});
