import type { Clock } from './clock.js';
import { DISCORD_EPOCH } from './constants.js';
import { SnowflakeError, SnowflakeErrorCode } from './errors.js';
import { type MillionSplit, sixDigits, splitAtMillion } from './internal/decimal.js';
import { systemClock } from './internal/system.js';
import {
  assertEpoch,
  assertFiveBitId,
  checkRelativeMs,
  MAX_RELATIVE_MS,
} from './internal/validate.js';
import type { LeaseGuard } from './lease.js';

/** Options for {@link SnowflakeGenerator}. */
export interface SnowflakeGeneratorOptions {
  /** Bits 17..21 of every id, 0..31. Unique per (worker, process) across the fleet. */
  readonly workerId: number;
  /** Bits 12..16 of every id, 0..31. */
  readonly processId: number;
  /**
   * Ms since the Unix epoch that timestamp 0 stands for.
   * @defaultValue {@link DISCORD_EPOCH}
   */
  readonly epoch?: number;
  /**
   * The wall clock ids are stamped with.
   * @defaultValue the system clock (`Date.now`)
   */
  readonly clock?: Clock;
  /**
   * When given, every id first checks `clock.now() < lease.validUntil` and throws
   * `GK_SNOWFLAKE_LEASE_LOST` otherwise, so a node that lost its slot stops instead of
   * risking duplicates. Its slot must be `(workerId, processId)`.
   */
  readonly lease?: LeaseGuard;
}

const MAX_INCREMENT = 4095;
const MILLION = 1000000;
const UNLEASED: LeaseGuard = { slot: undefined, validUntil: Number.POSITIVE_INFINITY };

/**
 * Makes strictly increasing, never repeating snowflakes for one (worker, process) slot.
 *
 * ```text
 *  63                                         22 21    17 16    12 11          0
 * +---------------------------------------------+--------+--------+-------------+
 * |      timestamp: ms since the epoch (42)     | worker | process|  increment  |
 * |                                             |  (5)   |  (5)   |    (12)     |
 * +---------------------------------------------+--------+--------+-------------+
 * timestamp = (id >> 22) + epoch
 * ```
 *
 * At most 4096 ids per millisecond: when they run out the generator spins on its clock until
 * the next millisecond. When the clock steps back it keeps issuing from the last millisecond
 * it used, moving forward one millisecond each time one fills up, rather than repeating ids or
 * blocking until the clock catches up.
 *
 * @example
 * ```ts
 * const generator = new SnowflakeGenerator({ workerId: 1, processId: 0 });
 * const id = generator.next(); // e.g. '1328201958739410944'
 * ```
 */
export class SnowflakeGenerator {
  /** Bits 17..21 of every id. */
  readonly workerId: number;
  /** Bits 12..16 of every id. */
  readonly processId: number;
  /** Ms since the Unix epoch of timestamp 0. */
  readonly epoch: number;
  readonly #clock: Clock;
  readonly #lease: LeaseGuard;
  readonly #nodeBits: number;
  readonly #split: MillionSplit = { quotient: 0, remainder: 0 };
  #lastMs = -1;
  #increment = MAX_INCREMENT;
  #prefix = '';
  #carriedPrefix: string | undefined;
  #remainder = 0;

  /**
   * @param options - slot, epoch, clock and optional lease guard.
   * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_WORKER_ID`, `GK_SNOWFLAKE_INVALID_PROCESS_ID`,
   * `GK_SNOWFLAKE_INVALID_EPOCH`, or `GK_SNOWFLAKE_LEASE_MISMATCH` when the lease holds no slot
   * or another slot.
   */
  constructor(options: SnowflakeGeneratorOptions) {
    const { workerId, processId, epoch = DISCORD_EPOCH, clock = systemClock, lease } = options;
    assertFiveBitId(workerId, SnowflakeErrorCode.InvalidWorkerId, 'workerId');
    assertFiveBitId(processId, SnowflakeErrorCode.InvalidProcessId, 'processId');
    assertEpoch(epoch);
    if (
      lease !== undefined &&
      (lease.slot === undefined ||
        lease.slot.workerId !== workerId ||
        lease.slot.processId !== processId)
    ) {
      throw new SnowflakeError(
        SnowflakeErrorCode.LeaseMismatch,
        `the lease does not hold slot (workerId ${workerId}, processId ${processId})`,
      );
    }
    this.workerId = workerId;
    this.processId = processId;
    this.epoch = epoch;
    this.#clock = clock;
    this.#lease = lease ?? UNLEASED;
    this.#nodeBits = (workerId << 17) | (processId << 12);
  }

