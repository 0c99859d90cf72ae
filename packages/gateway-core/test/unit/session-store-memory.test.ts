import { ManualClock } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../src/resume/memory-session-store.js';
import type { SessionStore } from '../../src/resume/session-store.js';
import { DEFAULT_SESSION_STORE_OPTIONS } from '../../src/resume/session-store.js';
import { describeSessionStoreConformance } from '../support/session-store-conformance.js';

describeSessionStoreConformance(
  'MemorySessionStore',
  () => {
    const clock = new ManualClock(1_700_000_000_000);
    const stores = new Map<string, SessionStore>();
    return {
      async open(options) {
        const key = JSON.stringify(options);
        const store = stores.get(key) ?? new MemorySessionStore({ ...options, clock });
        stores.set(key, store);
        return store;
      },
      now: () => clock.now(),
      async elapse(ms) {
        clock.advance(ms);
      },
      async teardown() {
        for (const store of stores.values()) await store.close();
      },
    };
  },
  { shortTtlMs: 1_000, expiryGraceMs: 0, deadlineToleranceMs: 0 },
);

describe('MemorySessionStore', () => {
  it('defaults to the capacity of ReplayBuffer and a 3-minute window', () => {
    const store = new MemorySessionStore();
    expect(store.capacity).toBe(DEFAULT_SESSION_STORE_OPTIONS.capacity);
    expect(store.ttlMs).toBe(180_000);
  });

  it('expires exactly at the deadline, also after the clock stepped back', async () => {
    const clock = new ManualClock(10_000);
    const store = new MemorySessionStore({ ttlMs: 100, clock });
    await store.create({ sessionId: 'a', userId: 'u', shard: [0, 1], intents: 0 });
    clock.set(5_000);
    await store.create({ sessionId: 'b', userId: 'u', shard: [0, 1], intents: 0 });
    clock.set(5_099);
    expect(await store.load('b')).toMatchObject({ expiresAtMs: 5_100 });
    expect(await store.load('a')).toMatchObject({ expiresAtMs: 10_100 });
    clock.set(5_100);
    expect(await store.load('b')).toBeUndefined();
    expect(await store.load('a')).toBeDefined();
    clock.set(10_100);
    expect(await store.load('a')).toBeUndefined();
  });

  it('keeps a copy of the shard, not the caller’s array', async () => {
    const store = new MemorySessionStore();
    const shard: [number, number] = [1, 2];
    await store.create({ sessionId: 's', userId: 'u', shard, intents: 0 });
    shard[0] = 9;
    expect((await store.load('s'))?.shard).toEqual([1, 2]);
  });
});
