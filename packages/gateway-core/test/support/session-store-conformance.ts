import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, GatewayErrorCode } from '../../src/errors.js';
import type { SessionStateInit, SessionStore } from '../../src/resume/session-store.js';
import { SessionStoreError, SessionStoreErrorCode } from '../../src/resume/session-store-error.js';

/** What the conformance suite needs from one backend. */
export interface SessionStoreHarness {
  /**
   * Opens a store: one "node". Every store a harness opens shares one backend, so a session
   * one of them writes is readable by the others.
   */
  open(options: { capacity: number; ttlMs: number }): Promise<SessionStore>;
  /** The current time on the stores' clock (ms). */
  now(): number;
  /** Lets `ms` pass on the stores' clock: a manual clock, or real time for a real service. */
  elapse(ms: number): Promise<void>;
  /** Closes what the harness opened and removes what it stored. */
  teardown(): Promise<void>;
}

/** How the suite is tuned per backend. */
export interface SessionStoreSuiteOptions {
  /** A resume window short enough to wait out in a test. */
  readonly shortTtlMs: number;
  /** How long after `shortTtlMs` the backend may take to drop an expired session. */
  readonly expiryGraceMs: number;
  /** How far a reported `expiresAtMs` may be from `now + ttlMs` (clocks, round trips). */
  readonly deadlineToleranceMs: number;
}

const LONG_TTL_MS = 60_000;

/** A frame with multi-byte text and spaces, so encodings are tested too. */
export function frameOf(sessionId: string, seq: number): string {
  return `{"op":0,"t":"MESSAGE_CREATE","s":${seq},"d":{"session":"${sessionId}","content":"héllo wörld 🎉 ${seq}"}}`;
}

function initOf(sessionId: string): SessionStateInit {
  return { sessionId, userId: '80351110224678912', shard: [3, 16], intents: 33281 };
}

async function appendRange(
  store: SessionStore,
  sessionId: string,
  from: number,
  to: number,
): Promise<void> {
  const appends = [];
  for (let seq = from; seq <= to; seq++)
    appends.push({ sessionId, seq, frame: frameOf(sessionId, seq) });
  await store.appendMany(appends);
}

function framesBetween(sessionId: string, after: number, last: number): string[] {
  const frames = [];
  for (let seq = after + 1; seq <= last; seq++) frames.push(frameOf(sessionId, seq));
  return frames;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof GatewayError || error instanceof SessionStoreError).toBe(true);
    return (error as GatewayError | SessionStoreError).code;
  }
  throw new Error('expected a rejection');
}

/**
 * The behaviour every `SessionStore` adapter must have.
 *
 * @param name - the adapter, for the suite's title.
 * @param makeHarness - a fresh harness (own namespace) per test.
 * @param options - timing of the backend.
 */
