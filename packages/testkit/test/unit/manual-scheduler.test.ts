import { ManualClock, ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

describe('ManualScheduler', () => {
  it('fires due timers in due-time order, each at its own due time', () => {
    const scheduler = new ManualScheduler(new ManualClock(1000));
    const fired: [string, number][] = [];
    scheduler.setTimeout(() => fired.push(['late', scheduler.clock.now()]), 30);
    scheduler.setTimeout(() => fired.push(['early', scheduler.clock.now()]), 10);
    scheduler.setTimeout(() => fired.push(['tie', scheduler.clock.now()]), 10);
    scheduler.advance(25);
    expect(fired).toEqual([
      ['early', 1010],
      ['tie', 1010],
    ]);
    expect(scheduler.clock.now()).toBe(1025);
    scheduler.advance(5);
    expect(fired.at(-1)).toEqual(['late', 1030]);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('runs timers scheduled by a firing timer when they fall inside the same advance', () => {
    const scheduler = new ManualScheduler();
    const fired: number[] = [];
    scheduler.setTimeout(() => {
      fired.push(scheduler.clock.now());
      scheduler.setTimeout(() => fired.push(scheduler.clock.now()), 5);
    }, 5);
    scheduler.advance(20);
    expect(fired).toEqual([5, 10]);
  });

  it('never fires a cancelled timer', () => {
    const scheduler = new ManualScheduler();
    let fired = false;
    const cancel = scheduler.setTimeout(() => {
      fired = true;
    }, 1);
    cancel();
    scheduler.advance(10);
    expect(fired).toBe(false);
  });
});
