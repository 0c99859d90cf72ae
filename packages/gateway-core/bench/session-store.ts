import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  formatComparisonTable,
  isTcpReachable,
  type MeasuredCase,
  NATS,
  REDIS,
} from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { prepareDispatch } from '../src/dispatch-frame.js';
import { JetStreamSessionStore } from '../src/resume/jetstream-session-store.js';
import { MemorySessionStore } from '../src/resume/memory-session-store.js';
import { RedisStreamsSessionStore } from '../src/resume/redis-streams-session-store.js';
import type { SessionAppend, SessionStore } from '../src/resume/session-store.js';
import { MESSAGE_CREATE } from './fixtures.js';

/** Sessions that receive one dispatch per tick (a busy guild's fan-out). */
const SESSIONS = 1_000;
/** How long each contender appends. */
const MEASURE_MS = 1_000;

interface Adapter {
  readonly name: string;
  /** Opens a fresh store and a function that removes what it stored. */
  open(): Promise<{ store: SessionStore; cleanup: () => Promise<void> }>;
  /** Why the adapter cannot run here, if it cannot. */
  unavailable(): Promise<string | undefined>;
}

const ADAPTERS: readonly Adapter[] = [
  {
    name: 'MemorySessionStore',
    async open() {
      return { store: new MemorySessionStore(), cleanup: async () => undefined };
    },
    unavailable: async () => undefined,
  },
  {
    name: 'RedisStreamsSessionStore',
    async open() {
      const client = new Redis({ host: REDIS.host, port: REDIS.port });
      const keyPrefix = `guildkit-bench:session:${randomUUID()}:`;
      const store = new RedisStreamsSessionStore({ client, keyPrefix });
      return {
        store,
        async cleanup() {
          await store.close();
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
            if (keys.length > 0) await client.del(...keys);
            cursor = next;
          } while (cursor !== '0');
          await client.quit();
        },
      };
    },
    unavailable: async () =>
      (await isTcpReachable(REDIS.host, REDIS.port)) ? undefined : 'Redis not reachable',
  },
  {
    name: 'JetStreamSessionStore',
    async open() {
      const connection = await connect({ servers: `${NATS.host}:${NATS.port}` });
      const suffix = randomUUID().replaceAll('-', '');
      const names = {
        stream: `GK_BENCH_SESSIONS_${suffix}`,
        subjectPrefix: `gkbench.${suffix}.session`,
        bucket: `gkbench_sessions_${suffix}`,
      };
      const store = await JetStreamSessionStore.open({ connection, ...names });
      return {
        store,
        async cleanup() {
          await store.close();
          const jsm = await connection.jetstreamManager();
          await jsm.streams.delete(names.stream);
          await jsm.streams.delete(`KV_${names.bucket}`);
          await connection.close();
        },
      };
    },
    unavailable: async () =>
      (await isTcpReachable(NATS.host, NATS.port)) ? undefined : 'NATS not reachable',
  },
];

/** Appends ticks for {@link MEASURE_MS}; returns appends per second. */
async function measure(
  store: SessionStore,
  sessionIds: readonly string[],
  frameOf: (seq: number) => string,
  style: 'tick' | 'one-by-one',
): Promise<number> {
  const seqs = new Map<string, number>();
  let appended = 0;
  const start = performance.now();
  while (performance.now() - start < MEASURE_MS) {
    if (style === 'tick') {
      const tick: SessionAppend[] = sessionIds.map((sessionId) => {
        const seq = (seqs.get(sessionId) ?? 0) + 1;
        seqs.set(sessionId, seq);
        return { sessionId, seq, frame: frameOf(seq) };
      });
      await store.appendMany(tick);
    } else {
      for (const sessionId of sessionIds) {
        const seq = (seqs.get(sessionId) ?? 0) + 1;
        seqs.set(sessionId, seq);
        await store.append(sessionId, seq, frameOf(seq));
      }
    }
    appended += sessionIds.length;
  }
  return appended / ((performance.now() - start) / 1000);
}

async function adapterRows(
  adapter: Adapter,
  frameOf: (seq: number) => string,
): Promise<MeasuredCase[]> {
  const rows: MeasuredCase[] = [];
  for (const style of ['tick', 'one-by-one'] as const) {
    const name =
      style === 'tick'
        ? `${adapter.name} appendMany, one tick of ${SESSIONS} sessions per call`
        : `${adapter.name} append, awaited one at a time`;
    const { store, cleanup } = await adapter.open();
    try {
      const sessionIds = Array.from({ length: SESSIONS }, (_, i) => `bench-${i}`);
      for (const sessionId of sessionIds) {
        await store.create({ sessionId, userId: '1', shard: [0, 1], intents: 513 });
      }
      rows.push({ name, opsPerSecond: await measure(store, sessionIds, frameOf, style) });
    } finally {
      await cleanup();
    }
  }
  return rows;
}

/**
 * Appends per second of every `SessionStore` adapter, batched per tick (`appendMany`) against
 * one awaited `append` at a time, on a MESSAGE_CREATE frame; adapters whose service is not
 * reachable are listed as skipped.
 *
 * @returns Markdown tables, one per adapter.
 */
export async function sessionStoreBench(): Promise<string> {
  const prepared = prepareDispatch('MESSAGE_CREATE', MESSAGE_CREATE);
  const frameOf = (seq: number): string => prepared.frame(seq);
  const bytes = Buffer.byteLength(frameOf(1));
  const tables: string[] = [];
  for (const adapter of ADAPTERS) {
    const title = `session store: appends/s to ${SESSIONS} sessions, ${bytes} B frames, ${adapter.name}`;
    const reason = await adapter.unavailable();
    tables.push(
      reason === undefined
        ? formatComparisonTable(title, await adapterRows(adapter, frameOf))
        : `### ${title}\n\nskipped: ${reason}\n`,
    );
  }
  return tables.join('\n');
}
