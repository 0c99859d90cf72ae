import { type MemberInput, MemberList, type MemberStatus } from '@guildkit/member-list';
import { ManualScheduler } from '@guildkit/testkit';

const MEMBERS = 1_000_000;
const SUBSCRIBERS = 100;
const SAMPLES = 20_000;
/** Unmeasured changes first, so the samples time optimized code. */
const WARMUP = 2_000;

interface Row {
  readonly key: string;
  readonly id: bigint;
}

function memberAt(i: number): MemberInput {
  const status: MemberStatus = i % 10 === 0 ? 'online' : i % 10 === 1 ? 'idle' : 'offline';
  return {
    userId: String(200_000_000_000_000_000n + BigInt(i)),
    username: `user${(i * 7919) % MEMBERS}`,
    globalName: i % 2 === 0 ? null : `User ${(i * 104_729) % MEMBERS}`,
    status,
  };
}

/** @returns V8 heap plus array-buffer bytes in use after a full GC (needs `--expose-gc`). */
function settledMemory(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run the bench with --expose-gc');
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function microseconds(samples: number[]): string {
  samples.sort((a, b) => a - b);
  return `p50 ${(percentile(samples, 0.5) * 1000).toFixed(2)} µs, p99 ${(percentile(samples, 0.99) * 1000).toFixed(2)} µs`;
}

function compareRows(a: Row, b: Row): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The approach people write first: one sorted array, binary search + splice. */
function sortedArrayStatusChange(rows: Row[], row: Row): void {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareRows(rows[mid]!, row) < 0) low = mid + 1;
    else high = mid;
  }
  rows.splice(low, 1);
  rows.splice(low, 0, row);
}

/**
 * List-level benchmarks at 1,000,000 members: build, bytes per member, one status change with
 * op generation for 100 subscribers, a 10,000-change burst in one tick, a 100-row SYNC at row
 * 500,000 — next to a sorted array with splice and a full re-sort.
 *
 * @returns the report as Markdown.
 */
export async function memberListBench(): Promise<string> {
  const heapBefore = settledMemory();
  let members: MemberInput[] | undefined = Array.from({ length: MEMBERS }, (_, i) => memberAt(i));
  const scheduler = new ManualScheduler();
  let opsSent = 0;
  let sharedDeliveries = 0;
  const list = new MemberList({
    guildId: '81384788765712384',
    id: 'everyone',
    offlineThreshold: 2 * MEMBERS,
    scheduler,
    onUpdate: (_id, update) => {
      opsSent += update.ops.length;
    },
    onSharedUpdate: (subscriberIds) => {
      sharedDeliveries += subscriberIds.length;
    },
  });
  const buildStart = performance.now();
  list.load(members);
  const buildMs = performance.now() - buildStart;
  members = undefined;
  const measuredBytesPerMember = (settledMemory() - heapBefore) / MEMBERS;
  const changed = Array.from({ length: SAMPLES }, (_, n) => memberAt((n * 104_723 + 17) % MEMBERS));
  const burst = Array.from({ length: 10_000 }, (_, n) => memberAt((n * 7_919 + 3) % MEMBERS));
  for (let s = 0; s < SUBSCRIBERS; s++)
    list.subscribe(`s${s}`, [[(s % 10) * 100, (s % 10) * 100 + 99]]);

  for (let n = 0; n < WARMUP; n++) {
    list.updateMember(memberAt((n * 15_485_863 + 11) % MEMBERS).userId, { status: 'idle' });
    list.flush();
  }
  const change: number[] = [];
  for (let n = 0; n < SAMPLES; n++) {
    const member = changed[n]!;
    const status: MemberStatus = n % 2 === 0 ? 'dnd' : 'online';
    const start = performance.now();
    list.updateMember(member.userId, { status });
    list.flush();
    change.push(performance.now() - start);
  }

  for (let s = 0; s < SUBSCRIBERS; s++) list.unsubscribe(`s${s}`);
  const unwatched: number[] = [];
  for (let n = 0; n < SAMPLES; n++) {
    const member = changed[n]!;
    const start = performance.now();
    list.updateMember(member.userId, { status: 'offline' });
    list.flush();
    unwatched.push(performance.now() - start);
  }
  for (let s = 0; s < SUBSCRIBERS; s++)
    list.subscribe(`s${s}`, [[(s % 10) * 100, (s % 10) * 100 + 99]]);

  const burstStart = performance.now();
  for (let n = 0; n < 10_000; n++) {
    list.updateMember(burst[n]!.userId, {
      status: n % 2 === 0 ? 'idle' : 'offline',
    });
  }
  scheduler.advance(100);
  const burstMs = performance.now() - burstStart;

  const sync: number[] = [];
  for (let n = 0; n < 2_000; n++) {
    const start = performance.now();
    list.rows(500_000, 500_100);
    sync.push(performance.now() - start);
  }

  const rows: Row[] = Array.from({ length: MEMBERS }, (_, i) => {
    const member = memberAt(i);
    return { key: (member.globalName ?? member.username).toLowerCase(), id: BigInt(member.userId) };
  });
  const resortStart = performance.now();
  rows.sort(compareRows);
  const resortMs = performance.now() - resortStart;
  const splice: number[] = [];
  for (let n = 0; n < 200; n++) {
    const row = rows[(n * 104_723 + 17) % MEMBERS]!;
    const start = performance.now();
    sortedArrayStatusChange(rows, row);
    splice.push(performance.now() - start);
  }

  return [
    `### @guildkit/member-list at ${MEMBERS.toLocaleString('en')} members (${SUBSCRIBERS} subscribers)`,
    '',
    '| measure | @guildkit/member-list | sorted array + splice | full re-sort |',
    '| --- | ---: | ---: | ---: |',
    `| build from snapshot | ${buildMs.toFixed(0)} ms | ${resortMs.toFixed(0)} ms (sort) | ${resortMs.toFixed(0)} ms |`,
    `| one status change incl. ops for ${SUBSCRIBERS} subscribers | ${microseconds(change)} | ${microseconds(splice)} (no ops) | ${resortMs.toFixed(0)} ms |`,
    `| one status change, no subscribers (records + index only) | ${microseconds(unwatched)} | | |`,
    `| 10,000 presence changes in one tick | ${burstMs.toFixed(1)} ms (${((burstMs * 1000) / 10_000).toFixed(2)} µs per change) | | |`,
    `| rows 500,000..500,099 | ${microseconds(sync)} | | |`,
    `| bytes per member: records + index, estimated by \`bytesPerMember()\` | ${list.bytesPerMember().toFixed(1)} | | |`,
    `| bytes per member: measured (V8 heap + array buffers after GC, whole list) | ${measuredBytesPerMember.toFixed(1)} | | |`,
    '',
    `(${opsSent} ops sent in all; ${sharedDeliveries} count-only deliveries through \`onSharedUpdate\`.)`,
    '',
  ].join('\n');
}
