import {
  GatewaySession,
  MemorySessionRegistry,
  prepareDispatch,
  TimerWheel,
} from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { FakeTransport, USER } from '../support/harness.js';

function setup() {
  const scheduler = new ManualScheduler();
  const wheel = new TimerWheel({ clock: scheduler.clock, scheduler });
  const registry = new MemorySessionRegistry({ wheel });
  const session = new GatewaySession({
    sessionId: 's1',
    token: 't',
    user: USER,
    intents: 0,
    shard: [0, 1],
  });
  return { scheduler, wheel, registry, session };
}

describe('MemorySessionRegistry', () => {
  it('finds a detached session until its window closes, then ends it', () => {
    const { scheduler, registry, session } = setup();
    registry.detach(session, 10_000);
    expect(registry.get('s1', 9_999)).toBe(session);
    scheduler.advance(11_000);
    expect(registry.size).toBe(0);
    expect(session.ended).toBe(true);
  });

  it('treats a lookup at or after the deadline as expired even before the wheel ticks', () => {
    const { registry, session } = setup();
    registry.detach(session, 10_000);
    expect(registry.get('s1', 10_000)).toBeUndefined();
    expect(session.ended).toBe(true);
  });

  it('forgets a removed session without ending it, and its deadline no longer fires', () => {
    const { scheduler, wheel, registry, session } = setup();
    registry.detach(session, 10_000);
    expect(registry.remove('s1')).toBe(true);
    expect(registry.remove('s1')).toBe(false);
    expect(wheel.size).toBe(0);
    scheduler.advance(20_000);
    expect(session.ended).toBe(false);
  });

  it('returns undefined for an unknown id', () => {
    expect(setup().registry.get('nope', 0)).toBeUndefined();
  });
});

describe('GatewaySession', () => {
  it('buffers dispatches while detached and replays them on attach', () => {
    const { session } = setup();
    expect(session.dispatch(prepareDispatch('A', 1))).toBe(1);
    expect(session.dispatch(prepareDispatch('B', 2))).toBe(2);
    expect(session.attached).toBe(false);
    const transport = new FakeTransport();
    expect(session.attach(transport, 1)).toBe(true);
    expect(transport.frames).toEqual([{ op: 0, t: 'B', s: 2, d: 2 }]);
    expect(session.attached).toBe(true);
  });

  it('refuses to attach past its last seq and takes no dispatch once ended', () => {
    const { session } = setup();
    const transport = new FakeTransport();
    expect(session.attach(transport, 1)).toBe(false);
    session.end();
    expect(session.attach(transport, 0)).toBe(false);
    expect(session.dispatch(prepareDispatch('A', 1))).toBeUndefined();
    expect(transport.frames).toEqual([]);
  });
});
