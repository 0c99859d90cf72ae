import { SnowflakeError, SnowflakeErrorCode } from '../errors.js';
import { type Halves, parseDecimal } from './decimal.js';

const TWO_POW_64 = 18446744073709551616n;

/**
 * Reads an id (decimal string or bigint) into `out`. Strings take the BigInt-free path.
 *
 * @param id - the id.
 * @param out - receives the halves.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` or `GK_SNOWFLAKE_ID_OUT_OF_RANGE`.
 */
export function readHalves(id: string | bigint, out: Halves): void {
  if (typeof id === 'string') {
    parseDecimal(id, out);
    return;
  }
  assertBigIntId(id);
  out.hi = Number(id >> 32n);
  out.lo = Number(id & 0xffffffffn);
}

/**
 * @param id - a value that should be a bigint id.
 * @throws SnowflakeError `GK_SNOWFLAKE_MALFORMED_ID` for a non-bigint,
 * `GK_SNOWFLAKE_ID_OUT_OF_RANGE` for a bigint outside 0..2^64-1.
 */
export function assertBigIntId(id: unknown): asserts id is bigint {
  if (typeof id !== 'bigint') {
    throw new SnowflakeError(
      SnowflakeErrorCode.MalformedId,
      `a snowflake is a decimal string or a bigint, got ${typeof id}`,
    );
  }
  if (id < 0n || id >= TWO_POW_64) {
    throw new SnowflakeError(
      SnowflakeErrorCode.IdOutOfRange,
      `${id} does not fit in 64 unsigned bits`,
    );
  }
}
