import type { Clock, Scheduler } from '@guildkit/snowflake';

/** The wall clock: the production default of the registry's injected clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Node's timers: the production default of the registry's injected scheduler. */
export const SYSTEM_SCHEDULER: Scheduler = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
