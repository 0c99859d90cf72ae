import { ManualClock } from './manual-clock.js';

interface PendingTimer {
  readonly dueAt: number;
  readonly order: number;
  readonly fn: () => void;
}

/**
 * A scheduler driven by a {@link ManualClock}: timers fire only inside {@link ManualScheduler.advance},
 * in due-time order (ties in the order they were set), so tests are deterministic.
 *
 * @example
 * ```ts
 * const scheduler = new ManualScheduler();
 * scheduler.setTimeout(() => console.log('fired'), 100);
 * scheduler.advance(100); // logs "fired"
 * ```
 */
export class ManualScheduler {
  /** The clock this scheduler moves; pass it to the code under test as its clock. */
  readonly clock: ManualClock;
  #timers: PendingTimer[] = [];
  #order = 0;

  /**
   * @param clock - the clock to drive; a new one starting at 0 by default.
   */
  constructor(clock: ManualClock = new ManualClock()) {
    this.clock = clock;
  }

  /**
   * Schedules `fn` to run once `ms` have passed on the clock.
   *
   * @param fn - the callback.
   * @param ms - the delay.
   * @returns a function that cancels the timer.
   */
  setTimeout(fn: () => void, ms: number): () => void {
    const timer: PendingTimer = {
      dueAt: this.clock.now() + Math.max(0, ms),
      order: this.#order++,
      fn,
    };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((pending) => pending !== timer);
    };
  }

  /** @returns how many timers are waiting. */
  get pendingCount(): number {
    return this.#timers.length;
  }

  /**
   * Moves the clock forward by `ms`, firing every timer that falls due on the way, each at its
   * own due time.
   *
   * @param ms - how far to move.
   */
  advance(ms: number): void {
    const target = this.clock.now() + ms;
    for (;;) {
      const next = this.#nextDue(target);
      if (next === undefined) break;
      this.#timers = this.#timers.filter((pending) => pending !== next);
      this.clock.set(Math.max(this.clock.now(), next.dueAt));
      next.fn();
    }
    this.clock.set(target);
  }

  #nextDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueAt > limit) continue;
      if (
        best === undefined ||
        timer.dueAt < best.dueAt ||
        (timer.dueAt === best.dueAt && timer.order < best.order)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
