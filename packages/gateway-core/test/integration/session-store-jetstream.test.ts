import { randomUUID } from 'node:crypto';
import { NATS, requireService } from '@guildkit/testkit';
import { connect, type NatsConnection } from 'nats';
import { describe, expect, it } from 'vitest';
import { JetStreamSessionStore } from '../../src/resume/jetstream-session-store.js';
import type { SessionStore } from '../../src/resume/session-store.js';
import { describeSessionStoreConformance, frameOf } from '../support/session-store-conformance.js';

const available = await requireService(NATS);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function harness() {
  const suffix = randomUUID().replaceAll('-', '');
  const names = {
    stream: `GK_TEST_SESSIONS_${suffix}`,
    subjectPrefix: `gktest.${suffix}.session`,
    bucket: `gktest_sessions_${suffix}`,
  };
  const connections: NatsConnection[] = [];
  const stores: SessionStore[] = [];
  return {
    names,
    async open(options: { capacity: number; ttlMs: number }) {
      const connection = await connect({ servers: `${NATS.host}:${NATS.port}` });
      connections.push(connection);
      const store = await JetStreamSessionStore.open({ ...options, ...names, connection });
      stores.push(store);
      return store;
    },
    now: () => Date.now(),
    elapse: sleep,
    async teardown() {
      for (const store of stores) await store.close();
      const [first] = connections;
      if (first !== undefined) {
        const jsm = await first.jetstreamManager();
        await jsm.streams.delete(names.stream).catch(() => undefined);
        await jsm.streams.delete(`KV_${names.bucket}`).catch(() => undefined);
      }
      for (const connection of connections) await connection.close();
    },
  };
}

describe.skipIf(!available)('JetStreamSessionStore against the local NATS', () => {
  describeSessionStoreConformance('JetStreamSessionStore', harness, {
    shortTtlMs: 1_000,
    expiryGraceMs: 1_000,
    deadlineToleranceMs: 1_000,
  });

  it('accepts any session id (dots, wildcards, spaces) as a subject token', async () => {
    const h = harness();
    try {
      const store = await h.open({ capacity: 10, ttlMs: 60_000 });
      for (const sessionId of ['a.b', 'x > y', '*', 'ünï']) {
        await store.create({ sessionId, userId: 'u', shard: [0, 1], intents: 0 });
        await store.append(sessionId, 1, frameOf(sessionId, 1));
        expect(await store.since(sessionId, 0)).toEqual([frameOf(sessionId, 1)]);
      }
    } finally {
      await h.teardown();
    }
  });

  it('keeps capacity frames per subject in the stream', async () => {
    const h = harness();
    try {
      const store = await h.open({ capacity: 20, ttlMs: 60_000 });
      await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 0 });
      const appends = Array.from({ length: 50 }, (_, i) => ({
        sessionId: 's',
        seq: i + 1,
        frame: frameOf('s', i + 1),
      }));
      await store.appendMany(appends);
      const observer = await connect({ servers: `${NATS.host}:${NATS.port}` });
      const info = await (await observer.jetstreamManager()).streams.info(h.names.stream);
      await observer.close();
      expect(info.state.messages).toBe(20);
      expect(await store.since('s', 30)).toHaveLength(20);
      expect(await store.since('s', 29)).toBeUndefined();
    } finally {
      await h.teardown();
    }
  });
});
