import { Client, concurrent, types } from 'cassandra-driver';
import { BUCKET_SPAN_MS, firstIdOfBucket } from '../src/bucket.js';
import { CassandraMessageStore } from '../src/cassandra.js';
import { encodeId } from '../src/internal/cassandra-codec.js';
import { statementsFor, TABLE_NAMES } from '../src/internal/cassandra-schema.js';
import type { NewMessage } from '../src/types.js';

/** Settings, from the environment (defaults keep a run under 2 minutes on a 2-core box). */
const CONTACT_POINTS = (process.env['CASSANDRA_CONTACT_POINTS'] ?? '127.0.0.1:9042').split(',');
const LOCAL_DATA_CENTER = process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1';
const INSERTS = envInt('GUILDKIT_CASSANDRA_BENCH_INSERTS', 20_000);
const IN_FLIGHT = envInt('GUILDKIT_CASSANDRA_BENCH_IN_FLIGHT', 64);
const HISTORY = envInt('GUILDKIT_CASSANDRA_BENCH_HISTORY', 1_000_000);
const HISTORY_BUCKETS = envInt('GUILDKIT_CASSANDRA_BENCH_BUCKETS', 100);
const LIST_QUERIES = envInt('GUILDKIT_CASSANDRA_BENCH_LISTS', 2_000);
const ROUNDS = 5;
/** Mixed load: this many inserts/s plus as many reads/s, for {@link MIXED_SECONDS}. */
const MIXED_RATE = envInt('GUILDKIT_CASSANDRA_BENCH_MIXED_RATE', 1_000);
const MIXED_SECONDS = envInt('GUILDKIT_CASSANDRA_BENCH_MIXED_SECONDS', 10);
/** Pause after loading the history (flushes and compactions). */
const SETTLE_MS = envInt('GUILDKIT_CASSANDRA_BENCH_SETTLE_MS', 20_000);

const KEYSPACE = 'guildkit_bench';
const HISTORY_CHANNEL = '175928847298985984';
/** The first bucket of the bench's history (mid 2022). */
const FIRST_BUCKET = 280;
const CONTENT = `benchmark message: ${'lorem ipsum '.repeat(6)}`;

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Message `index` of a write channel: one per ms, all in one bucket, like a busy channel. */
function writeMessage(channelId: string, index: number): NewMessage {
  return {
    id: (BigInt(firstIdOfBucket(FIRST_BUCKET)) + (BigInt(index) << 22n)).toString(),
    channelId,
    authorId: String(1000 + (index % 50)),
    content: CONTENT,
  };
}

/** History message `index`: spread evenly over {@link HISTORY_BUCKETS} buckets. */
function historyId(index: number): string {
  const perBucket = Math.ceil(HISTORY / HISTORY_BUCKETS);
  const bucket = FIRST_BUCKET + Math.floor(index / perBucket);
  const offsetMs = Math.floor(((index % perBucket) * BUCKET_SPAN_MS) / perBucket);
  return (BigInt(firstIdOfBucket(bucket)) + (BigInt(offsetMs) << 22n)).toString();
}

async function creates(
  store: CassandraMessageStore,
  count: number,
  message: (index: number) => NewMessage,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await store.create(message(next++));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (count * 1000) / (performance.now() - started);
}

