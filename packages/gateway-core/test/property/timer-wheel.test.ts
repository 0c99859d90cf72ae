import { fc, test } from '@fast-check/vitest';
import { type TimerHandle, TimerWheel } from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import { expect } from 'vitest';

type Command =
  | { readonly kind: 'schedule'; readonly delayMs: number }
  | { readonly kind: 'cancel'; readonly index: number }
  | { readonly kind: 'reschedule'; readonly index: number; readonly delayMs: number }
  | { readonly kind: 'advance'; readonly ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('schedule' as const),
    delayMs: fc.integer({ min: 0, max: 30_000 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('reschedule' as const),
    index: fc.nat(),
    delayMs: fc.integer({ min: 0, max: 30_000 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
);

/**
 * The naive model: each timer's pending deadline, or undefined once it fired or was cancelled.
 * A firing while the model holds no pending deadline is a double or a cancelled firing.
 */
interface ModelTimer {
  handle: TimerHandle;
  deadline: number | undefined;
}

test.prop([
  fc.integer({ min: 1, max: 2000 }),
  fc.integer({ min: 1, max: 16 }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.array(command, { maxLength: 120 }),
])(
  'every deadline fires exactly once, never early, at most one tick late; cancelled ones never',
  (tickMs, slots, startMs, commands) => {
    const scheduler = new ManualScheduler();
    scheduler.clock.set(startMs);
    const wheel = new TimerWheel({ tickMs, slots, clock: scheduler.clock, scheduler });
    const timers: ModelTimer[] = [];
    const check = (timer: ModelTimer, firedAt: number) => {
      const deadline = timer.deadline;
      expect(deadline).toBeDefined();
      expect(firedAt).toBeGreaterThanOrEqual(deadline!);
      expect(firedAt).toBeLessThanOrEqual(deadline! + tickMs);
      timer.deadline = undefined;
    };
    for (const step of commands) {
      const now = scheduler.clock.now();
      if (step.kind === 'schedule') {
        const timer: ModelTimer = { handle: undefined as never, deadline: now + step.delayMs };
        timer.handle = wheel.schedule(now + step.delayMs, () =>
          check(timer, scheduler.clock.now()),
        );
        timers.push(timer);
      } else if (step.kind === 'advance') {
        scheduler.advance(step.ms);
      } else if (timers.length > 0) {
        const timer = timers[step.index % timers.length]!;
        if (step.kind === 'cancel') {
          expect(wheel.cancel(timer.handle)).toBe(timer.deadline !== undefined);
          timer.deadline = undefined;
        } else {
          wheel.reschedule(timer.handle, now + step.delayMs);
          timer.deadline = now + step.delayMs;
        }
      }
      expect(wheel.size).toBe(timers.filter((timer) => timer.deadline !== undefined).length);
    }
    // Drain: every deadline still pending fires, within its bound, exactly once.
    const pending = timers.filter((timer) => timer.deadline !== undefined);
    scheduler.advance(30_000 + 2 * tickMs);
    for (const timer of pending) expect(timer.deadline).toBeUndefined();
    expect(wheel.size).toBe(0);
    expect(scheduler.pendingCount).toBe(0);
  },
);
