import { GatewayErrorCode, TimerWheel } from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';

function setup(tickMs = 1000) {
  const scheduler = new ManualScheduler();
  const wheel = new TimerWheel({ tickMs, slots: 8, clock: scheduler.clock, scheduler });
  const fired: [name: string, at: number][] = [];
  const record = (name: string) => () => fired.push([name, scheduler.clock.now()]);
  return { scheduler, wheel, fired, record };
}

describe('TimerWheel', () => {
  it('fires a deadline on the first tick at or after it', () => {
    const { scheduler, wheel, fired, record } = setup();
    wheel.schedule(2500, record('a'));
    wheel.schedule(3000, record('b'));
    scheduler.advance(2999);
    expect(fired).toEqual([]);
    scheduler.advance(1);
    expect(fired).toEqual([
      ['a', 3000],
      ['b', 3000],
    ]);
    expect(wheel.size).toBe(0);
  });

  it('holds one platform timer for many deadlines, and none when idle', () => {
    const { scheduler, wheel, record } = setup();
    for (let i = 0; i < 100; i++) wheel.schedule(1000 + i * 37, record(`t${i}`));
    expect(scheduler.pendingCount).toBe(1);
    scheduler.advance(10_000);
    expect(wheel.size).toBe(0);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('fires deadlines more than one turn of the wheel away on the right turn', () => {
    const { scheduler, wheel, fired, record } = setup();
    wheel.schedule(20_000, record('far'));
    scheduler.advance(19_999);
    expect(fired).toEqual([]);
    scheduler.advance(1);
    expect(fired).toEqual([['far', 20_000]]);
  });

  it('never fires a cancelled timer', () => {
    const { scheduler, wheel, fired, record } = setup();
    const handle = wheel.schedule(1000, record('a'));
    expect(wheel.cancel(handle)).toBe(true);
    expect(wheel.cancel(handle)).toBe(false);
    scheduler.advance(5000);
    expect(fired).toEqual([]);
  });

  it('moves a rescheduled timer to its new deadline, as a heartbeat pushes back a zombie check', () => {
    const { scheduler, wheel, fired, record } = setup();
    const handle = wheel.schedule(2000, record('zombie'));
    scheduler.advance(1500);
    wheel.reschedule(handle, 4000);
    expect(handle.deadlineMs).toBe(4000);
    scheduler.advance(2000);
    expect(fired).toEqual([]);
    scheduler.advance(500);
    expect(fired).toEqual([['zombie', 4000]]);
  });

  it('lets a callback cancel or reschedule another timer due on the same tick', () => {
    const { scheduler, wheel, fired, record } = setup();
    const holder: { second?: ReturnType<TimerWheel['schedule']> } = {};
    wheel.schedule(1000, () => {
      record('first')();
      if (holder.second !== undefined) wheel.reschedule(holder.second, 3000);
    });
    holder.second = wheel.schedule(1000, record('second'));
    scheduler.advance(1000);
    expect(fired).toEqual([['first', 1000]]);
    scheduler.advance(2000);
    expect(fired).toEqual([
      ['first', 1000],
      ['second', 3000],
    ]);
  });

  it('runs every due timer when one throws, then reports the error', () => {
    const errors: unknown[] = [];
    const scheduler = new ManualScheduler();
    const wheel = new TimerWheel({
      clock: scheduler.clock,
      scheduler,
      onError: (e) => errors.push(e),
    });
    let ran = false;
    wheel.schedule(1000, () => {
      throw new Error('boom');
    });
    wheel.schedule(1000, () => {
      ran = true;
    });
    scheduler.advance(1000);
    expect(ran).toBe(true);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('throws GK_GATEWAY_INVALID_OPTION, GK_GATEWAY_INVALID_DEADLINE and GK_GATEWAY_CLOSED', () => {
    expect(() => new TimerWheel({ tickMs: 0 })).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
    );
    expect(() => new TimerWheel({ slots: 1.5 })).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidOption }),
    );
    const { wheel, scheduler, fired, record } = setup();
    expect(() => wheel.schedule(Number.NaN, record('x'))).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.InvalidDeadline }),
    );
    wheel.schedule(1000, record('a'));
    wheel.close();
    expect(scheduler.pendingCount).toBe(0);
    expect(() => wheel.schedule(1000, record('b'))).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.Closed }),
    );
    scheduler.advance(5000);
    expect(fired).toEqual([]);
  });
});
