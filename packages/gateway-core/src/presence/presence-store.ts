import type { Clock } from '@guildkit/snowflake';
import { SYSTEM_CLOCK } from '../internal/system-time.js';
import type { SessionPresence } from './presence-types.js';

/** A live session as a {@link PresenceStore} returns it. */
export interface StoredSessionPresence {
  /** The session's presence. */
  readonly presence: SessionPresence;
  /** How long the session lives unless refreshed, in ms (> 0). */
  readonly expiresInMs: number;
}

/**
 * Where the presences of all sessions live, so that several gateway nodes share them. Each
 * session's entry expires `ttlMs` after its last {@link PresenceStore.put} or
 * {@link PresenceStore.touch}; an expired session is as good as removed.
 *
 * Contract for implementations: `put` and `remove` tell every subscriber of every node
 * (including the writer's own) which user changed, after the change is readable; `touch` and
 * expiry tell nobody: readers learn of an expiry by reading after `expiresInMs`.
 *
 * @example
 * ```ts
 * const store: PresenceStore = new MemoryPresenceStore();
 * const unsubscribe = store.subscribe((userId) => console.log(userId, 'changed'));
 * await store.put(presence, 90_000);
 * await store.sessions(presence.userId); // [{ presence, expiresInMs: 90000 }]
 * ```
 */
export interface PresenceStore {
  /**
   * Writes a session's presence and (re)starts its time to live; announces the user.
   *
   * @param presence - the session's presence.
   * @param ttlMs - how long it lives without a refresh.
   */
  put(presence: SessionPresence, ttlMs: number): Promise<void>;
  /**
   * Restarts a live session's time to live. Announces nothing.
   *
   * @param userId - the session's user.
   * @param sessionId - the session.
   * @param ttlMs - how long it lives from now.
   * @returns `false` when the session is unknown or already expired.
   */
  touch(userId: string, sessionId: string, ttlMs: number): Promise<boolean>;
  /**
   * Deletes a session; announces the user.
   *
   * @param userId - the session's user.
   * @param sessionId - the session.
   */
  remove(userId: string, sessionId: string): Promise<void>;
  /**
   * The user's live sessions, in no particular order.
   *
   * @param userId - the user.
   * @returns every session of the user that has not expired.
   */
  sessions(userId: string): Promise<StoredSessionPresence[]>;
  /**
   * Listens for users whose sessions were put or removed, on any node.
   *
   * @param listener - called with the user's id.
   * @returns a function that stops listening.
   */
  subscribe(listener: (userId: string) => void): () => void;
}

/** Options for {@link MemoryPresenceStore}. */
export interface MemoryPresenceStoreOptions {
  /** The clock expiry is measured on. @defaultValue the system clock */
  readonly clock?: Clock;
}

interface MemoryEntry {
  readonly presence: SessionPresence;
  expiresAt: number;
}

/**
 * A {@link PresenceStore} in one process: the single-node default, and what several trackers
 * in one process (tests, an embedded server) can share. Subscribers are told synchronously,
 * inside `put` and `remove`. Expired sessions are pruned when their user is read.
 *
 * @example
 * ```ts
 * import { MemoryPresenceStore, PresenceTracker } from '@guildkit/gateway-core';
 *
 * const tracker = new PresenceTracker({ store: new MemoryPresenceStore(), guildIdsOf });
 * ```
 */
export class MemoryPresenceStore implements PresenceStore {
  readonly #clock: Clock;
  readonly #users = new Map<string, Map<string, MemoryEntry>>();
  readonly #listeners = new Set<(userId: string) => void>();

  /**
   * @param options - the clock.
   */
  constructor(options: MemoryPresenceStoreOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** {@inheritDoc PresenceStore.put} */
  put(presence: SessionPresence, ttlMs: number): Promise<void> {
    let sessions = this.#users.get(presence.userId);
    if (sessions === undefined) {
      sessions = new Map();
      this.#users.set(presence.userId, sessions);
    }
    sessions.set(presence.sessionId, { presence, expiresAt: this.#clock.now() + ttlMs });
    this.#announce(presence.userId);
    return Promise.resolve();
  }

  /** {@inheritDoc PresenceStore.touch} */
  touch(userId: string, sessionId: string, ttlMs: number): Promise<boolean> {
    const now = this.#clock.now();
    const entry = this.#users.get(userId)?.get(sessionId);
    if (entry === undefined || entry.expiresAt <= now) return Promise.resolve(false);
    entry.expiresAt = now + ttlMs;
    return Promise.resolve(true);
  }

  /** {@inheritDoc PresenceStore.remove} */
  remove(userId: string, sessionId: string): Promise<void> {
    const sessions = this.#users.get(userId);
    if (sessions?.delete(sessionId) === true) {
      if (sessions.size === 0) this.#users.delete(userId);
      this.#announce(userId);
    }
    return Promise.resolve();
  }

  /** {@inheritDoc PresenceStore.sessions} */
  sessions(userId: string): Promise<StoredSessionPresence[]> {
    const sessions = this.#users.get(userId);
    if (sessions === undefined) return Promise.resolve([]);
    const now = this.#clock.now();
    const live: StoredSessionPresence[] = [];
    for (const [sessionId, entry] of sessions) {
      if (entry.expiresAt <= now) sessions.delete(sessionId);
      else live.push({ presence: entry.presence, expiresInMs: entry.expiresAt - now });
    }
    if (sessions.size === 0) this.#users.delete(userId);
    return Promise.resolve(live);
  }

  /** {@inheritDoc PresenceStore.subscribe} */
  subscribe(listener: (userId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #announce(userId: string): void {
    for (const listener of [...this.#listeners]) listener(userId);
  }
}
