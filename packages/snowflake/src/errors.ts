/**
 * Every code a `@guildkit/snowflake` API throws or rejects with. Codes are stable: messages may
 * change between releases, codes may not.
 */
export const SnowflakeErrorCode = {
  /** A worker id is not an integer in 0..31. */
  InvalidWorkerId: 'GK_SNOWFLAKE_INVALID_WORKER_ID',
  /** A process id is not an integer in 0..31. */
  InvalidProcessId: 'GK_SNOWFLAKE_INVALID_PROCESS_ID',
  /** An epoch is not a safe, non-negative integer number of ms since the Unix epoch. */
  InvalidEpoch: 'GK_SNOWFLAKE_INVALID_EPOCH',
  /** A timestamp (argument or clock reading) is not a finite number, or not an integer where one is required. */
  InvalidTimestamp: 'GK_SNOWFLAKE_INVALID_TIMESTAMP',
  /** A timestamp lies before the epoch, so it has no 42-bit encoding. */
  TimestampBeforeEpoch: 'GK_SNOWFLAKE_TIMESTAMP_BEFORE_EPOCH',
  /** A timestamp lies more than 2^42 - 1 ms after the epoch, so it has no 42-bit encoding. */
  TimestampOverflow: 'GK_SNOWFLAKE_TIMESTAMP_OVERFLOW',
  /** An id is neither a canonical decimal string nor a bigint. */
  MalformedId: 'GK_SNOWFLAKE_MALFORMED_ID',
  /** An id is negative or does not fit in 64 unsigned bits. */
  IdOutOfRange: 'GK_SNOWFLAKE_ID_OUT_OF_RANGE',
  /** Lease or renewer options are out of range (TTL, safety margin, renewal interval). */
  InvalidLeaseOptions: 'GK_SNOWFLAKE_INVALID_LEASE_OPTIONS',
  /** Every one of the 1024 (worker, process) slots is held by another lease. */
  NoFreeSlot: 'GK_SNOWFLAKE_NO_FREE_SLOT',
  /** The lease can no longer be trusted (renewal failed, key expired or taken): generation stops. */
  LeaseLost: 'GK_SNOWFLAKE_LEASE_LOST',
  /** `acquire()` was called on a lease that already acquired (or is acquiring) a slot. */
  LeaseAlreadyAcquired: 'GK_SNOWFLAKE_LEASE_ALREADY_ACQUIRED',
  /** `renew()` was called on a lease that holds no slot (never acquired, or released). */
  LeaseNotHeld: 'GK_SNOWFLAKE_LEASE_NOT_HELD',
  /** A generator's worker/process ids are not the slot its lease holds. */
  LeaseMismatch: 'GK_SNOWFLAKE_LEASE_MISMATCH',
  /** The lease store (e.g. Redis) failed while acquiring or releasing; the cause is attached. */
  LeaseStoreFailed: 'GK_SNOWFLAKE_LEASE_STORE_FAILED',
} as const;

/** One of the {@link SnowflakeErrorCode} values. */
export type SnowflakeErrorCode = (typeof SnowflakeErrorCode)[keyof typeof SnowflakeErrorCode];

/**
 * The error every `@guildkit/snowflake` API throws or rejects with; branch on `code`, not on
 * the message.
 *
 * @example
 * ```ts
 * try {
 *   deconstruct('abc');
 * } catch (error) {
 *   if (error instanceof SnowflakeError && error.code === SnowflakeErrorCode.MalformedId) {
 *     // reject the request
 *   }
 * }
 * ```
 */
export class SnowflakeError extends Error {
  override readonly name = 'SnowflakeError';

  /**
   * @param code - the stable code.
   * @param message - a human description.
   * @param options - standard error options (`cause`).
   */
  constructor(
    readonly code: SnowflakeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
