import type { Clock, Scheduler } from '../clock.js';

/** The real wall clock: the default of every `clock` option. */
export const systemClock: Clock = { now: () => Date.now() };

/** Real timers, unreferenced so that a pending renewal never keeps the process alive. */
export const systemScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
