import { SnowflakeError, SnowflakeErrorCode } from '../errors.js';

/** The largest timestamp field: 2^42 - 1 ms after the epoch. */
export const MAX_RELATIVE_MS = 4398046511103;

/**
 * @param epoch - the epoch to check.
 * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_EPOCH` unless a safe integer >= 0.
 */
export function assertEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new SnowflakeError(
      SnowflakeErrorCode.InvalidEpoch,
      `epoch must be a safe integer >= 0 (ms since the Unix epoch), got ${String(epoch)}`,
    );
  }
}

/**
 * Checks a worker or process id.
 *
 * @param value - the id.
 * @param code - the code to throw with.
 * @param label - `workerId` or `processId`, for the message.
 * @throws SnowflakeError with `code` unless an integer in 0..31.
 */
export function assertFiveBitId(value: number, code: SnowflakeErrorCode, label: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 31) {
    throw new SnowflakeError(code, `${label} must be an integer in 0..31, got ${String(value)}`);
  }
}

/**
 * Checks a timestamp relative to its epoch and returns it.
 *
 * @param relativeMs - ms since the epoch.
 * @param timestamp - the absolute timestamp, for the message.
 * @returns `relativeMs`.
 * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_TIMESTAMP`, `GK_SNOWFLAKE_TIMESTAMP_BEFORE_EPOCH`
 * or `GK_SNOWFLAKE_TIMESTAMP_OVERFLOW`.
 */
export function checkRelativeMs(relativeMs: number, timestamp: number): number {
  if (!Number.isInteger(relativeMs)) {
    throw new SnowflakeError(
      SnowflakeErrorCode.InvalidTimestamp,
      `timestamp must be an integer number of ms, got ${String(timestamp)}`,
    );
  }
  if (relativeMs < 0) {
    throw new SnowflakeError(
      SnowflakeErrorCode.TimestampBeforeEpoch,
      `timestamp ${timestamp} lies before the epoch`,
    );
  }
  if (relativeMs > MAX_RELATIVE_MS) {
    throw new SnowflakeError(
      SnowflakeErrorCode.TimestampOverflow,
      `timestamp ${timestamp} lies more than 2^42 - 1 ms after the epoch`,
    );
  }
  return relativeMs;
}
