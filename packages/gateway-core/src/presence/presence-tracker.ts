import type { Clock, Scheduler } from '@guildkit/snowflake';
import {
  type GatewayActivity,
  type GatewayActivityUpdateData,
  type GatewayPresenceUpdateDispatchData,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import { EventEmitter } from 'eventemitter3';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import { FrameRateLimiter } from '../frame-rate-limiter.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from '../internal/system-time.js';
import { aggregatePresence, visiblePresenceEquals } from './aggregate-presence.js';
import { PresenceError, PresenceErrorCode } from './presence-error.js';
import {
  MemoryPresenceStore,
  type PresenceStore,
  type StoredSessionPresence,
} from './presence-store.js';
import {
  OFFLINE_PRESENCE,
  type PresenceDevice,
  type PresenceUpdate,
  type SessionPresence,
  type VisiblePresence,
} from './presence-types.js';
import { TypingThrottle } from './typing-throttle.js';
import { validatePresenceUpdate } from './validate-presence-update.js';

/** Options for {@link PresenceTracker}. */
export interface PresenceTrackerOptions {
  /**
   * The guilds whose members see `userId`'s presence, among those this node serves (a
   * PRESENCE_UPDATE is produced per guild).
   */
  readonly guildIdsOf: (userId: string) => Iterable<string>;
  /** Where session presences live; share one store between nodes. @defaultValue a {@link MemoryPresenceStore} on `clock` */
  readonly store?: PresenceStore;
  /** How long changes are collected before a guild's batch is flushed. @defaultValue 5000 */
  readonly batchMs?: number;
  /** How long a session lives without {@link PresenceTracker.touch}. @defaultValue 82500 (2 × the 41250 ms heartbeat) */
  readonly ttlMs?: number;
  /** PRESENCE_UPDATEs one session may send per `presenceWindowMs`. @defaultValue 5 */
  readonly presenceLimit?: number;
  /** The window of `presenceLimit`. @defaultValue 60000 */
  readonly presenceWindowMs?: number;
  /** Shortest gap between two TYPING_STARTs of a user in a channel. @defaultValue 5000 */
  readonly typingIntervalMs?: number;
  /** The time source. @defaultValue the system clock */
  readonly clock?: Clock;
  /** The timer source for batches and expiry checks. @defaultValue Node's timers */
  readonly scheduler?: Scheduler;
}

/**
 * Defaults of {@link PresenceTrackerOptions}. `presenceLimit` / `presenceWindowMs` follow the
 * limit Discord documented for status updates ("5 times per minute"); the 120-per-60-s budget
 * of all frames ({@link FrameRateLimiter}) applies on top.
 *
 * @example
 * ```ts
 * import { DEFAULT_PRESENCE_TRACKER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_PRESENCE_TRACKER_OPTIONS.batchMs; // 5000
 * ```
 */
export const DEFAULT_PRESENCE_TRACKER_OPTIONS = {
  batchMs: 5000,
  ttlMs: 2 * 41_250,
  presenceLimit: 5,
  presenceWindowMs: 60_000,
  typingIntervalMs: 5000,
} as const;

/** The events of a {@link PresenceTracker}. */
export interface PresenceTrackerEvents {
  /** A guild's batch: one PRESENCE_UPDATE per member whose visible presence changed. */
  presenceUpdate: [guildId: string, updates: GatewayPresenceUpdateDispatchData[]];
  /** A background store read failed (`GK_GATEWAY_PRESENCE_STORE_FAILED`, the store's error as `cause`). */
  error: [error: PresenceError];
  /**
   * A `presenceUpdate` listener threw `error`; the batch counts as delivered and the tracker
   * goes on (the flush runs on a timer, where a throw would otherwise crash the process).
   */
  listenerError: [error: unknown];
}

/** What {@link PresenceTracker.connect} needs to know about a new session. */
export interface PresenceSessionInit {
  /** The gateway session's id. */
  readonly sessionId: string;
  /** Its user. */
  readonly userId: string;
  /** Its platform. */
  readonly device: PresenceDevice;
  /** IDENTIFY's `presence`, validated. @defaultValue online, no activities */
  readonly presence?: PresenceUpdate;
}

/** The outcome of {@link PresenceTracker.updateFromClient}. */
export type PresenceUpdateResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: PresenceError };

