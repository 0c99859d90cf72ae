import { CoalescingMessageStore, type MessageStore } from '@guildkit/storage-adapters';

/** A store to storm, already holding at least 50 messages in `channelId`. */
export interface StormTarget {
  readonly name: string;
  readonly store: MessageStore;
  readonly channelId: string;
}
const CALLERS = 1_000;
const STORMS = 20;

/** `store` with the time its last `list` resolved recorded, and its `list` calls counted. */
class TimedStore {
  lists = 0;
  resolvedAt = 0;
  readonly store: MessageStore;

  constructor(inner: MessageStore) {
    this.store = new Proxy(inner, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key);
        if (key !== 'list' || typeof value !== 'function') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<MessageStore['list']>) => {
          this.lists += 1;
          const page = await target.list(...args);
          this.resolvedAt = performance.now();
          return page;
        };
      },
    });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function ms(value: number): string {
  return value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(2)} ms`;
}

interface Storm {
  readonly listsPerStorm: number;
  readonly callerP50: number;
  readonly callerP99: number;
  readonly addedP99: number;
  readonly addedP50: number;
}

/** Fires {@link CALLERS} identical `list(limit 50)` calls at once, {@link STORMS} times. */
async function storm(reader: MessageStore, timed: TimedStore, channelId: string): Promise<Storm> {
  const latencies: number[] = [];
  const added: number[] = [];
  const listsBefore = timed.lists;
  const started = new Float64Array(CALLERS);
  const done = new Float64Array(CALLERS);
  for (let round = 0; round < STORMS; round++) {
    const calls: Promise<unknown>[] = [];
    for (let caller = 0; caller < CALLERS; caller++) {
      started[caller] = performance.now();
      calls.push(
        reader.list(channelId, { limit: 50 }).then(() => {
          done[caller] = performance.now();
        }),
      );
    }
    await Promise.all(calls);
    for (let caller = 0; caller < CALLERS; caller++) {
      latencies.push(done[caller]! - started[caller]!);
      added.push(Math.max(0, done[caller]! - timed.resolvedAt));
    }
  }
  latencies.sort((a, b) => a - b);
  added.sort((a, b) => a - b);
  return {
    listsPerStorm: (timed.lists - listsBefore) / STORMS,
    callerP50: percentile(latencies, 0.5),
    callerP99: percentile(latencies, 0.99),
    addedP99: percentile(added, 0.99),
    addedP50: percentile(added, 0.5),
  };
}

/**
 * The floor: {@link CALLERS} callers awaiting one plain promise, resolved on a later turn — what
 * resuming that many callers costs in this runtime with no store or coalescing involved.
 */
async function floorStorm(): Promise<{ p50: number; p99: number }> {
  const added: number[] = [];
  const done = new Float64Array(CALLERS);
  for (let round = 0; round < STORMS; round++) {
    let resolvedAt = 0;
    const shared = new Promise<void>((resolve) =>
      setImmediate(() => {
        resolvedAt = performance.now();
        resolve();
      }),
    );
    const calls: Promise<unknown>[] = [];
    for (let caller = 0; caller < CALLERS; caller++) {
      calls.push(
        shared.then(() => {
          done[caller] = performance.now();
        }),
      );
    }
    await Promise.all(calls);
    for (let caller = 0; caller < CALLERS; caller++) added.push(done[caller]! - resolvedAt);
  }
  added.sort((a, b) => a - b);
  return { p50: percentile(added, 0.5), p99: percentile(added, 0.99) };
}

/**
 * A hot-channel read storm: 1,000 concurrent identical `list(limit 50)` calls, 20 times, read
 * directly and through {@link CoalescingMessageStore}, side by side on each target.
 *
 * @param targets - stores, each with a channel of at least 50 messages.
 * @returns the report as Markdown.
 */
export async function coalescingBench(targets: readonly StormTarget[]): Promise<string> {
  const lines = [
    `### Read storm: ${CALLERS.toLocaleString('en')} concurrent identical list(limit 50), ${STORMS} storms`,
    '',
    '| store | reads | inner list calls per storm | caller p50 | caller p99 | joiners resolved after the shared query: p50 / p99 |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const target of targets) {
    const timed = new TimedStore(target.store);
    await timed.store.list(target.channelId, { limit: 50 });
    const direct = await storm(timed.store, timed, target.channelId);
    const coalescing = new CoalescingMessageStore(timed.store);
    const coalesced = await storm(coalescing, timed, target.channelId);
    for (const [mode, result] of [
      ['direct', direct],
      ['coalesced', coalesced],
    ] as const) {
      lines.push(
        `| ${target.name} | ${mode} | ${result.listsPerStorm} | ${ms(result.callerP50)} | ${ms(result.callerP99)} | ${mode === 'coalesced' ? `${ms(result.addedP50)} / ${ms(result.addedP99)}` : ''} |`,
      );
    }
  }
  const floor = await floorStorm();
  lines.push(
    `| (floor: ${CALLERS} callers awaiting one plain promise) | | | | | ${ms(floor.p50)} / ${ms(floor.p99)} |`,
  );
  return `${lines.join('\n')}\n`;
}
