import sortedBtree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';
// Relative until src/index.ts exports OrderIndex; then import it from '@guildkit/member-list'.
import { OrderIndex } from '../src/order-index.js';
import {
  changedGroup,
  type MemberRecords,
  memberComparator,
  memberRecords,
  seededRandom,
} from './fixtures.js';
import { formatLatencyTable, type LatencyRow, measureLatency, timerOverhead } from './latency.js';
import {
  formatMillisTable,
  liveBytes,
  millis,
  SortedSlotArray,
  shuffled,
} from './order-index-peers.js';

/** sorted-btree is CommonJS: its class is the `default` property of the module object. */
const BTree = sortedBtree.default;
type BTree<K, V> = sortedBtree.default<K, V>;

const MEMBERS = 1_000_000;
const OPS = 20_000;
const WARMUP = 5_000;
/** A splice moves ~half a million references: a few hundred samples are plenty. */
const ARRAY_OPS = 300;
/** sorted-btree has no positional lookup: each query walks up to a million keys. */
const WALK_OPS = 20;
const SLICE_START = 500_000;
const SLICE_END = 500_100;

/** The same members, with a private copy of the one field a status change writes. */
function ownGroups(records: MemberRecords): MemberRecords {
  return { ...records, group: records.group.slice() };
}

interface Contenders {
  readonly index: OrderIndex;
  readonly indexRecords: MemberRecords;
  readonly tree: BTree<number, undefined>;
  readonly treeRecords: MemberRecords;
  readonly array: SortedSlotArray;
  readonly arrayRecords: MemberRecords;
}

function buildAll(out: string[]): Contenders {
  const base = memberRecords(MEMBERS);
  const sortResult = millis(() => Array.from(shuffled(MEMBERS, 7)).sort(memberComparator(base)));
  const sorted = sortResult.value;

  const indexRecords = ownGroups(base);
  const treeRecords = ownGroups(base);
  const arrayRecords = ownGroups(base);
  const start = liveBytes();
  const index = new OrderIndex(memberComparator(indexRecords));
  const load = millis(() => index.loadSorted(sorted));
  const afterIndex = liveBytes();
  const tree = new BTree<number, undefined>(undefined, memberComparator(treeRecords));
  const treeLoad = millis(() => {
    for (const slot of sorted) tree.set(slot, undefined);
  });
  const afterTree = liveBytes();
  const array = new SortedSlotArray(sorted.slice(), memberComparator(arrayRecords));
  const afterArray = liveBytes();
  const bulk = millis(() => bulkLoad(sorted, new Array(MEMBERS), 64, memberComparator(base)));
  const arraySort = millis(() => Array.from(shuffled(MEMBERS, 8)).sort(memberComparator(base)));

  out.push(
    formatMillisTable(`build of ${MEMBERS.toLocaleString('en')} members from sorted slots`, [
      {
        name: '@guildkit/member-list OrderIndex.loadSorted',
        ms: load.ms,
        note: 'includes checking the order (n-1 comparisons)',
      },
      {
        name: 'sorted-btree: set() of each slot in order',
        ms: treeLoad.ms,
        note: 'what `new BTree(entries)` does',
      },
      { name: 'sorted-btree/extended bulkLoad', ms: bulk.ms, note: '' },
      {
        name: 'sorted array: sort of shuffled slots',
        ms: arraySort.ms,
        note: `every structure needs this sort first: ${sortResult.ms.toFixed(0)} ms`,
      },
    ]),
  );
  const perMember = (bytes: number) => (bytes / MEMBERS).toFixed(2);
  const gcNote = globalThis.gc === undefined ? ' (no --expose-gc: deltas are noisy)' : '';
  out.push(
    [
      `### bytes per member of the structure alone (heapUsed + arrayBuffers deltas${gcNote})`,
      '',
      '| structure | bytes/member | note |',
      '| --- | ---: | --- |',
      `| @guildkit/member-list OrderIndex | ${perMember(afterIndex - start)} | estimateBytes(): ${perMember(index.estimateBytes())} |`,
      `| sorted-btree BTree (set, no values) | ${perMember(afterTree - afterIndex)} | |`,
      `| sorted array of slots | ${perMember(afterArray - afterTree)} | |`,
      '',
    ].join('\n'),
  );
  return { index, indexRecords, tree, treeRecords, array, arrayRecords };
}

function statusChange(
  records: MemberRecords,
  remove: (slot: number) => void,
  insert: (slot: number) => void,
): (i: number) => void {
  const picks = shuffled(MEMBERS, 42);
  const random = seededRandom(99);
  return (i) => {
    const slot = picks[i % MEMBERS]!;
    remove(slot);
    records.group[slot] = changedGroup(records.group[slot]!, random);
    insert(slot);
  };
}

