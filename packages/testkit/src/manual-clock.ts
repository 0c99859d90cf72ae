/**
 * A clock whose time only moves when a test moves it.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(1_700_000_000_000);
 * clock.advance(5);
 * clock.now(); // 1_700_000_000_005
 * ```
 */
export class ManualClock {
  #now: number;

  /**
   * @param startMs - the initial reading, in ms since the Unix epoch.
   */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  /** @returns the current reading in ms. */
  now(): number {
    return this.#now;
  }

  /**
   * Moves the clock forward (or back, with a negative step, to simulate a wall-clock step).
   *
   * @param ms - how far to move.
   */
  advance(ms: number): void {
    this.#now += ms;
  }

  /**
   * Sets the reading to an absolute value.
   *
   * @param ms - the new reading.
   */
  set(ms: number): void {
    this.#now = ms;
  }
}