interface LocalSession {
  presence: SessionPresence;
  readonly limiter: FrameRateLimiter;
}

interface UserState {
  latestRead: number;
  cancelRecheck: (() => void) | undefined;
}

const ONLINE: PresenceUpdate = {
  status: PresenceUpdateStatus.Online,
  activities: [],
  afk: false,
  since: null,
};

/** FNV-1a: a short activity id, unique among one user's (deduplicated) activities. */
function activityId(activity: GatewayActivityUpdateData): string {
  const text = `${activity.type}:${activity.name}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `${name} must be a positive finite number, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Discord-style presence, independent of sockets. The server tells it about sessions
 * ({@link connect}, {@link updateFromClient}, {@link touch}, {@link disconnect}); it keeps
 * each session's presence in a {@link PresenceStore} with a time to live, folds a user's
 * sessions into one visible presence ({@link aggregatePresence}), and every `batchMs` emits,
 * per guild, one `presenceUpdate` with a PRESENCE_UPDATE for each member whose visible presence
 * differs from the last one emitted for that guild. Changes inside one batch coalesce: a user
 * who goes offline and back online before the flush produces nothing.
 *
 * Several nodes share presence by sharing a store: every node learns of every put/remove from
 * the store's announcements, and of expiries by re-reading a user when the earliest of their
 * sessions' TTLs runs out. Each node emits for the guilds its `guildIdsOf` returns, to its own
 * sockets.
 *
 * @example
 * ```ts
 * import { PresenceTracker, validatePresenceUpdate } from '@guildkit/gateway-core';
 *
 * const tracker = new PresenceTracker({ guildIdsOf: (userId) => memberships.guildsOf(userId) });
 * tracker.on('presenceUpdate', (guildId, updates) => {
 *   for (const d of updates) server.fanOut.dispatchToGuild(guildId, { t: 'PRESENCE_UPDATE', d });
 * });
 * await tracker.connect({ sessionId, userId, device: 'desktop' }); // on READY
 * await tracker.touch(sessionId); // on every HEARTBEAT
 * const result = await tracker.updateFromClient(sessionId, frame.d); // on op 3
 * if (!result.ok) socket.close(result.error.closeCode, result.error.message);
 * await tracker.disconnect(sessionId); // when the session ends
 * ```
 */
export class PresenceTracker extends EventEmitter<PresenceTrackerEvents> {
  readonly #store: PresenceStore;
  readonly #guildIdsOf: (userId: string) => Iterable<string>;
  readonly #batchMs: number;
  readonly #ttlMs: number;
  readonly #presenceLimit: number;
  readonly #presenceWindowMs: number;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #typing: TypingThrottle;
  readonly #unsubscribe: () => void;
  readonly #local = new Map<string, LocalSession>();
  readonly #users = new Map<string, UserState>();
  readonly #visible = new Map<string, VisiblePresence>();
  readonly #dirty = new Map<string, Set<string>>();
  readonly #flushed = new Map<string, Map<string, VisiblePresence>>();
  readonly #guildTimers = new Map<string, () => void>();
  readonly #guildBatchMs = new Map<string, number>();
  #reads = 0;
  #closed = false;

  /**
   * @param options - membership lookup, store, intervals, clock and scheduler.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when a duration or limit is not positive
   * (`typingIntervalMs` may be 0).
   */
  constructor(options: PresenceTrackerOptions) {
    super();
    const defaults = DEFAULT_PRESENCE_TRACKER_OPTIONS;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.#store = options.store ?? new MemoryPresenceStore({ clock: this.#clock });
    this.#guildIdsOf = options.guildIdsOf;
    this.#batchMs = positive('batchMs', options.batchMs ?? defaults.batchMs);
    this.#ttlMs = positive('ttlMs', options.ttlMs ?? defaults.ttlMs);
    this.#presenceLimit = options.presenceLimit ?? defaults.presenceLimit;
    if (!Number.isSafeInteger(this.#presenceLimit) || this.#presenceLimit < 1) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `presenceLimit must be a positive safe integer, got ${String(this.#presenceLimit)}`,
      );
    }
    this.#presenceWindowMs = positive(
      'presenceWindowMs',
      options.presenceWindowMs ?? defaults.presenceWindowMs,
    );
    this.#typing = new TypingThrottle({
      intervalMs: options.typingIntervalMs ?? defaults.typingIntervalMs,
      clock: this.#clock,
    });
    this.#unsubscribe = this.#store.subscribe((userId) => this.#read(userId));
  }

  /**
   * Registers a session of this node (after READY) and publishes its presence.
   *
   * @param init - the session, its user and platform, and IDENTIFY's validated presence.
   * @returns a promise that resolves once the store holds the presence.
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async connect(init: PresenceSessionInit): Promise<void> {
    const now = this.#clock.now();
    const base: SessionPresence = {
      sessionId: init.sessionId,
      userId: init.userId,
      device: init.device,
      connectedAt: now,
      status: PresenceUpdateStatus.Online,
      activities: [],
      afk: false,
      since: null,
    };
    const presence = this.#withUpdate(base, init.presence ?? ONLINE, now);
    const limiter = new FrameRateLimiter({
      limit: this.#presenceLimit,
      windowMs: this.#presenceWindowMs,
    });
    this.#local.set(init.sessionId, { presence, limiter });
    await this.#put(presence);
  }

  /**
   * Applies a client's PRESENCE_UPDATE (op 3): rate limit, then validation
   * ({@link validatePresenceUpdate}), then the store. Client faults are returned, not thrown.
   *
   * @param sessionId - the session that sent it.
   * @param d - the frame's `d`, as decoded.
   * @returns `{ ok: true }`, or `{ ok: false, error }`: `GK_GATEWAY_PRESENCE_RATE_LIMITED`
   * (close 4008), `GK_GATEWAY_INVALID_PRESENCE` (close 4001) or
   * `GK_GATEWAY_PRESENCE_UNKNOWN_SESSION` (close 4003).
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async updateFromClient(sessionId: string, d: unknown): Promise<PresenceUpdateResult> {
    const local = this.#local.get(sessionId);
    if (local === undefined) {
      return {
        ok: false,
        error: new PresenceError(PresenceErrorCode.UnknownSession, 'unknown session'),
      };
    }
    const now = this.#clock.now();
    if (!local.limiter.tryAcquire(now)) {
      return {
        ok: false,
        error: new PresenceError(
          PresenceErrorCode.PresenceRateLimited,
          'presence updated too often',
        ),
      };
    }
    const validation = validatePresenceUpdate(d);
    if (!validation.ok) return validation;
    local.presence = this.#withUpdate(local.presence, validation.presence, now);
    await this.#put(local.presence);
    return { ok: true };
  }

  /**
   * Reports that a session is alive (call it on every HEARTBEAT): restarts its time to live.
   * A session whose entry already expired (a stalled node) is written again.
   *
   * @param sessionId - the session.
   * @returns `false` when the session is not one of this node's.
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async touch(sessionId: string): Promise<boolean> {
    const local = this.#local.get(sessionId);
    if (local === undefined) return false;
    let alive: boolean;
    try {
      alive = await this.#store.touch(local.presence.userId, sessionId, this.#ttlMs);
    } catch (error) {
      throw this.#storeFailed(error);
    }
    if (!alive && this.#local.get(sessionId) === local) await this.#put(local.presence);
    return true;
  }

  /**
   * Removes a session of this node (it ended, or its resume window closed).
   *
   * @param sessionId - the session.
   * @returns a promise that resolves once the store forgot it; nothing happens for an unknown
   * session.
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async disconnect(sessionId: string): Promise<void> {
    const local = this.#local.get(sessionId);
    if (local === undefined) return;
    this.#local.delete(sessionId);
    try {
      await this.#store.remove(local.presence.userId, sessionId);
    } catch (error) {
      throw this.#storeFailed(error);
    }
  }

  /**
   * Takes over a session that resumed on this node after its connection dropped, possibly on
   * another node: its stored presence (device, status, activities) becomes this node's to
   * refresh. A session whose entry already expired comes back online on `device`.
   *
   * @param sessionId - the resumed session.
   * @param userId - its user.
   * @param device - its platform, used only when the stored entry expired. @defaultValue `'web'`
   * @returns whether the stored entry was still there.
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async resume(
    sessionId: string,
    userId: string,
    device: PresenceDevice = 'web',
  ): Promise<boolean> {
    if (this.#local.has(sessionId)) {
      await this.touch(sessionId);
      return true;
    }
    let stored: StoredSessionPresence[];
    try {
      stored = await this.#store.sessions(userId);
    } catch (error) {
      throw this.#storeFailed(error);
    }
    const found = stored.find((entry) => entry.presence.sessionId === sessionId)?.presence;
    if (found === undefined) {
      await this.connect({ sessionId, userId, device });
      return false;
    }
    const limiter = new FrameRateLimiter({
      limit: this.#presenceLimit,
      windowMs: this.#presenceWindowMs,
    });
    this.#local.set(sessionId, { presence: found, limiter });
    await this.#put(found);
    return true;
  }

  /**
   * Stops holding a session without removing it from the store: its connection dropped and
   * its resume window closed here (it may live on another node, or its entry expires by its
   * TTL). Use {@link disconnect} for a session that ended for good.
   *
   * @param sessionId - the session.
   * @returns whether this node held it.
   */
  release(sessionId: string): boolean {
    return this.#local.delete(sessionId);
  }

  /**
   * Whether a typing trigger becomes a TYPING_START: at most one per user per channel per
   * `typingIntervalMs` (see {@link TypingThrottle}).
   *
   * @param userId - who types.
   * @param channelId - where.
   * @returns `true` when the caller should dispatch TYPING_START.
   */
  typingStart(userId: string, channelId: string): boolean {
    return this.#typing.typingStart(userId, channelId);
  }

  /**
   * A user's current visible presence, read from the store (for READY, GUILD_CREATE and
   * member chunks).
   *
   * @param userId - the user.
   * @returns the aggregate of the user's live sessions.
   * @throws PresenceError `GK_GATEWAY_PRESENCE_STORE_FAILED` (rejection) when the store fails.
   */
  async presenceOf(userId: string): Promise<VisiblePresence> {
    try {
      const stored = await this.#store.sessions(userId);
      return aggregatePresence(stored.map((entry) => entry.presence));
    } catch (error) {
      throw this.#storeFailed(error);
    }
  }

  /**
   * Gives one guild its own batch interval (a shorter tick for the visible members of a large
   * guild), or restores `batchMs`. Applies from the guild's next batch.
   *
   * @param guildId - the guild.
   * @param batchMs - its interval, or `undefined` for the default.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `batchMs` is not positive.
   */
  setGuildBatchMs(guildId: string, batchMs: number | undefined): void {
    if (batchMs === undefined) this.#guildBatchMs.delete(guildId);
    else this.#guildBatchMs.set(guildId, positive('batchMs', batchMs));
  }

  /**
   * Stops listening to the store and cancels every timer; pending batches are dropped. The
   * sessions stay in the store until they expire (as if this node had stopped) or another
   * tracker removes them; the store itself is the caller's to close.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    for (const cancel of this.#guildTimers.values()) cancel();
    for (const state of this.#users.values()) state.cancelRecheck?.();
    this.#guildTimers.clear();
    this.#users.clear();
    this.#dirty.clear();
    this.removeAllListeners();
  }

  #withUpdate(base: SessionPresence, update: PresenceUpdate, now: number): SessionPresence {
    const previous = new Map(base.activities.map((activity) => [activityId(activity), activity]));
    const activities = update.activities.map((activity): GatewayActivity => {
      const id = activityId(activity);
      const kept = previous.get(id);
      return { ...activity, id, created_at: kept?.created_at ?? now };
    });
    return {
      ...base,
      status: update.status,
      activities,
      afk: update.afk,
      since: update.since,
    };
  }

  async #put(presence: SessionPresence): Promise<void> {
    try {
      await this.#store.put(presence, this.#ttlMs);
    } catch (error) {
      throw this.#storeFailed(error);
    }
  }

  #storeFailed(cause: unknown): PresenceError {
    return new PresenceError(PresenceErrorCode.StoreFailed, 'presence store failed', { cause });
  }

  #read(userId: string): void {
    if (this.#closed) return;
    const read = ++this.#reads;
    const state = this.#users.get(userId);
    if (state === undefined)
      this.#users.set(userId, { latestRead: read, cancelRecheck: undefined });
    else state.latestRead = read;
    this.#store.sessions(userId).then(
      (stored) => this.#apply(userId, read, stored),
      (error: unknown) => {
        if (!this.#closed) this.emit('error', this.#storeFailed(error));
      },
    );
  }

  #apply(userId: string, read: number, stored: StoredSessionPresence[]): void {
    const state = this.#users.get(userId);
    if (this.#closed || state === undefined || state.latestRead !== read) return;
    state.cancelRecheck?.();
    state.cancelRecheck = undefined;
    const visible = aggregatePresence(stored.map((entry) => entry.presence));
    if (visible === OFFLINE_PRESENCE) this.#visible.delete(userId);
    else this.#visible.set(userId, visible);
    if (stored.length === 0) this.#users.delete(userId);
    else {
      const nextExpiry = Math.min(...stored.map((entry) => entry.expiresInMs));
      state.cancelRecheck = this.#scheduler.setTimeout(() => this.#read(userId), nextExpiry + 1);
    }
    for (const guildId of this.#guildIdsOf(userId)) this.#markDirty(guildId, userId);
  }

  #markDirty(guildId: string, userId: string): void {
    let dirty = this.#dirty.get(guildId);
    if (dirty === undefined) {
      dirty = new Set();
      this.#dirty.set(guildId, dirty);
    }
    dirty.add(userId);
    if (this.#guildTimers.has(guildId)) return;
    const batchMs = this.#guildBatchMs.get(guildId) ?? this.#batchMs;
    this.#guildTimers.set(
      guildId,
      this.#scheduler.setTimeout(() => this.#flush(guildId), batchMs),
    );
  }

  #flush(guildId: string): void {
    this.#guildTimers.delete(guildId);
    const dirty = this.#dirty.get(guildId);
    this.#dirty.delete(guildId);
    if (dirty === undefined || this.#closed) return;
    const flushed = this.#flushed.get(guildId) ?? new Map<string, VisiblePresence>();
    const updates: GatewayPresenceUpdateDispatchData[] = [];
    for (const userId of dirty) {
      const visible = this.#visible.get(userId) ?? OFFLINE_PRESENCE;
      if (visiblePresenceEquals(visible, flushed.get(userId) ?? OFFLINE_PRESENCE)) continue;
      if (visible === OFFLINE_PRESENCE) flushed.delete(userId);
      else flushed.set(userId, visible);
      updates.push({
        user: { id: userId },
        guild_id: guildId,
        status: visible.status,
        activities: [...visible.activities],
        client_status: { ...visible.client_status },
      });
    }
    if (flushed.size === 0) this.#flushed.delete(guildId);
    else this.#flushed.set(guildId, flushed);
    if (updates.length === 0) return;
    try {
      this.emit('presenceUpdate', guildId, updates);
    } catch (error) {
      this.emit('listenerError', error);
    }
  }
}
