/** A source of the current time in epoch milliseconds. */
export interface Clock {
  /**
   * @returns the current time in epoch milliseconds.
   */
  now(): number;
}

/**
 * The real clock (`Date.now`): the default wherever a `now` or `clock` option is omitted.
 *
 * @example
 * ```ts
 * const cache = new PermissionCache(guild, { clock: SYSTEM_CLOCK });
 * ```
 */
export const SYSTEM_CLOCK: Clock = Object.freeze({ now: () => Date.now() });