  /**
   * Makes the next id as a decimal string, without BigInt.
   *
   * @returns an id greater than every id this generator returned before.
   * @throws SnowflakeError `GK_SNOWFLAKE_LEASE_LOST` when the lease is no longer valid;
   * `GK_SNOWFLAKE_TIMESTAMP_BEFORE_EPOCH`, `GK_SNOWFLAKE_TIMESTAMP_OVERFLOW` or
   * `GK_SNOWFLAKE_INVALID_TIMESTAMP` when the clock reads outside the 42-bit range.
   * @example
   * ```ts
   * const messageId = generator.next();
   * ```
   */
  next(): string {
    this.#advance();
    const low = this.#remainder + this.#increment;
    if (low < MILLION) return this.#prefix === '' ? `${low}` : this.#prefix + sixDigits(low);
    this.#carriedPrefix ??= `${this.#split.quotient + 1}`;
    return this.#carriedPrefix + sixDigits(low - MILLION);
  }

  /**
   * Makes the next id as a bigint (same sequence as {@link SnowflakeGenerator.next}).
   *
   * @returns an id greater than every id this generator returned before.
   * @throws SnowflakeError as {@link SnowflakeGenerator.next}.
   * @example
   * ```ts
   * const id: bigint = generator.nextBigInt();
   * ```
   */
  nextBigInt(): bigint {
    this.#advance();
    return (BigInt(this.#lastMs) << 22n) | BigInt(this.#nodeBits | this.#increment);
  }

  #advance(): void {
    const now = this.#clock.now();
    if (now >= this.#lease.validUntil) throw this.#leaseLost();
    const ms = now - this.epoch;
    if (ms >= this.#lastMs + 1) this.#begin(Math.floor(ms), now);
    else if (this.#increment < MAX_INCREMENT) this.#increment++;
    else this.#afterExhaustion(ms, now);
  }

  #afterExhaustion(firstMs: number, firstNow: number): void {
    let ms = firstMs;
    let now = firstNow;
    for (;;) {
      if (this.#lastMs < 0 || Number.isNaN(ms)) {
        checkRelativeMs(Number.isNaN(ms) ? ms : Math.floor(ms), now);
      }
      // The last millisecond of the 42-bit range has no successor to wait for.
      if (this.#lastMs === MAX_RELATIVE_MS) checkRelativeMs(this.#lastMs + 1, now);
      if (ms >= this.#lastMs + 1) {
        this.#begin(Math.floor(ms), now);
        return;
      }
      if (ms < this.#lastMs) {
        // The clock stepped back: borrow the next millisecond instead of waiting for it.
        this.#begin(this.#lastMs + 1, now);
        return;
      }
      now = this.#clock.now();
      ms = now - this.epoch;
    }
  }

  #begin(ms: number, now: number): void {
    checkRelativeMs(ms, now);
    this.#lastMs = ms;
    this.#increment = 0;
    const hi = Math.floor(ms / 1024);
    splitAtMillion(hi, (ms - hi * 1024) * 4194304 + this.#nodeBits, this.#split);
    this.#prefix = this.#split.quotient === 0 ? '' : `${this.#split.quotient}`;
    this.#carriedPrefix = undefined;
    this.#remainder = this.#split.remainder;
  }

  #leaseLost(): SnowflakeError {
    return new SnowflakeError(
      SnowflakeErrorCode.LeaseLost,
      `the lease on slot (workerId ${this.workerId}, processId ${this.processId}) is no longer valid; generation stopped`,
    );
  }
}