/** The store's INSERT, as the store binds it, through the driver's `executeConcurrent`. */
async function rawInserts(client: Client, channelId: string, count: number): Promise<number> {
  const insert = statementsFor(KEYSPACE).insertMessage;
  const params = Array.from({ length: count }, (_, index) => {
    const message = writeMessage(channelId, index);
    return [
      encodeId(message.channelId),
      FIRST_BUCKET,
      encodeId(message.id),
      encodeId(message.authorId),
      message.content,
      types.unset,
      types.unset,
      types.unset,
    ];
  });
  const started = performance.now();
  const result = await concurrent.executeConcurrent(client, insert, params, {
    concurrencyLevel: IN_FLIGHT,
    raiseOnFirstError: true,
  });
  const elapsed = performance.now() - started;
  if (result.totalExecuted !== count) throw new Error('executeConcurrent skipped statements');
  return (count * 1000) / elapsed;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function listLatencies(
  store: CassandraMessageStore,
  anchored: boolean,
): Promise<{ p50: number; p99: number }> {
  let seed = 42;
  const samples: number[] = [];
  for (let i = 0; i < LIST_QUERIES; i += 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    // Anchors at least 50 messages in, so every page is full.
    const query = anchored ? { before: historyId(50 + (seed % (HISTORY - 50))), limit: 50 } : {};
    const started = performance.now();
    const page = await store.list(HISTORY_CHANNEL, query);
    samples.push(performance.now() - started);
    if (page.length !== 50) throw new Error(`list returned ${page.length} messages, not 50`);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

interface MixedLoad {
  readonly insertP50: number;
  readonly insertP99: number;
  readonly readP50: number;
  readonly readP99: number;
  readonly errors: number;
}

/**
 * Open-loop mixed load: every 10 ms, `MIXED_RATE / 100` creates into a fresh channel and as many
 * `list(before a random message, limit 50)` on the history channel are started on schedule,
 * whether or not earlier ones finished (no coordinated omission); latency is measured from the
 * scheduled start.
 */
async function mixedLoad(store: CassandraMessageStore): Promise<MixedLoad> {
  const perTick = Math.max(1, Math.round(MIXED_RATE / 100));
  const ticks = MIXED_SECONDS * 100;
  const inserts: number[] = [];
  const reads: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  let seed = 7;
  let written = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick += 1) {
    const due = started + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let n = 0; n < perTick; n += 1) {
      const message = writeMessage('3', written++);
      pending.push(
        store.create(message).then(
          () => {
            inserts.push(performance.now() - due);
          },
          () => {
            errors += 1;
          },
        ),
      );
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const before = historyId(50 + (seed % (HISTORY - 50)));
      pending.push(
        store.list(HISTORY_CHANNEL, { before, limit: 50 }).then(
          () => {
            reads.push(performance.now() - due);
          },
          () => {
            errors += 1;
          },
        ),
      );
    }
  }
  await Promise.all(pending);
  inserts.sort((a, b) => a - b);
  reads.sort((a, b) => a - b);
  return {
    insertP50: percentile(inserts, 0.5),
    insertP99: percentile(inserts, 0.99),
    readP50: percentile(reads, 0.5),
    readP99: percentile(reads, 0.99),
    errors,
  };
}

function rate(perSecond: number): string {
  return perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)}k` : perSecond.toFixed(0);
}

/**
 * Measures CassandraMessageStore on a real node (`CASSANDRA_CONTACT_POINTS`, default
 * 127.0.0.1:9042), in keyspace `guildkit_bench` (emptied first):
 *
 * - sustained creates/s with {@link IN_FLIGHT} in flight, against the same prepared INSERT run
 *   by cassandra-driver's `executeConcurrent` at the same concurrency and consistency
 *   (LOCAL_QUORUM), alternating {@link ROUNDS} rounds each (medians); the overhead is the store's
 *   validation, id encoding and record building;
 * - `list` limit 50 latency, newest page and `before` a random message, in a channel of
 *   {@link HISTORY} messages over {@link HISTORY_BUCKETS} buckets.
 *
 * Sizes: `GUILDKIT_CASSANDRA_BENCH_INSERTS`, `_IN_FLIGHT`, `_HISTORY`, `_BUCKETS`, `_LISTS`.
 *
 * @returns a Markdown section.
 */
export async function cassandraBench(): Promise<string> {
  const consistency = types.consistencies.localQuorum;
  const client = new Client({
    contactPoints: CONTACT_POINTS,
    localDataCenter: LOCAL_DATA_CENTER,
    queryOptions: { consistency },
  });
  const store = new CassandraMessageStore({ client, keyspace: KEYSPACE, consistency });
  try {
    await store.ensureSchema();
    await Promise.all(TABLE_NAMES.map((table) => client.execute(`TRUNCATE ${KEYSPACE}.${table}`)));
    // Warm-up: connections, prepared statements, JIT on both sides.
    await creates(store, 2_000, (index) => writeMessage('1', index));
    await rawInserts(client, '2', 2_000);

    const storeRates: number[] = [];
    const rawRates: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const base = 10 + round * 2;
      rawRates.push(await rawInserts(client, String(base), INSERTS));
      storeRates.push(
        await creates(store, INSERTS, (index) => writeMessage(String(base + 1), index)),
      );
    }
    // Medians, and the overhead per round (raw and store ran back to back), against the noise
    // of a shared machine.
    const storeRate = median(storeRates);
    const rawRate = median(rawRates);
    const overhead = median(rawRates.map((raw, i) => ((raw - (storeRates[i] ?? raw)) / raw) * 100));

    await creates(store, HISTORY, (index) => ({
      id: historyId(index),
      channelId: HISTORY_CHANNEL,
      authorId: '1000',
      content: CONTENT,
    }));
    // Let the node flush memtables and compact after the bulk load, so the reads and the mixed
    // load measure a steady node rather than the load's aftermath.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const latest = await listLatencies(store, false);
    const before = await listLatencies(store, true);
    const mixed = await mixedLoad(store);

    return [
      `### Cassandra message store (single node, ${IN_FLIGHT} in flight, LOCAL_QUORUM)`,
      '',
      '| writer | inserts/s (median of rounds) | rounds |',
      '| --- | ---: | --- |',
      `| raw cassandra-driver \`executeConcurrent\`, same prepared INSERT | ${rate(rawRate)} | ${rawRates.map(rate).join(', ')} |`,
      `| CassandraMessageStore.create | ${rate(storeRate)} | ${storeRates.map(rate).join(', ')} |`,
      '',
      `Store overhead vs raw driver: ${overhead.toFixed(1)} % (median of the per-round overheads; ${INSERTS} inserts per round).`,
      '',
      `| list, limit 50, ${HISTORY} messages in ${HISTORY_BUCKETS} buckets | p50 | p99 |`,
      '| --- | ---: | ---: |',
      `| newest page | ${latest.p50.toFixed(2)} ms | ${latest.p99.toFixed(2)} ms |`,
      `| \`before\` a random message | ${before.p50.toFixed(2)} ms | ${before.p99.toFixed(2)} ms |`,
      '',
      `Mixed load, open loop: ${MIXED_RATE} creates/s + ${MIXED_RATE} list(before, limit 50)/s for ${MIXED_SECONDS} s (${mixed.errors} errors):`,
      '',
      '| operation | p50 | p99 |',
      '| --- | ---: | ---: |',
      `| create | ${mixed.insertP50.toFixed(2)} ms | ${mixed.insertP99.toFixed(2)} ms |`,
      `| list(before, limit 50) | ${mixed.readP50.toFixed(2)} ms | ${mixed.readP99.toFixed(2)} ms |`,
      '',
    ].join('\n');
  } finally {
    await store.close();
    await client.shutdown();
  }
}
