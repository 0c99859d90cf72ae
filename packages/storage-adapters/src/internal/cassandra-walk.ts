import type { MessageRecord } from '../types.js';
import { type CqlRow, rowToRecord } from './cassandra-codec.js';
import type { CassandraExecutor } from './cassandra-executor.js';
import type { CassandraStatements } from './cassandra-schema.js';

/** How many `channel_buckets` rows one index read fetches. */
const BUCKET_PAGE = 8;

/** The largest bucket a Snowflake can have (2^64 - 1 ms after the epoch is far beyond it). */
export const MAX_BUCKET = 2 ** 31 - 1;

/** One channel's history, as the walks read it. */
export interface ChannelHistory {
  readonly executor: CassandraExecutor;
  readonly statements: CassandraStatements;
  /** The channel id (Snowflake string), for the records. */
  readonly channelId: string;
  /** The channel id as stored. */
  readonly channel: string;
}

/** Where a walk starts: a stored message id bound in a known bucket. */
export interface WalkStart {
  /** The stored id bound. */
  readonly bound: string;
  /** Whether a message with id `bound` itself belongs to the page. */
  readonly inclusive: boolean;
  /** The bucket of `bound`. */
  readonly bucket: number;
  /**
   * `true`: read `bucket` first without consulting the index (an anchored page usually fills
   * from its own bucket: one query). `false`: let the index name the first bucket (`latest`,
   * whose newest bucket is unknown).
   */
  readonly probeFirstBucket: boolean;
}

/**
 * The newest `limit` messages older than (or at) `start.bound`, newest first.
 *
 * The walk goes down bucket by bucket: the start bucket, then the buckets that the
 * `channel_buckets` index lists below it, newest first, read 8 at a time. It stops as soon as
 * the page is full or the index has no lower bucket — the channel's first bucket — so a page
 * costs one query per bucket that actually held messages plus one index read per 8 of them,
 * never a query per empty 10-day window (a channel whose history starts years back with a gap
 * of years costs the same as one without). Rows without `author_id` (an edit that landed after
 * a delete) are skipped and the bucket is read further, so they never shorten a page.
 *
 * @param history - the channel.
 * @param start - where to start.
 * @param limit - 1..100.
 * @returns the page.
 */
export async function walkOlder(
  history: ChannelHistory,
  start: WalkStart,
  limit: number,
): Promise<MessageRecord[]> {
  const page: MessageRecord[] = [];
  const { statements } = history;
  let firstQuery = start.inclusive ? statements.selectOlderInclusive : statements.selectOlder;
  const read = async (bucket: number): Promise<void> => {
    await readBucket(history, bucket, firstQuery, start.bound, page, limit, statements.selectOlder);
    firstQuery = statements.selectOlder;
  };
  let below = start.bucket;
  if (start.probeFirstBucket) {
    await read(start.bucket);
    if (page.length >= limit) return page;
    below = start.bucket - 1;
  }
  for await (const bucket of indexedBuckets(history, 'down', below)) {
    if (page.length >= limit) break;
    await read(bucket);
  }
  return page;
}

/**
 * The oldest `limit` messages newer than `start.bound`, oldest first: {@link walkOlder} upwards.
 * It stops when the page is full or at the newest bucket the index lists (the newest bucket
 * any message was written to), not at the clock's current bucket, so messages with ids ahead
 * of the clock are still found.
 *
 * @param history - the channel.
 * @param start - where to start (`inclusive` is ignored: `after` excludes its anchor).
 * @param limit - 1..100.
 * @returns the page.
 */
export async function walkNewer(
  history: ChannelHistory,
  start: WalkStart,
  limit: number,
): Promise<MessageRecord[]> {
  const page: MessageRecord[] = [];
  const newer = history.statements.selectNewer;
  let above = start.bucket;
  if (start.probeFirstBucket) {
    await readBucket(history, start.bucket, newer, start.bound, page, limit, newer);
    if (page.length >= limit) return page;
    above = start.bucket + 1;
  }
  for await (const bucket of indexedBuckets(history, 'up', above)) {
    if (page.length >= limit) break;
    await readBucket(history, bucket, newer, start.bound, page, limit, newer);
  }
  return page;
}

/**
 * Reads one bucket into `page` until the page is full or the bucket has no more rows: a query
 * that returns fewer rows than asked exhausts the bucket; a full answer that still left the
 * page short (rows without `author_id`) continues after its last row.
 */
async function readBucket(
  history: ChannelHistory,
  bucket: number,
  firstQuery: string,
  bound: string,
  page: MessageRecord[],
  limit: number,
  nextQuery: string,
): Promise<void> {
  let query = firstQuery;
  let cursor = bound;
  while (page.length < limit) {
    const wanted = limit - page.length;
    const result = await history.executor.execute('list', query, [
      history.channel,
      bucket,
      cursor,
      wanted,
    ]);
    const rows: readonly CqlRow[] = result.rows;
    for (const row of rows) {
      const record = rowToRecord(history.channelId, row);
      if (record !== null) page.push(record);
    }
    const last = rows.at(-1);
    if (rows.length < wanted || last === undefined) return;
    cursor = String(last.get('message_id'));
    query = nextQuery;
  }
}

/** The buckets the index lists from `from` (inclusive) in `direction`, fetched page by page. */
async function* indexedBuckets(
  history: ChannelHistory,
  direction: 'down' | 'up',
  from: number,
): AsyncGenerator<number> {
  const query =
    direction === 'down'
      ? history.statements.selectBucketsDown
      : history.statements.selectBucketsUp;
  let next = from;
  for (;;) {
    const result = await history.executor.execute('list', query, [
      history.channel,
      next,
      BUCKET_PAGE,
    ]);
    let last = next;
    for (const row of result.rows) {
      last = Number(row.get('bucket'));
      yield last;
    }
    if (result.rows.length < BUCKET_PAGE) return;
    next = direction === 'down' ? last - 1 : last + 1;
  }
}