function lookupTables(c: Contenders, out: string[]): void {
  const picks = shuffled(MEMBERS, 5);
  const slotAt = (i: number) => picks[i % MEMBERS]!;
  const walkTo = (rank: number): number => {
    let seen = 0;
    let found = -1;
    c.tree.forEachPair((slot) => {
      if (seen++ === rank) {
        found = slot;
        return { break: true };
      }
      return undefined;
    });
    return found;
  };
  out.push(
    formatLatencyTable('rankOf(slot): the index of a member', [
      measureLatency('@guildkit/member-list OrderIndex.rankOf', (i) => c.index.rankOf(slotAt(i)), {
        ops: OPS,
        warmup: WARMUP,
      }),
      measureLatency('sorted array: binary search', (i) => c.array.lowerBound(slotAt(i)), {
        ops: OPS,
        warmup: WARMUP,
      }),
      measureLatency(
        'sorted-btree: count keys below (forRange)',
        (i) => c.tree.forRange(c.tree.minKey()!, slotAt(i), false, undefined),
        { ops: WALK_OPS, warmup: 2, note: 'no rank API: O(rank)' },
      ),
    ]),
    formatLatencyTable('at(rank): the member at an index', [
      measureLatency('@guildkit/member-list OrderIndex.at', (i) => c.index.at(slotAt(i)), {
        ops: OPS,
        warmup: WARMUP,
      }),
      measureLatency('sorted array: slots[rank]', (i) => c.array.slots[slotAt(i)], {
        ops: OPS,
        warmup: WARMUP,
      }),
      measureLatency('sorted-btree: walk from the first key', (i) => walkTo(slotAt(i)), {
        ops: WALK_OPS,
        warmup: 2,
        note: 'no positional API: O(rank)',
      }),
    ]),
    formatLatencyTable(`slice(${SLICE_START}, ${SLICE_END}): a 100-row SYNC window`, [
      measureLatency(
        '@guildkit/member-list OrderIndex.slice',
        () => c.index.slice(SLICE_START, SLICE_END),
        { ops: OPS, warmup: WARMUP },
      ),
      measureLatency(
        'sorted array: slots.slice',
        () => c.array.slots.slice(SLICE_START, SLICE_END),
        { ops: OPS, warmup: WARMUP },
      ),
      measureLatency(
        'sorted-btree: walk to rank, take 100',
        () => {
          const rows: number[] = [];
          let seen = 0;
          c.tree.forEachPair((slot) => {
            if (seen++ >= SLICE_START) rows.push(slot);
            return rows.length === SLICE_END - SLICE_START ? { break: true } : undefined;
          });
        },
        { ops: WALK_OPS, warmup: 2, note: 'no positional API: O(offset)' },
      ),
    ]),
  );
}

/** sorted-btree's own "Insertions at random locations" benchmark (benchmarks.ts), 1M keys. */
function sortedBtreeInsertBench(out: string[]): void {
  const random = seededRandom(3);
  const keys: number[] = [];
  for (let i = 0, key = 0; i < MEMBERS; i++, key += 1 + Math.floor(random() * 10)) keys.push(key);
  const order = shuffled(MEMBERS, 4);
  const randomKeys = Array.from(order, (i) => keys[i]!);
  const runs = 3;
  const best = (run: () => void) => Math.min(...Array.from({ length: runs }, () => millis(run).ms));
  const ours = best(() => {
    const index = new OrderIndex((a, b) => a - b);
    for (const key of randomKeys) index.insert(key);
  });
  const theirs = best(() => {
    const tree = new BTree<number, undefined>();
    for (const key of randomKeys) tree.set(key, undefined);
  });
  const theirsCustom = best(() => {
    const tree = new BTree<number, undefined>(undefined, (a, b) => a - b);
    for (const key of randomKeys) tree.set(key, undefined);
  });
  out.push(
    formatMillisTable(
      `sorted-btree's own benchmark: insert ${MEMBERS.toLocaleString('en')} integer keys in random order (best of ${runs})`,
      [
        { name: '@guildkit/member-list OrderIndex, (a, b) => a - b', ms: ours },
        { name: 'sorted-btree BTree set, default comparator', ms: theirs },
        { name: 'sorted-btree BTree set, (a, b) => a - b', ms: theirsCustom },
      ],
    ),
  );
}

/**
 * The index side by side with sorted-btree and a sorted array at 1,000,000 members:
 * builds, memory, status changes, rank and position lookups, a 100-row slice, and
 * sorted-btree's own random-insert benchmark.
 *
 * @returns the Markdown tables.
 */
export function orderIndexBench(): string {
  const out: string[] = [];
  const c = buildAll(out);
  const statusRows: LatencyRow[] = [
    measureLatency(
      '@guildkit/member-list OrderIndex',
      statusChange(
        c.indexRecords,
        (s) => c.index.remove(s),
        (s) => c.index.insert(s),
      ),
      { ops: OPS, warmup: WARMUP },
    ),
    measureLatency(
      'sorted-btree BTree, slot keys + the same comparator',
      statusChange(
        c.treeRecords,
        (s) => c.tree.delete(s),
        (s) => c.tree.set(s, undefined),
      ),
      { ops: OPS, warmup: WARMUP },
    ),
    measureLatency(
      'sorted array: binary search + splice',
      statusChange(
        c.arrayRecords,
        (s) => c.array.remove(s),
        (s) => c.array.insert(s),
      ),
      { ops: ARRAY_OPS, warmup: 20 },
    ),
    timerOverhead(),
  ];
  out.push(
    formatLatencyTable(
      'status change: remove, change group, re-insert one random member',
      statusRows,
    ),
  );
  lookupTables(c, out);
  sortedBtreeInsertBench(out);
  return out.join('\n');
}
