import { ShardingError, ShardingErrorCode } from './errors.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from './internal/system-time.js';
import { assertShardId } from './internal/validate.js';

/** A source of the current time in ms. */
export interface Clock {
  /** @returns the current time in ms. */
  now(): number;
}

/** Schedules callbacks; the returned function cancels the timer. */
export interface Scheduler {
  /**
   * @param fn - the callback.
   * @param ms - the delay in ms.
   * @returns a function that cancels the timer.
   */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** Options for {@link IdentifyQueue}. */
export interface IdentifyQueueOptions {
  /** `max_concurrency` from `GET /gateway/bot`'s `session_start_limit`. */
  readonly maxConcurrency: number;
  /**
   * Minimum spacing between two IDENTIFYs of one bucket.
   * @defaultValue 5000
   */
  readonly intervalMs?: number;
  /** Time source. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /** Timer source. @defaultValue Node's `setTimeout` */
  readonly scheduler?: Scheduler;
}

/** Options for {@link IdentifyQueue.waitForTurn}. */
export interface WaitForTurnOptions {
  /** Aborting it withdraws the wait, which rejects with `GK_SHARDING_ABORTED`. */
  readonly signal?: AbortSignal;
}

/**
 * Defaults of {@link IdentifyQueueOptions}: Discord allows one IDENTIFY per bucket per 5 s.
 *
 * @example
 * ```ts
 * import { DEFAULT_IDENTIFY_QUEUE_OPTIONS } from '@guildkit/sharding';
 *
 * DEFAULT_IDENTIFY_QUEUE_OPTIONS.intervalMs; // 5000
 * ```
 */
export const DEFAULT_IDENTIFY_QUEUE_OPTIONS = {
  intervalMs: 5_000,
} as const satisfies Required<Pick<IdentifyQueueOptions, 'intervalMs'>>;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: ShardingError) => void;
  readonly detach: () => void;
}

interface Bucket {
  readonly waiters: Waiter[];
  nextTurnAt: number;
  cancelTimer: (() => void) | undefined;
}

function assertMaxConcurrency(maxConcurrency: number): void {
  if (!Number.isSafeInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new ShardingError(
      ShardingErrorCode.InvalidMaxConcurrency,
      `maxConcurrency must be a positive safe integer, got ${String(maxConcurrency)}`,
    );
  }
}

/**
 * The IDENTIFY rate-limit bucket of a shard, as Discord documents it:
 * `rate_limit_key = shard_id % max_concurrency`
 * ({@link https://discord.com/developers/docs/events/gateway#session-start-limit-object-max-concurrency | Discord: max_concurrency}).
 * Shards in different buckets may identify at the same time.
 *
 * @param shardId - the shard, an integer in `[0, 2^32)`.
 * @param maxConcurrency - `session_start_limit.max_concurrency`, a positive safe integer.
 * @returns the bucket, in `[0, maxConcurrency)`.
 * @throws ShardingError `GK_SHARDING_INVALID_SHARD_ID` when `shardId` is out of range.
 * @throws ShardingError `GK_SHARDING_INVALID_MAX_CONCURRENCY` when `maxConcurrency` is invalid.
 * @example
 * ```ts
 * import { identifyBucket } from '@guildkit/sharding';
 *
 * identifyBucket(17, 16); // 1
 * ```
 */
export function identifyBucket(shardId: number, maxConcurrency: number): number {
  assertShardId(shardId);
  assertMaxConcurrency(maxConcurrency);
  return shardId % maxConcurrency;
}

/**
 * Paces IDENTIFYs: at most one per bucket (`shardId % maxConcurrency`) per `intervalMs`. Waits
 * in one bucket are served first come, first served; buckets never wait for each other.
 *
 * @example
 * ```ts
 * import { IdentifyQueue } from '@guildkit/sharding';
 *
 * const queue = new IdentifyQueue({ maxConcurrency: 16 });
 * await queue.waitForTurn(shardId, { signal });
 * socket.send(JSON.stringify({ op: 2, d: { token, intents, shard: [shardId, shardCount] } }));
 * // on shutdown:
 * queue.close();
 * ```
 */
