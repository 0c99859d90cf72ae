import { DISCORD_EPOCH } from './constants.js';
import type { Halves } from './internal/decimal.js';
import { readHalves } from './internal/halves.js';
import { assertEpoch } from './internal/validate.js';

/** The four fields of a snowflake. */
export interface DeconstructedSnowflake {
  /** When the id was made, in ms since the Unix epoch: `(id >> 22) + epoch`. */
  readonly timestamp: number;
  /** Bits 17..21: the worker that made the id (0..31). */
  readonly workerId: number;
  /** Bits 12..16: the process that made the id (0..31). */
  readonly processId: number;
  /** Bits 0..11: the id's sequence number within its millisecond (0..4095). */
  readonly increment: number;
}

const halves: Halves = { hi: 0, lo: 0 };

/**
 * Splits a snowflake into its fields.
 *
 * ```text
 *  63                                         22 21    17 16    12 11          0
 * +---------------------------------------------+--------+--------+-------------+
 * |      timestamp: ms since the epoch (42)     | worker | process|  increment  |
 * |                                             |  (5)   |  (5)   |    (12)     |
 * +---------------------------------------------+--------+--------+-------------+
 * ```
 *
 * @param id - a canonical decimal string (parsed without BigInt) or a bigint in 0..2^64-1.
 * @param epoch - the epoch the id counts from.
 * @defaultValue epoch - {@link DISCORD_EPOCH}
 * @returns the timestamp (ms since the Unix epoch), worker id, process id and increment.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` for anything but digits without sign,
 * spaces or leading zeros (`'abc'`, `'-5'`, `''`, `'1.5'`, `' 1'`, `'+1'`, `'1e5'`, `'01'`);
 * `GK_SNOWFLAKE_ID_OUT_OF_RANGE` for values >= 2^64 or a negative bigint;
 * `GK_SNOWFLAKE_INVALID_EPOCH` for a bad epoch.
 * @example
 * ```ts
 * // The example from Discord's documentation.
 * deconstruct('175928847299117063');
 * // { timestamp: 1462015105796, workerId: 1, processId: 0, increment: 7 }
 * ```
 */
export function deconstruct(
  id: string | bigint,
  epoch: number = DISCORD_EPOCH,
): DeconstructedSnowflake {
  if (epoch !== DISCORD_EPOCH) assertEpoch(epoch);
  readHalves(id, halves);
  const { hi, lo } = halves;
  return {
    timestamp: hi * 1024 + (lo >>> 22) + epoch,
    workerId: (lo >>> 17) & 31,
    processId: (lo >>> 12) & 31,
    increment: lo & 4095,
  };
}

/**
 * The exact value of `id >> 22` (ms since the id's own epoch) as a number. The string path
 * uses no BigInt, so it suits hot paths such as `(guild_id >> 22) % shardCount`.
 *
 * @param id - a canonical decimal string or a bigint in 0..2^64-1.
 * @returns `id >> 22`, an integer in 0..2^42-1.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE`, as
 * {@link deconstruct}.
 * @example
 * ```ts
 * const shardId = relativeTimestampOf(guildId) % shardCount;
 * ```
 */
export function relativeTimestampOf(id: string | bigint): number {
  readHalves(id, halves);
  return halves.hi * 1024 + (halves.lo >>> 22);
}

/**
 * When an id was made: `(id >> 22) + epoch`, in ms since the Unix epoch.
 *
 * @param id - a canonical decimal string or a bigint in 0..2^64-1.
 * @param epoch - the epoch the id counts from.
 * @defaultValue epoch - {@link DISCORD_EPOCH}
 * @returns the timestamp in ms since the Unix epoch.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID`, `GK_SNOWFLAKE_ID_OUT_OF_RANGE` or
 * `GK_SNOWFLAKE_INVALID_EPOCH`, as {@link deconstruct}.
 * @example
 * ```ts
 * new Date(timestampOf('175928847299117063')).toISOString(); // '2016-04-30T11:18:25.796Z'
 * ```
 */
export function timestampOf(id: string | bigint, epoch: number = DISCORD_EPOCH): number {
  if (epoch !== DISCORD_EPOCH) assertEpoch(epoch);
  readHalves(id, halves);
  return halves.hi * 1024 + (halves.lo >>> 22) + epoch;
}
