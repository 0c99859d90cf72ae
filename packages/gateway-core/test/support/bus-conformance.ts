import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusEvent, EventBus, EventBusOptions } from '../../src/bus/index.js';
import { GatewayError, GatewayErrorCode } from '../../src/errors.js';

/** What the conformance suite needs from one transport. */
export interface BusHarness {
  /** A bus for one "node"; every bus of a harness shares one transport (hub, server). */
  node(nodeId: string, options?: Partial<EventBusOptions>): Promise<EventBus>;
  /** Puts a raw message on a guild's subject, past every bus. */
  inject(guildId: string, text: string): Promise<void>;
  /** Closes every bus and connection the harness made. */
  teardown(): Promise<void>;
}

export const GUILD_A = '81384788765712384';
export const GUILD_B = '41771983423143937';

/**
 * Polls until `check` holds (deliveries over a network are asynchronous).
 *
 * @param check - the condition.
 * @param timeoutMs - how long to wait before failing.
 */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A raw envelope as a foreign publisher would write it. */
export function envelopeText(fields: {
  origin: string;
  guildId: string;
  seq: number;
  incarnation?: number;
  event?: string;
  publishedAt?: number;
  data?: unknown;
}): string {
  return JSON.stringify({
    v: 1,
    origin: fields.origin,
    incarnation: fields.incarnation ?? 1,
    guildId: fields.guildId,
    seq: fields.seq,
    event: fields.event ?? 'TEST',
    publishedAt: fields.publishedAt ?? 0,
    data: fields.data ?? null,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return (error as GatewayError).code;
  }
  throw new Error('expected a rejection');
}

function recorder(): { events: BusEvent[]; handler: (event: BusEvent) => void } {
  const events: BusEvent[] = [];
  return { events, handler: (event) => events.push(event) };
}

/**
 * The behaviour every {@link EventBus} adapter shares, run against one transport.
 *
 * @param name - the adapter's name, for the describe block.
 * @param makeHarness - builds a fresh harness per test.
 */
export function describeEventBusConformance(
  name: string,
  makeHarness: () => BusHarness | Promise<BusHarness>,
): void {
  describe(`${name}: EventBus conformance`, () => {
    let harness: BusHarness;

    beforeEach(async () => {
      harness = await makeHarness();
    });

    afterEach(async () => {
      await harness.teardown();
    });

    it('delivers a published event to another node with its envelope', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const { events, handler } = recorder();
      await b.subscribe(GUILD_A, handler);
      const seq = await a.publish(GUILD_A, 'MESSAGE_CREATE', { content: 'hi', n: [1, null] });
      expect(seq).toBe(1);
      await until(() => events.length === 1);
      expect(events[0]).toMatchObject({
        origin: 'node-a',
        incarnation: a.incarnation,
        guildId: GUILD_A,
        seq: 1,
        event: 'MESSAGE_CREATE',
        data: { content: 'hi', n: [1, null] },
      });
      expect(typeof events[0]!.publishedAt).toBe('number');
    });

    it("delivers a node's own events to it when it subscribes", async () => {
      const a = await harness.node('node-a');
      const { events, handler } = recorder();
      await a.subscribe(GUILD_A, handler);
      await a.publish(GUILD_A, 'GUILD_UPDATE', { name: 'x' });
      await until(() => events.length === 1);
      expect(events[0]!.origin).toBe('node-a');
    });

    it("delivers only the subscribed guild, and '*' receives every guild", async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const onlyA = recorder();
      const every = recorder();
      await b.subscribe(GUILD_A, onlyA.handler);
      await b.subscribe('*', every.handler);
      await a.publish(GUILD_B, 'X', 1);
      await a.publish(GUILD_A, 'X', 2);
      await until(() => every.events.length === 2 && onlyA.events.length === 1);
      expect(every.events.map((event) => event.guildId)).toEqual([GUILD_B, GUILD_A]);
      expect(onlyA.events.map((event) => event.data)).toEqual([2]);
    });

    it('keeps the order of 10,000 events of one guild across two nodes, each once', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const exact = recorder();
      const every = recorder();
      await b.subscribe(GUILD_A, exact.handler);
      // The same events arrive twice on b (its guild subscription and its wildcard one).
      await b.subscribe('*', every.handler);
      const published: Promise<number>[] = [];
      for (let i = 0; i < 10_000; i++) {
        published.push(a.publish(GUILD_A, 'MESSAGE_CREATE', { i }));
        if (i % 10 === 0) published.push(a.publish(GUILD_B, 'TYPING_START', { i }));
      }
      await Promise.all(published);
      await until(() => exact.events.length === 10_000 && every.events.length === 11_000);
      expect(exact.events.map((event) => event.seq)).toEqual(
        Array.from({ length: 10_000 }, (_, i) => i + 1),
      );
      expect(exact.events.every((event, i) => (event.data as { i: number }).i === i)).toBe(true);
      const guildB = every.events.filter((event) => event.guildId === GUILD_B);
      expect(guildB.map((event) => event.seq)).toEqual(
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      const stats = b.stats();
      expect(stats).toMatchObject({ delivered: 11_000, gaps: 0, missed: 0, buffered: 0 });
      expect(stats.duplicates).toBe(10_000);
      expect(a.stats().published).toBe(11_000);
    });

    it('stops a handler on unsubscribe and keeps the other subscriptions', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const gone = recorder();
      const kept = recorder();
      const subscription = await b.subscribe(GUILD_A, gone.handler);
      await b.subscribe(GUILD_B, kept.handler);
      await a.publish(GUILD_A, 'X', 'before');
      await until(() => gone.events.length === 1);
      await subscription.unsubscribe();
      await subscription.unsubscribe();
      await a.publish(GUILD_A, 'X', 'after');
      await a.publish(GUILD_B, 'X', 'sentinel');
      // One publisher connection, one subscriber connection: the sentinel comes last.
      await until(() => kept.events.length === 1);
      expect(gone.events.map((event) => event.data)).toEqual(['before']);
      expect(subscription.selector).toBe(GUILD_A);
    });

    it('rejects publish and subscribe with GK_GATEWAY_CLOSED after close; other nodes go on', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const c = await harness.node('node-c');
      const onB = recorder();
      const onC = recorder();
      await b.subscribe(GUILD_A, onB.handler);
      await c.subscribe(GUILD_A, onC.handler);
      await b.close();
      await b.close();
      expect(b.closed).toBe(true);
      expect(await codeOf(b.publish(GUILD_A, 'X', 1))).toBe(GatewayErrorCode.Closed);
      expect(await codeOf(b.subscribe(GUILD_A, () => {}))).toBe(GatewayErrorCode.Closed);
      await a.publish(GUILD_A, 'X', 1);
      await until(() => onC.events.length === 1);
      expect(onB.events).toEqual([]);
    });

    it('rejects malformed input with GK_GATEWAY_INVALID_PAYLOAD and keeps its sequence', async () => {
      const a = await harness.node('node-a');
      const cyclic: { self?: unknown } = {};
      cyclic.self = cyclic;
      for (const guildId of ['', 'abc', '-1', '1.5', '01', '18446744073709551616']) {
        expect(await codeOf(a.publish(guildId, 'X', 1))).toBe(GatewayErrorCode.InvalidPayload);
      }
      expect(await codeOf(a.publish(GUILD_A, '', 1))).toBe(GatewayErrorCode.InvalidPayload);
      for (const data of [1n, cyclic, undefined, () => 1]) {
        expect(await codeOf(a.publish(GUILD_A, 'X', data))).toBe(GatewayErrorCode.InvalidPayload);
      }
      for (const selector of ['', 'abc', '>', '1*', `${GUILD_A}.x`]) {
        expect(await codeOf(a.subscribe(selector, () => {}))).toBe(GatewayErrorCode.InvalidPayload);
      }
      expect(await a.publish(GUILD_A, 'X', 1)).toBe(1);
      expect(a.stats().published).toBe(1);
    });

    it('reports a malformed message on a guild subject and keeps delivering', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const { events, handler } = recorder();
      const malformed: GatewayError[] = [];
      b.on('malformed', (error) => malformed.push(error));
      await b.subscribe(GUILD_A, handler);
      await harness.inject(GUILD_A, 'not json');
      await harness.inject(GUILD_A, '{"v":2}');
      await harness.inject(GUILD_A, envelopeText({ origin: 'x', guildId: GUILD_A, seq: 0 }));
      await harness.inject(GUILD_A, envelopeText({ origin: '', guildId: GUILD_A, seq: 1 }));
      await a.publish(GUILD_A, 'X', 'valid');
      await until(() => events.length === 1);
      expect(malformed.map((error) => error.code)).toEqual(
        Array(4).fill(GatewayErrorCode.InvalidPayload),
      );
      expect(b.stats().malformed).toBe(4);
      expect(events[0]!.data).toBe('valid');
    });

    it('contains a throwing handler: listenerError, and the next handler still runs', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const failure = new Error('handler bug');
      const reported: unknown[] = [];
      b.on('listenerError', (error) => reported.push(error));
      const { events, handler } = recorder();
      await b.subscribe(GUILD_A, () => {
        throw failure;
      });
      await b.subscribe(GUILD_A, handler);
      await a.publish(GUILD_A, 'X', 1);
      await a.publish(GUILD_A, 'X', 2);
      await until(() => events.length === 2);
      expect(reported).toEqual([failure, failure]);
    });

    it('exposes the publish-to-delivery lag and counters', async () => {
      const a = await harness.node('node-a');
      const b = await harness.node('node-b');
      const { events, handler } = recorder();
      await b.subscribe(GUILD_A, handler);
      await a.publish(GUILD_A, 'X', 1);
      await until(() => events.length === 1);
      expect(b.lagMs).toBeGreaterThanOrEqual(0);
      expect(b.lagMs).toBeLessThan(5_000);
      expect(b.stats()).toMatchObject({ delivered: 1, published: 0, lagMs: b.lagMs });
    });

    it('starts a new stream when a node restarts with a greater incarnation', async () => {
      const first = await harness.node('node-a', { incarnation: 10 });
      const b = await harness.node('node-b');
      const { events, handler } = recorder();
      await b.subscribe(GUILD_A, handler);
      for (let i = 0; i < 3; i++) await first.publish(GUILD_A, 'X', i);
      await until(() => events.length === 3);
      await first.close();
      const restarted = await harness.node('node-a', { incarnation: 11 });
      await restarted.publish(GUILD_A, 'X', 'again');
      await until(() => events.length === 4);
      expect(events.map((event) => [event.incarnation, event.seq])).toEqual([
        [10, 1],
        [10, 2],
        [10, 3],
        [11, 1],
      ]);
      expect(b.stats().duplicates).toBe(0);
    });
  });
}
