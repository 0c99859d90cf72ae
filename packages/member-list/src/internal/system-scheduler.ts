import type { Scheduler } from '../types.js';

/** The default {@link Scheduler}: the global timers. */
export const systemScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
