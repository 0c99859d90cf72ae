import type { Clock } from '@guildkit/snowflake';
import { SYSTEM_CLOCK } from '../internal/system-time.js';
import { ReplayBuffer } from '../replay-buffer.js';
import type {
  SessionAppend,
  SessionStateInit,
  SessionStore,
  SessionStoreOptions,
  StoredSessionState,
} from './session-store.js';
import {
  closedError,
  groupAppends,
  resolveSessionStoreOptions,
  type SessionBatch,
  sequenceError,
  unknownSessionError,
} from './session-store-checks.js';

/** Options for {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions extends SessionStoreOptions {
  /** The clock resume deadlines are measured on. @defaultValue the system clock */
  readonly clock?: Clock;
}

interface Entry {
  readonly init: SessionStateInit;
  readonly frames: ReplayBuffer<string>;
  expiresAtMs: number;
}

/**
 * The default {@link SessionStore}: sessions in a `Map` of this process, frames in a
 * `ReplayBuffer` each. It serves one node (or nodes in one process) and never loses an append,
 * but dies with its process.
 *
 * Expiry needs no timer: the ttl is the same for every session, so keeping the map in
 * last-write order (a write moves its entry to the end) keeps it in deadline order, and every
 * call first drops the expired entries at the front — O(1) amortized.
 *
 * @example
 * ```ts
 * import { MemorySessionStore } from '@guildkit/gateway-core';
 *
 * const store = new MemorySessionStore({ capacity: 1000, ttlMs: 180_000 });
 * await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 513 });
 * await store.append('s', 1, '{"op":0,"t":"READY","s":1,"d":{}}');
 * await store.since('s', 0); // ['{"op":0,"t":"READY","s":1,"d":{}}']
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly capacity: number;
  readonly ttlMs: number;
  readonly #clock: Clock;
  readonly #sessions = new Map<string, Entry>();
  #closed = false;

  /**
   * @param options - capacity, resume window and clock.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `capacity` is not a positive safe
   * integer or `ttlMs` not a positive finite number.
   */
  constructor(options: MemorySessionStoreOptions = {}) {
    const { capacity, ttlMs } = resolveSessionStoreOptions(options);
    this.capacity = capacity;
    this.ttlMs = ttlMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** {@inheritDoc SessionStore.create} */
  async create(init: SessionStateInit): Promise<void> {
    this.#live(init.sessionId);
    const { sessionId, userId, shard, intents } = init;
    const entry: Entry = {
      init: { sessionId, userId, shard: [shard[0], shard[1]], intents },
      frames: new ReplayBuffer<string>({ capacity: this.capacity }),
      expiresAtMs: 0,
    };
    this.#sessions.delete(sessionId);
    this.#refresh(entry);
  }

  /** {@inheritDoc SessionStore.load} */
  async load(sessionId: string): Promise<StoredSessionState | undefined> {
    const entry = this.#live(sessionId);
    if (entry === undefined) return undefined;
    return { ...entry.init, lastSeq: entry.frames.lastSeq, expiresAtMs: entry.expiresAtMs };
  }

  /** {@inheritDoc SessionStore.delete} */
  async delete(sessionId: string): Promise<boolean> {
    const entry = this.#live(sessionId);
    return entry !== undefined && this.#sessions.delete(sessionId);
  }

  /** {@inheritDoc SessionStore.touch} */
  async touch(sessionId: string): Promise<boolean> {
    const entry = this.#live(sessionId);
    if (entry === undefined) return false;
    this.#refresh(entry);
    return true;
  }

  /** {@inheritDoc SessionStore.append} */
  async append(sessionId: string, seq: number, frame: string): Promise<void> {
    this.#appendBatch({ sessionId, firstSeq: seq, frames: [frame], error: undefined });
  }

  /** {@inheritDoc SessionStore.appendMany} */
  async appendMany(appends: readonly SessionAppend[]): Promise<void> {
    this.#live(undefined);
    let failure: unknown;
    for (const batch of groupAppends(appends)) {
      try {
        if (batch.error !== undefined) throw batch.error;
        this.#appendBatch(batch);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** {@inheritDoc SessionStore.since} */
  async since(sessionId: string, seq: number): Promise<string[] | undefined> {
    return this.#live(sessionId)?.frames.since(seq);
  }

  /** {@inheritDoc SessionStore.close} */
  async close(): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
  }

  #appendBatch(batch: SessionBatch): void {
    const entry = this.#live(batch.sessionId);
    if (entry === undefined) throw unknownSessionError(batch.sessionId);
    const expected = entry.frames.lastSeq + 1;
    if (batch.firstSeq !== expected) throw sequenceError(batch.sessionId, expected, batch.firstSeq);
    let seq = batch.firstSeq;
    for (const frame of batch.frames) entry.frames.push(seq++, frame);
    this.#refresh(entry);
  }

  /** Drops expired sessions, then returns the live entry of `sessionId` (if any). */
  #live(sessionId: string | undefined): Entry | undefined {
    if (this.#closed) throw closedError('MemorySessionStore');
    const now = this.#clock.now();
    for (const [id, entry] of this.#sessions) {
      if (entry.expiresAtMs > now) break;
      this.#sessions.delete(id);
    }
    if (sessionId === undefined) return undefined;
    const entry = this.#sessions.get(sessionId);
    if (entry === undefined || entry.expiresAtMs <= now) return undefined;
    return entry;
  }

  /** Moves the entry's deadline to `now + ttlMs` and its place to the end of the map. */
  #refresh(entry: Entry): void {
    const id = entry.init.sessionId;
    entry.expiresAtMs = this.#clock.now() + this.ttlMs;
    this.#sessions.delete(id);
    this.#sessions.set(id, entry);
  }
}
