import type { Clock, Scheduler } from '@guildkit/snowflake';

/** The wall clock: the production default of every injected {@link Clock}. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Node's (or the browser's) timers: the production default of every injected {@link Scheduler}. */
export const SYSTEM_SCHEDULER: Scheduler = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
