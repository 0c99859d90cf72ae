import type { Clock } from '@guildkit/snowflake';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { SYSTEM_CLOCK } from './internal/system-time.js';

/** Options for {@link IdentifyLimiter}. */
export interface IdentifyLimiterOptions {
  /**
   * IDENTIFYs allowed at once per application: bucket `shard_id % maxConcurrency` takes one per
   * window. @defaultValue 1
   */
  readonly maxConcurrency?: number;
  /** The window of one bucket. @defaultValue 5000 */
  readonly windowMs?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link IdentifyLimiterOptions}: Discord's `max_concurrency` of 1 and its 5 s
 * window.
 *
 * @example
 * ```ts
 * import { DEFAULT_IDENTIFY_LIMITER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_IDENTIFY_LIMITER_OPTIONS.windowMs; // 5000
 * ```
 */
export const DEFAULT_IDENTIFY_LIMITER_OPTIONS = {
  maxConcurrency: 1,
  windowMs: 5000,
} as const satisfies Required<Pick<IdentifyLimiterOptions, 'maxConcurrency' | 'windowMs'>>;

/** The outcome of {@link IdentifyLimiter.tryAcquire}. */
export type IdentifyAdmission =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * The server side of Discord's session start concurrency: per application, one IDENTIFY per
 * `shard_id % max_concurrency` bucket per 5 s. A connection whose IDENTIFY is refused gets
 * INVALID_SESSION (op 9, `d: false`), as Discord answers, and may identify again later. State
 * is one timestamp per busy bucket, pruned as windows pass.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#rate-limiting | Discord: gateway rate limiting}
 * @example
 * ```ts
 * import { IdentifyLimiter } from '@guildkit/gateway-core';
 *
 * const limiter = new IdentifyLimiter({ maxConcurrency: 16 });
 * limiter.tryAcquire(applicationId, 3); // { ok: true }
 * limiter.tryAcquire(applicationId, 19); // { ok: false, retryAfterMs: 5000 }: same bucket 3
 * ```
 */
export class IdentifyLimiter {
  readonly #maxConcurrency: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #busyUntil = new Map<string, number>();
  #nextPruneAt = 0;

  /**
   * @param options - concurrency, window and clock.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `maxConcurrency` is not a positive
   * safe integer or `windowMs` not a positive finite number.
   */
  constructor(options: IdentifyLimiterOptions = {}) {
    this.#maxConcurrency =
      options.maxConcurrency ?? DEFAULT_IDENTIFY_LIMITER_OPTIONS.maxConcurrency;
    this.#windowMs = options.windowMs ?? DEFAULT_IDENTIFY_LIMITER_OPTIONS.windowMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    if (!Number.isSafeInteger(this.#maxConcurrency) || this.#maxConcurrency < 1)
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `maxConcurrency must be a positive integer, got ${this.#maxConcurrency}`,
      );
    if (!(this.#windowMs > 0 && Number.isFinite(this.#windowMs)))
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `windowMs must be a positive number, got ${this.#windowMs}`,
      );
  }

  /** How many buckets are inside their window. */
  get busyBuckets(): number {
    this.#prune(this.#clock.now(), true);
    return this.#busyUntil.size;
  }

  /**
   * Takes the IDENTIFY slot of `(applicationId, shardId % maxConcurrency)` if it is free.
   *
   * @param applicationId - whose limit it is (a bot's application, or a user).
   * @param shardId - the IDENTIFY's shard id.
   * @returns `{ ok: true }`, or how long until the bucket frees up.
   */
  tryAcquire(applicationId: string, shardId: number): IdentifyAdmission {
    const now = this.#clock.now();
    this.#prune(now, false);
    const key = `${applicationId}:${shardId % this.#maxConcurrency}`;
    const busyUntil = this.#busyUntil.get(key);
    if (busyUntil !== undefined && busyUntil > now)
      return { ok: false, retryAfterMs: busyUntil - now };
    this.#busyUntil.set(key, now + this.#windowMs);
    return { ok: true };
  }

  #prune(now: number, force: boolean): void {
    if (!force && now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + this.#windowMs;
    for (const [key, busyUntil] of this.#busyUntil)
      if (busyUntil <= now) this.#busyUntil.delete(key);
  }
}
