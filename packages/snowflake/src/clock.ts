/**
 * A source of time in ms. Generators and leases read it; tests pass a manual one.
 *
 * @example
 * ```ts
 * const frozen: Clock = { now: () => 1_700_000_000_000 };
 * ```
 */
export interface Clock {
  /** @returns the current time in ms (wall-clock ms since the Unix epoch for generators). */
  now(): number;
}

/**
 * Runs a callback later. {@link LeaseRenewer} schedules its renewals through it.
 *
 * @example
 * ```ts
 * const scheduler: Scheduler = {
 *   setTimeout: (fn, ms) => {
 *     const timer = setTimeout(fn, ms);
 *     return () => clearTimeout(timer);
 *   },
 * };
 * ```
 */
export interface Scheduler {
  /**
   * @param fn - the callback.
   * @param ms - the delay in ms.
   * @returns a function that cancels the callback.
   */
  setTimeout(fn: () => void, ms: number): () => void;
}
