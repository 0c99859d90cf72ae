import { DISCORD_EPOCH } from './constants.js';
import { formatDecimal } from './internal/decimal.js';
import { assertEpoch, checkRelativeMs } from './internal/validate.js';

/**
 * The lowest snowflake of a millisecond (worker, process and increment all 0), as a decimal
 * string: the bound for range queries such as "messages after this time".
 *
 * @param ms - a timestamp in ms since the Unix epoch (an integer).
 * @param epoch - the epoch the id counts from.
 * @defaultValue epoch - {@link DISCORD_EPOCH}
 * @returns the decimal string of `(ms - epoch) << 22`.
 * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_TIMESTAMP` for a non-integer,
 * `GK_SNOWFLAKE_TIMESTAMP_BEFORE_EPOCH` before the epoch, `GK_SNOWFLAKE_TIMESTAMP_OVERFLOW`
 * past 2^42 - 1 ms after it, `GK_SNOWFLAKE_INVALID_EPOCH` for a bad epoch.
 * @example
 * ```ts
 * // Every message of 2016-04-30 11:18:25.796 UTC or later has an id >= this one.
 * snowflakeFromTimestamp(1462015105796); // '175928847298985984'
 * ```
 */
export function snowflakeFromTimestamp(ms: number, epoch: number = DISCORD_EPOCH): string {
  if (epoch !== DISCORD_EPOCH) assertEpoch(epoch);
  const relative = checkRelativeMs(ms - epoch, ms);
  const hi = Math.floor(relative / 1024);
  return formatDecimal(hi, (relative - hi * 1024) * 4194304);
}