export function describeSessionStoreConformance(
  name: string,
  makeHarness: () => SessionStoreHarness,
  options: SessionStoreSuiteOptions,
): void {
  describe(`${name} (SessionStore conformance)`, () => {
    let harness: SessionStoreHarness;
    const id = (): string => `session-${randomUUID()}`;

    beforeEach(() => {
      harness = makeHarness();
    });

    afterEach(async () => {
      await harness.teardown();
    });

    it('creates a session whose state loads with lastSeq 0 and a deadline ttl ahead', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      const state = await store.load(sessionId);
      expect(state).toMatchObject({ ...initOf(sessionId), lastSeq: 0 });
      expect(state?.shard).toEqual([3, 16]);
      const expected = harness.now() + LONG_TTL_MS;
      expect(Math.abs((state?.expiresAtMs ?? 0) - expected)).toBeLessThanOrEqual(
        options.deadlineToleranceMs,
      );
      expect(store.capacity).toBe(10);
      expect(store.ttlMs).toBe(LONG_TTL_MS);
      expect(await store.since(sessionId, 0)).toEqual([]);
    });

    it('knows nothing of a session never created', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      expect(await store.load(sessionId)).toBeUndefined();
      expect(await store.since(sessionId, 0)).toBeUndefined();
      expect(await store.touch(sessionId)).toBe(false);
      expect(await store.delete(sessionId)).toBe(false);
      expect(await codeOf(store.append(sessionId, 1, 'x'))).toBe(
        SessionStoreErrorCode.UnknownSession,
      );
    });

    it('returns exactly the missed frames from every position of the window', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      await store.append(sessionId, 1, frameOf(sessionId, 1));
      await appendRange(store, sessionId, 2, 7);
      expect((await store.load(sessionId))?.lastSeq).toBe(7);
      for (let seq = 0; seq <= 7; seq++) {
        expect(await store.since(sessionId, seq)).toEqual(framesBetween(sessionId, seq, 7));
      }
      for (const bad of [8, 100, -1, 2.5, Number.NaN]) {
        expect(await store.since(sessionId, bad)).toBeUndefined();
      }
    });

    it('answers undefined once the frames after seq fell out of the window', async () => {
      const store = await harness.open({ capacity: 5, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      await appendRange(store, sessionId, 1, 12);
      for (let seq = 7; seq <= 12; seq++) {
        expect(await store.since(sessionId, seq)).toEqual(framesBetween(sessionId, seq, 12));
      }
      for (let seq = 0; seq <= 6; seq++) expect(await store.since(sessionId, seq)).toBeUndefined();
      await appendRange(store, sessionId, 13, 40);
      expect(await store.since(sessionId, 35)).toEqual(framesBetween(sessionId, 35, 40));
      expect(await store.since(sessionId, 34)).toBeUndefined();
    });

    it('rejects a seq that is not lastSeq + 1 and keeps what it had', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      await appendRange(store, sessionId, 1, 3);
      for (const seq of [3, 5, 1, 0, -1, 4.5]) {
        expect(await codeOf(store.append(sessionId, seq, 'wrong'))).toBe(
          GatewayErrorCode.InvalidSequence,
        );
      }
      expect(await store.since(sessionId, 0)).toEqual(framesBetween(sessionId, 0, 3));
      await store.append(sessionId, 4, frameOf(sessionId, 4));
      expect(await store.since(sessionId, 0)).toEqual(framesBetween(sessionId, 0, 4));
    });

    it('appends a tick of many sessions; a bad session fails alone and whole', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const [a, b, c] = [id(), id(), id()];
      for (const sessionId of [a, b, c]) await store.create(initOf(sessionId));
      await appendRange(store, b, 1, 2);
      const tick = [
        { sessionId: a, seq: 1, frame: frameOf(a, 1) },
        { sessionId: b, seq: 3, frame: frameOf(b, 3) },
        { sessionId: c, seq: 1, frame: frameOf(c, 1) },
        { sessionId: a, seq: 2, frame: frameOf(a, 2) },
        { sessionId: c, seq: 3, frame: frameOf(c, 3) },
        { sessionId: b, seq: 4, frame: frameOf(b, 4) },
      ];
      expect(await codeOf(store.appendMany(tick))).toBe(GatewayErrorCode.InvalidSequence);
      expect(await store.since(a, 0)).toEqual(framesBetween(a, 0, 2));
      expect(await store.since(b, 0)).toEqual(framesBetween(b, 0, 4));
      expect(await store.since(c, 0)).toEqual([]);
      expect((await store.load(c))?.lastSeq).toBe(0);
      await store.appendMany([]);
    });

    it('forgets a deleted session and its frames; create replaces a session', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      await appendRange(store, sessionId, 1, 3);
      await store.create({ ...initOf(sessionId), intents: 1 });
      expect(await store.load(sessionId)).toMatchObject({ lastSeq: 0, intents: 1 });
      expect(await store.since(sessionId, 0)).toEqual([]);
      await appendRange(store, sessionId, 1, 2);
      expect(await store.since(sessionId, 0)).toEqual(framesBetween(sessionId, 0, 2));
      expect(await store.delete(sessionId)).toBe(true);
      expect(await store.load(sessionId)).toBeUndefined();
      expect(await store.since(sessionId, 0)).toBeUndefined();
      expect(await store.delete(sessionId)).toBe(false);
      expect(await codeOf(store.append(sessionId, 3, 'x'))).toBe(
        SessionStoreErrorCode.UnknownSession,
      );
    });

    it('expires a session nobody writes for ttlMs; touch and append keep it', async () => {
      const ttlMs = options.shortTtlMs;
      const store = await harness.open({ capacity: 10, ttlMs });
      const [kept, abandoned] = [id(), id()];
      await store.create(initOf(kept));
      await store.create(initOf(abandoned));
      await appendRange(store, abandoned, 1, 2);
      await harness.elapse(ttlMs * 0.6);
      expect(await store.touch(kept)).toBe(true);
      await harness.elapse(ttlMs * 0.6);
      expect(await store.load(kept)).toMatchObject({ lastSeq: 0 });
      await appendRange(store, kept, 1, 1);
      await harness.elapse(ttlMs * 0.6);
      expect(await store.since(kept, 0)).toEqual(framesBetween(kept, 0, 1));
      await harness.elapse(options.expiryGraceMs);
      expect(await store.load(abandoned)).toBeUndefined();
      expect(await store.since(abandoned, 0)).toBeUndefined();
      expect(await store.touch(abandoned)).toBe(false);
      expect(await codeOf(store.append(abandoned, 3, 'x'))).toBe(
        SessionStoreErrorCode.UnknownSession,
      );
      await harness.elapse(ttlMs);
      expect(await store.load(kept)).toBeUndefined();
    });

    it('lets a second node resume what the first appended, and fences the first', async () => {
      const first = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const second = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await first.create(initOf(sessionId));
      await appendRange(first, sessionId, 1, 5);
      expect(await second.load(sessionId)).toMatchObject({ ...initOf(sessionId), lastSeq: 5 });
      expect(await second.since(sessionId, 2)).toEqual(framesBetween(sessionId, 2, 5));
      await appendRange(second, sessionId, 6, 8);
      expect(await first.since(sessionId, 0)).toEqual(framesBetween(sessionId, 0, 8));
      expect(await codeOf(first.append(sessionId, 6, 'stale'))).toBe(
        GatewayErrorCode.InvalidSequence,
      );
      await first.append(sessionId, 9, frameOf(sessionId, 9));
      expect(await second.since(sessionId, 7)).toEqual(framesBetween(sessionId, 7, 9));
      expect(await second.delete(sessionId)).toBe(true);
      expect(await first.load(sessionId)).toBeUndefined();
    });

    it('rejects every call after close with GK_GATEWAY_CLOSED', async () => {
      const store = await harness.open({ capacity: 10, ttlMs: LONG_TTL_MS });
      const sessionId = id();
      await store.create(initOf(sessionId));
      await store.close();
      for (const call of [
        () => store.create(initOf(sessionId)),
        () => store.load(sessionId),
        () => store.append(sessionId, 1, 'x'),
        () => store.since(sessionId, 0),
        () => store.touch(sessionId),
        () => store.delete(sessionId),
      ]) {
        expect(await codeOf(call())).toBe(GatewayErrorCode.Closed);
      }
    });

    it('refuses a capacity or ttl out of range', async () => {
      expect(await codeOf(harness.open({ capacity: 0, ttlMs: 1000 }))).toBe(
        GatewayErrorCode.InvalidOption,
      );
      expect(await codeOf(harness.open({ capacity: 10, ttlMs: 0 }))).toBe(
        GatewayErrorCode.InvalidOption,
      );
    });
  });
}
