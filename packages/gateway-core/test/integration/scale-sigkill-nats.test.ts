import { randomUUID } from 'node:crypto';
import { JetStreamSessionStore, NatsEventBus } from '@guildkit/gateway-core/nats';
import { NATS, requireService } from '@guildkit/testkit';
import { connect, type NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { resumeAfterSigkill, type SigkillBackend } from '../support/sigkill-scenario.js';

const available = await requireService(NATS);

function natsBackend(): SigkillBackend {
  // Names per test keep concurrent runs on the shared server apart; node A (another process)
  // opens the same names from `config`.
  const id = randomUUID().replaceAll('-', '');
  const config = {
    backend: 'nats',
    host: NATS.host,
    port: NATS.port,
    ttlMs: 60_000,
    stream: `GK_TEST_SIGKILL_${id}`,
    sessionSubjectPrefix: `guildkit-test.sigkill.${id}.session`,
    bucket: `gk_test_sigkill_${id}`,
    guildSubjectPrefix: `guildkit-test.sigkill.${id}.guild`,
  } as const;
  const servers = `${config.host}:${config.port}`;
  const connections: NatsConnection[] = [];
  const closers: (() => Promise<void>)[] = [];
  const store = async (): Promise<JetStreamSessionStore> => {
    const connection = await connect({ servers });
    connections.push(connection);
    const opened = await JetStreamSessionStore.open({
      connection,
      stream: config.stream,
      subjectPrefix: config.sessionSubjectPrefix,
      bucket: config.bucket,
      ttlMs: config.ttlMs,
    });
    closers.push(() => opened.close());
    return opened;
  };
  return {
    config,
    async node(nodeId) {
      const connection = await connect({ servers });
      connections.push(connection);
      const bus = new NatsEventBus({
        nodeId,
        connection,
        subjectPrefix: config.guildSubjectPrefix,
      });
      closers.push(() => bus.close());
      return { store: await store(), bus };
    },
    observer: store,
    async teardown() {
      for (const close of closers) await close();
      const [first] = connections;
      if (first !== undefined) {
        const jsm = await first.jetstreamManager();
        await jsm.streams.delete(config.stream).catch(() => false);
        await jsm.streams.delete(`KV_${config.bucket}`).catch(() => false);
      }
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

describe.skipIf(!available)('GatewayServer scale-out on NATS: node killed mid-stream', () => {
  it('resumes 5 clients of a SIGKILLed node on node B, seqs contiguous, nothing stored lost or repeated', async () => {
    const outcome = await resumeAfterSigkill(natsBackend(), 5);
    expect(outcome.lastSeenOnA.every((seq) => seq > 50)).toBe(true);
  });
});
