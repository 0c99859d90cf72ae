/** A time source in ms; structurally the same as `Clock` from `@guildkit/snowflake`. */
export interface Clock {
  /** @returns the current time in ms. */
  now(): number;
}

/** Runs callbacks later; structurally the same as `Scheduler` from `@guildkit/snowflake`. */
export interface Scheduler {
  /**
   * @param fn - the callback.
   * @param ms - the delay in ms.
   * @returns a function that cancels the callback.
   */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** The wall clock (browser and Node alike). */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** The platform's timers (browser and Node alike). */
export const SYSTEM_SCHEDULER: Scheduler = {
  setTimeout(fn, ms) {
    const timer = globalThis.setTimeout(fn, ms);
    return () => globalThis.clearTimeout(timer);
  },
};
