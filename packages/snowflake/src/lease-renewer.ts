import type { Scheduler } from './clock.js';
import { SnowflakeError, SnowflakeErrorCode } from './errors.js';
import { systemScheduler } from './internal/system.js';
import type { WorkerIdLease } from './lease.js';

/** Options for {@link LeaseRenewer}. */
export interface LeaseRenewerOptions {
  /**
   * Where renewals are scheduled.
   * @defaultValue real timers (unreferenced)
   */
  readonly scheduler?: Scheduler;
  /**
   * Ms between the end of one renewal and the start of the next. Keep it well below the
   * lease's `ttlMs - safetyMarginMs` so that a slow store does not let the guard lapse.
   * @defaultValue a third of the lease's `ttlMs`
   */
  readonly renewEveryMs?: number;
  /**
   * Called once when a renewal reports the lease lost (the error has code
   * `GK_SNOWFLAKE_LEASE_LOST`). A throwing callback is contained.
   */
  readonly onLost?: (error: SnowflakeError) => void;
}

/**
 * Keeps a {@link WorkerIdLease} renewed on a scheduler until stopped, released or lost, and
 * records the loss. A lost lease also stops every generator guarded by it, on its next id.
 *
 * @example
 * ```ts
 * const renewer = new LeaseRenewer(lease, {
 *   onLost: (error) => logger.error({ code: error.code }, 'snowflake slot lost'),
 * });
 * renewer.start();
 * // ... on shutdown:
 * renewer.stop();
 * await lease.release();
 * ```
 */
export class LeaseRenewer {
  /** Ms between renewals. */
  readonly renewEveryMs: number;
  readonly #lease: WorkerIdLease;
  readonly #scheduler: Scheduler;
  readonly #onLost: ((error: SnowflakeError) => void) | undefined;
  #cancel: (() => void) | undefined;
  #running = false;
  #lostError: SnowflakeError | undefined;

  /**
   * @param lease - the lease to keep.
   * @param options - scheduler, interval and loss callback.
   * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_LEASE_OPTIONS` for an interval that is not
   * a positive finite number below the lease's TTL.
   */
  constructor(lease: WorkerIdLease, options: LeaseRenewerOptions = {}) {
    const renewEveryMs = options.renewEveryMs ?? lease.ttlMs / 3;
    if (!Number.isFinite(renewEveryMs) || renewEveryMs <= 0 || renewEveryMs >= lease.ttlMs) {
      throw new SnowflakeError(
        SnowflakeErrorCode.InvalidLeaseOptions,
        `renewEveryMs must be positive and below the lease's ttlMs (${lease.ttlMs}), got ${String(renewEveryMs)}`,
      );
    }
    this.renewEveryMs = renewEveryMs;
    this.#lease = lease;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#onLost = options.onLost;
  }

  /** The error that reported the lease lost, if it was. */
  get lostError(): SnowflakeError | undefined {
    return this.#lostError;
  }

  /** Whether renewals are scheduled. */
  get running(): boolean {
    return this.#running;
  }

  /** Schedules renewals every `renewEveryMs`; does nothing if already running. */
  start(): void {
    if (this.#running || this.#lostError !== undefined) return;
    this.#running = true;
    this.#schedule();
  }

  /** Cancels future renewals (a renewal in flight completes but schedules nothing). */
  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #schedule(): void {
    this.#cancel = this.#scheduler.setTimeout(() => {
      this.#cancel = undefined;
      this.#renew();
    }, this.renewEveryMs);
  }

  #renew(): void {
    this.#lease.renew().then(
      () => {
        if (this.#running) this.#schedule();
      },
      (error: unknown) => {
        this.#running = false;
        if (!(error instanceof SnowflakeError) || error.code !== SnowflakeErrorCode.LeaseLost) {
          return;
        }
        this.#lostError = error;
        try {
          this.#onLost?.(error);
        } catch {
          // A listener's failure must not turn into an unhandled rejection here.
        }
      },
    );
  }
}