export class IdentifyQueue {
  readonly #maxConcurrency: number;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #buckets = new Map<number, Bucket>();
  #closed = false;

  /**
   * @param options - the concurrency, spacing, clock and scheduler.
   * @throws ShardingError `GK_SHARDING_INVALID_MAX_CONCURRENCY` when `maxConcurrency` is invalid.
   * @throws ShardingError `GK_SHARDING_INVALID_OPTION` when `intervalMs` is not a non-negative
   * finite number.
   */
  constructor(options: IdentifyQueueOptions) {
    assertMaxConcurrency(options.maxConcurrency);
    const intervalMs = options.intervalMs ?? DEFAULT_IDENTIFY_QUEUE_OPTIONS.intervalMs;
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new ShardingError(
        ShardingErrorCode.InvalidOption,
        `intervalMs must be a non-negative finite number, got ${String(intervalMs)}`,
      );
    }
    this.#maxConcurrency = options.maxConcurrency;
    this.#intervalMs = intervalMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
  }

  /**
   * Waits until the shard may send IDENTIFY. The turn is spent when the promise resolves, so
   * identify right away.
   *
   * @param shardId - the shard about to identify, an integer in `[0, 2^32)`.
   * @param options - an optional abort signal.
   * @returns a promise that resolves at the shard's turn.
   * @throws ShardingError `GK_SHARDING_INVALID_SHARD_ID` (rejection) when `shardId` is out of
   * range.
   * @throws ShardingError `GK_SHARDING_ABORTED` (rejection) when the signal aborts first.
   * @throws ShardingError `GK_SHARDING_QUEUE_CLOSED` (rejection) when the queue is or gets closed
   * first.
   * @example
   * ```ts
   * const controller = new AbortController();
   * await queue.waitForTurn(3, { signal: controller.signal });
   * ```
   */
  waitForTurn(shardId: number, options: WaitForTurnOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      assertShardId(shardId);
      if (this.#closed) throw this.#closedError();
      const { signal } = options;
      if (signal?.aborted) throw this.#abortedError(signal);
      const bucket = this.#bucket(shardId % this.#maxConcurrency);
      const onAbort = (): void => {
        const index = bucket.waiters.indexOf(waiter);
        if (index === -1) return;
        bucket.waiters.splice(index, 1);
        if (bucket.waiters.length === 0) this.#stopTimer(bucket);
        reject(this.#abortedError(signal!));
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      bucket.waiters.push(waiter);
      this.#serve(bucket);
    });
  }

  /**
   * Closes the queue: every pending wait rejects with `GK_SHARDING_QUEUE_CLOSED`, and so does
   * every later one. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const bucket of this.#buckets.values()) {
      this.#stopTimer(bucket);
      for (const waiter of bucket.waiters.splice(0)) {
        waiter.detach();
        waiter.reject(this.#closedError());
      }
    }
    this.#buckets.clear();
  }

  #bucket(key: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { waiters: [], nextTurnAt: Number.NEGATIVE_INFINITY, cancelTimer: undefined };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #serve(bucket: Bucket): void {
    if (bucket.cancelTimer !== undefined || this.#closed) return;
    const now = this.#clock.now();
    const head = bucket.waiters[0];
    if (head === undefined) return;
    if (now >= bucket.nextTurnAt) {
      bucket.waiters.shift();
      bucket.nextTurnAt = now + this.#intervalMs;
      head.detach();
      head.resolve();
      if (bucket.waiters.length === 0) return;
    }
    bucket.cancelTimer = this.#scheduler.setTimeout(() => {
      bucket.cancelTimer = undefined;
      this.#serve(bucket);
    }, bucket.nextTurnAt - now);
  }

  #stopTimer(bucket: Bucket): void {
    bucket.cancelTimer?.();
    bucket.cancelTimer = undefined;
  }

  #closedError(): ShardingError {
    return new ShardingError(ShardingErrorCode.QueueClosed, 'the identify queue is closed');
  }

  #abortedError(signal: AbortSignal): ShardingError {
    return new ShardingError(
      ShardingErrorCode.Aborted,
      'the wait for an identify turn was aborted',
      {
        cause: signal.reason,
      },
    );
  }
}
