import { ManualScheduler } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import {
  type BusEvent,
  type BusGap,
  MemoryEventBus,
  type MemoryEventBusOptions,
  MemoryEventHub,
} from '../../src/bus/index.js';
import { GatewayError, GatewayErrorCode } from '../../src/errors.js';
import {
  describeEventBusConformance,
  envelopeText,
  GUILD_A,
  GUILD_B,
} from '../support/bus-conformance.js';

describeEventBusConformance('MemoryEventBus', () => {
  const hub = new MemoryEventHub();
  const buses: MemoryEventBus[] = [];
  return {
    async node(nodeId, options) {
      const bus = new MemoryEventBus({ ...options, nodeId, hub });
      buses.push(bus);
      return bus;
    },
    async inject(guildId, text) {
      hub.publish(guildId, text);
    },
    async teardown() {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
});

/** A receiving node on a manual clock, fed raw envelopes through its hub. */
function receiver(options: Partial<MemoryEventBusOptions> = {}) {
  const scheduler = new ManualScheduler();
  const hub = new MemoryEventHub();
  const bus = new MemoryEventBus({
    nodeId: 'receiver',
    hub,
    clock: scheduler.clock,
    scheduler,
    ...options,
  });
  const events: BusEvent[] = [];
  const gaps: BusGap[] = [];
  bus.on('gap', (gap) => gaps.push(gap));
  const inject = (seq: number, incarnation = 1, guildId = GUILD_A): void =>
    hub.publish(guildId, envelopeText({ origin: 'sender', guildId, seq, incarnation, data: seq }));
  const seqs = (): number[] => events.map((event) => event.seq);
  return { bus, hub, scheduler, events, gaps, inject, seqs };
}

describe('MemoryEventBus', () => {
  it('delivers synchronously: handlers have run when publish() returns', () => {
    const bus = new MemoryEventBus({ nodeId: 'a' });
    const events: BusEvent[] = [];
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    void bus.publish(GUILD_A, 'X', 1);
    expect(events.map((event) => event.data)).toEqual([1]);
  });

  it('queues a publish made inside a handler behind the delivery in progress', async () => {
    const bus = new MemoryEventBus({ nodeId: 'a' });
    const second: number[] = [];
    await bus.subscribe(GUILD_A, (event) => {
      if (event.seq === 1) void bus.publish(GUILD_A, 'X', 2);
    });
    await bus.subscribe(GUILD_A, (event) => second.push(event.seq));
    await bus.publish(GUILD_A, 'X', 1);
    expect(second).toEqual([1, 2]);
  });

  it('hands handlers a parsed copy, never the publisher’s object', async () => {
    const bus = new MemoryEventBus({ nodeId: 'a' });
    const data = { nested: { n: 1 } };
    let received: unknown;
    await bus.subscribe(GUILD_A, (event) => {
      received = event.data;
    });
    await bus.publish(GUILD_A, 'X', data);
    expect(received).toEqual(data);
    expect(received).not.toBe(data);
  });

  it('holds an early event until the missing one arrives, then delivers in order', () => {
    const { bus, events, gaps, inject, seqs } = receiver();
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(3);
    expect(seqs()).toEqual([1]);
    expect(bus.stats().buffered).toBe(1);
    inject(2);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(gaps).toEqual([]);
    expect(bus.stats().buffered).toBe(0);
  });

  it('reports a gap once the reorder window passes and delivers what was held', () => {
    const { bus, scheduler, events, gaps, inject, seqs } = receiver({ reorderWindowMs: 1000 });
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(3);
    scheduler.advance(500);
    inject(5);
    scheduler.advance(499);
    expect(seqs()).toEqual([1]);
    scheduler.advance(1);
    expect(gaps).toEqual([
      {
        guildId: GUILD_A,
        origin: 'sender',
        incarnation: 1,
        fromSeq: 2,
        toSeq: 2,
        reason: 'timeout',
      },
    ]);
    expect(seqs()).toEqual([1, 3]);
    scheduler.advance(500);
    expect(gaps.map((gap) => [gap.fromSeq, gap.toSeq])).toEqual([
      [2, 2],
      [4, 4],
    ]);
    expect(seqs()).toEqual([1, 3, 5]);
    inject(2);
    expect(seqs()).toEqual([1, 3, 5]);
    expect(bus.stats()).toMatchObject({ gaps: 2, missed: 2, duplicates: 1, buffered: 0 });
    expect(scheduler.pendingCount).toBe(0);
  });

  it('skips at once when a stream holds more than maxBufferedPerStream', () => {
    const { bus, events, gaps, inject, seqs } = receiver({ maxBufferedPerStream: 2 });
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(4);
    inject(5);
    expect(seqs()).toEqual([1]);
    inject(7);
    expect(gaps.map((gap) => [gap.fromSeq, gap.toSeq, gap.reason])).toEqual([[2, 3, 'overflow']]);
    expect(seqs()).toEqual([1, 4, 5]);
    expect(bus.stats().buffered).toBe(1);
  });

  it('lets a greater incarnation supersede a stream and drops a smaller one as stale', () => {
    const { bus, events, gaps, inject } = receiver();
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1, 5);
    inject(3, 5);
    inject(1, 6);
    expect(gaps.map((gap) => [gap.incarnation, gap.fromSeq, gap.reason])).toEqual([
      [5, 2, 'superseded'],
    ]);
    inject(4, 5);
    inject(2, 6);
    expect(events.map((event) => [event.incarnation, event.seq])).toEqual([
      [5, 1],
      [5, 3],
      [6, 1],
      [6, 2],
    ]);
    expect(bus.stats().duplicates).toBe(1);
  });

  it('starts a stream at the first event it sees when it joins mid-stream', () => {
    const { bus, events, inject, seqs } = receiver();
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(7);
    inject(8);
    expect(seqs()).toEqual([7, 8]);
  });

  it('keeps streams of different guilds and origins apart', () => {
    const { bus, events, hub, inject } = receiver();
    void bus.subscribe('*', (event) => events.push(event));
    inject(1, 1, GUILD_A);
    inject(3, 1, GUILD_B);
    hub.publish(GUILD_A, envelopeText({ origin: 'other', guildId: GUILD_A, seq: 9 }));
    inject(2, 1, GUILD_A);
    expect(events.map((event) => `${event.origin}/${event.guildId}/${event.seq}`)).toEqual([
      `sender/${GUILD_A}/1`,
      `sender/${GUILD_B}/3`,
      `other/${GUILD_A}/9`,
      `sender/${GUILD_A}/2`,
    ]);
  });

  it('forgets held events of a guild nobody listens to any more', async () => {
    const { bus, scheduler, events, gaps, inject } = receiver();
    const subscription = await bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(3);
    await subscription.unsubscribe();
    expect(bus.stats().buffered).toBe(0);
    scheduler.advance(5_000);
    expect(gaps).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('drops held events and timers on close', async () => {
    const { bus, scheduler, events, inject } = receiver();
    await bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(3);
    await bus.close();
    expect(scheduler.pendingCount).toBe(0);
    inject(2);
    expect(events).toHaveLength(1);
  });

  it('measures lag as receive time minus publish time, including time held', () => {
    const { bus, scheduler, hub, events } = receiver({ reorderWindowMs: 100 });
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    scheduler.advance(1_000);
    const send = (seq: number, publishedAt: number): void =>
      hub.publish(GUILD_A, envelopeText({ origin: 's', guildId: GUILD_A, seq, publishedAt }));
    send(1, 990);
    expect(bus.lagMs).toBe(10);
    send(3, 995);
    scheduler.advance(100);
    expect(bus.lagMs).toBe(105);
    expect(bus.stats().lagMs).toBe(105);
  });

  it('stamps publishedAt from its clock and takes the incarnation it is given', async () => {
    const scheduler = new ManualScheduler();
    scheduler.clock.set(42_000);
    const bus = new MemoryEventBus({ nodeId: 'a', clock: scheduler.clock, incarnation: 7 });
    const events: BusEvent[] = [];
    await bus.subscribe(GUILD_A, (event) => events.push(event));
    await bus.publish(GUILD_A, 'X', null);
    expect(events[0]).toMatchObject({ publishedAt: 42_000, incarnation: 7, data: null });
  });

  it('gives each default incarnation a greater value, even within one millisecond', () => {
    const scheduler = new ManualScheduler();
    const first = new MemoryEventBus({ nodeId: 'a', clock: scheduler.clock });
    const second = new MemoryEventBus({ nodeId: 'a', clock: scheduler.clock });
    expect(second.incarnation).toBeGreaterThan(first.incarnation);
  });

  it('reports a throwing gap listener as listenerError and goes on', () => {
    const { bus, scheduler, events, inject, seqs } = receiver();
    const reported: unknown[] = [];
    bus.on('gap', () => {
      throw new Error('listener bug');
    });
    bus.on('listenerError', (error) => reported.push(error));
    void bus.subscribe(GUILD_A, (event) => events.push(event));
    inject(1);
    inject(3);
    scheduler.advance(1_000);
    expect(seqs()).toEqual([1, 3]);
    expect(reported).toHaveLength(1);
  });

  it.each([
    ['an empty nodeId', { nodeId: '' }],
    ['a negative incarnation', { nodeId: 'a', incarnation: -1 }],
    ['a fractional incarnation', { nodeId: 'a', incarnation: 1.5 }],
    ['a negative reorder window', { nodeId: 'a', reorderWindowMs: -1 }],
    ['a NaN reorder window', { nodeId: 'a', reorderWindowMs: Number.NaN }],
    ['a zero stream bound', { nodeId: 'a', maxBufferedPerStream: 0 }],
  ])('rejects %s with GK_GATEWAY_INVALID_OPTION', (_, options) => {
    const build = (): MemoryEventBus => new MemoryEventBus(options);
    expect(build).toThrow(GatewayError);
    expect(build).toThrow(expect.objectContaining({ code: GatewayErrorCode.InvalidOption }));
  });
});
