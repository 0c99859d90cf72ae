import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbMessageStore } from '../src/lmdb-message-store.js';
import { MemoryMessageStore } from '../src/memory-message-store.js';
import type { MessageStore, NewMessage } from '../src/types.js';

const CHANNEL = '175928847298985984';
const FIRST_ID = 1_300_000_000_000_000_000n;
/** One id per ms: ids 4,194,304 apart, as a busy channel's Snowflakes are. */
const ID_STEP = 4_194_304n;
const HISTORY = 100_000;
const SEQUENTIAL_CREATES = 2_000;
const IN_FLIGHT = 64;
const LIST_QUERIES = 2_000;

interface Row {
  readonly name: string;
  readonly createSequential: number;
  readonly createConcurrent: number;
  readonly listP50Us: number;
  readonly listP99Us: number;
}

function message(index: number, channelId = CHANNEL): NewMessage {
  return {
    id: (FIRST_ID + BigInt(index) * ID_STEP).toString(),
    channelId,
    authorId: String(1000 + (index % 50)),
    content: `message #${index}: ${'lorem ipsum '.repeat(6)}`,
  };
}

/** Creates messages `from..to-1` with `inFlight` creates outstanding; returns creates/s. */
async function fill(
  store: MessageStore,
  from: number,
  to: number,
  inFlight: number,
  channelId?: string,
): Promise<number> {
  const started = performance.now();
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await store.create(message(next++, channelId));
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ((to - from) * 1000) / (performance.now() - started);
}

function percentile(sortedUs: readonly number[], p: number): number {
  return sortedUs[Math.min(sortedUs.length - 1, Math.floor(sortedUs.length * p))] ?? Number.NaN;
}

/** `list` with `before` a random id of the history (scrolling back), limit 50. */
async function listLatencies(store: MessageStore): Promise<{ p50: number; p99: number }> {
  let seed = 42;
  const samples: number[] = [];
  for (let i = 0; i < LIST_QUERIES; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const before = message(seed % HISTORY).id;
    const started = performance.now();
    const page = await store.list(CHANNEL, { before, limit: 50 });
    samples.push((performance.now() - started) * 1000);
    if (page.length === 0 && seed % HISTORY > 0) throw new Error('list returned an empty page');
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

async function measure(name: string, store: MessageStore): Promise<Row> {
  // A side channel, so the measured creates do not change the 100,000-message channel.
  const side = '175928847298985985';
  const createSequential = await fill(store, 0, SEQUENTIAL_CREATES, 1, side);
  const createConcurrent = await fill(store, SEQUENTIAL_CREATES, HISTORY, IN_FLIGHT, side);
  await fill(store, 0, HISTORY, IN_FLIGHT * 4);
  const { p50, p99 } = await listLatencies(store);
  return { name, createSequential, createConcurrent, listP50Us: p50, listP99Us: p99 };
}

function rate(opsPerSecond: number): string {
  return opsPerSecond >= 1e3 ? `${(opsPerSecond / 1e3).toFixed(1)}k` : opsPerSecond.toFixed(0);
}

/**
 * Measures LmdbMessageStore beside MemoryMessageStore in one process: create ops/s awaited one
 * at a time and with 64 in flight (LMDB: every acknowledged create fsynced), and `list`
 * (`before` a random message, limit 50) latency on a 100,000-message channel.
 *
 * @returns a Markdown table.
 */
export async function lmdbBench(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guildkit-lmdb-bench-'));
  const rows: Row[] = [];
  try {
    const lmdb = await LmdbMessageStore.open({ path: dir });
    try {
      rows.push(await measure('LmdbMessageStore (fsync per commit)', lmdb));
    } finally {
      await lmdb.close();
    }
    const memory = new MemoryMessageStore();
    try {
      rows.push(await measure('MemoryMessageStore', memory));
    } finally {
      await memory.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const lines = [
    '### Message store: LMDB vs memory (100,000-message channel)',
    '',
    `| store | create/s, 1 in flight | create/s, ${IN_FLIGHT} in flight | list 50 p50 | list 50 p99 |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${rate(row.createSequential)} | ${rate(row.createConcurrent)} | ${row.listP50Us.toFixed(0)} µs | ${row.listP99Us.toFixed(0)} µs |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
