import { isCanonicalDecimal, rejectDecimal } from './internal/decimal.js';
import { assertBigIntId } from './internal/halves.js';

function canonical(id: string | bigint): string {
  if (typeof id === 'string') {
    if (!isCanonicalDecimal(id)) rejectDecimal(id);
    return id;
  }
  assertBigIntId(id);
  return id.toString();
}

/**
 * Orders two snowflakes (oldest first), without allocating a BigInt: canonical decimal
 * strings compare by length, then character by character. Leading zeros are rejected, as
 * everywhere in this package, so that order is numeric.
 *
 * @param a - a canonical decimal string or a bigint in 0..2^64-1.
 * @param b - a canonical decimal string or a bigint in 0..2^64-1.
 * @returns `-1` when `a < b`, `0` when equal, `1` when `a > b`.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE`, as
 * {@link deconstruct}.
 * @example
 * ```ts
 * ['1056191128120082432', '254360814063058944'].sort(compareSnowflakes);
 * // ['254360814063058944', '1056191128120082432']
 * ```
 */
export function compareSnowflakes(a: string | bigint, b: string | bigint): -1 | 0 | 1 {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    assertBigIntId(a);
    assertBigIntId(b);
    return a === b ? 0 : a < b ? -1 : 1;
  }
  const left = canonical(a);
  const right = canonical(b);
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * Whether a value is a snowflake this package accepts: a canonical decimal string (digits
 * only, no sign, spaces or leading zeros) or a bigint, in 0..2^64-1. Never throws.
 *
 * @param value - anything.
 * @returns `true` when every function of this package accepts `value` as an id.
 * @example
 * ```ts
 * isSnowflake('175928847299117063'); // true
 * isSnowflake('0175928847299117063'); // false
 * isSnowflake(2n ** 64n); // false
 * ```
 */
export function isSnowflake(value: unknown): value is string | bigint {
  if (typeof value === 'string') return isCanonicalDecimal(value);
  return typeof value === 'bigint' && value >= 0n && value <= 18446744073709551615n;
}
