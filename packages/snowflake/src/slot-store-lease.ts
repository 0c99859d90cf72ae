import type { Clock } from './clock.js';
import { SnowflakeError, SnowflakeErrorCode } from './errors.js';
import { systemClock } from './internal/system.js';
import {
  DEFAULT_WORKER_ID_LEASE_OPTIONS,
  type WorkerIdLease,
  type WorkerIdLeaseOptions,
  type WorkerIdLeaseState,
  type WorkerSlot,
} from './lease.js';

/** The number of (worker, process) slots: 32 * 32. */
const SLOT_COUNT = 1024;

/**
 * The storage a {@link SlotStoreLease} backend provides. Every operation must be atomic and
 * check the token, so that one node can never extend or free another node's slot.
 *
 * @example
 * ```ts
 * // An etcd, ZooKeeper or SQL backend implements these three calls.
 * const store: SlotStore = {
 *   claim: async (slot, token, ttlMs) => myKv.putIfAbsent(keyOf(slot), token, ttlMs),
 *   extend: async (slot, token, ttlMs) => myKv.touchIfEquals(keyOf(slot), token, ttlMs),
 *   free: async (slot, token) => myKv.deleteIfEquals(keyOf(slot), token),
 * };
 * ```
 */
export interface SlotStore {
  /** Sets slot -> token with the TTL only if the slot is free; resolves whether it was set. */
  claim(slot: WorkerSlot, token: string, ttlMs: number): Promise<boolean>;
  /** Resets the TTL only if the slot still holds token; resolves whether it did. */
  extend(slot: WorkerSlot, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes the slot only if it still holds token. */
  free(slot: WorkerSlot, token: string): Promise<void>;
}

function invalidOptions(message: string): SnowflakeError {
  return new SnowflakeError(SnowflakeErrorCode.InvalidLeaseOptions, message);
}

function storeFailed(action: string, cause: unknown): SnowflakeError {
  return new SnowflakeError(
    SnowflakeErrorCode.LeaseStoreFailed,
    `the lease store failed to ${action}`,
    { cause },
  );
}

/**
 * A {@link WorkerIdLease} on any {@link SlotStore}: the state machine every backend shares.
 * One acquisition per lease (slots tried in order, 1024 in all); validity counted from the
 * moment an acquire or renew was *sent*, minus the safety margin; loss on any failed renewal.
 * {@link MemoryWorkerIdLease} and `RedisWorkerIdLease` are this class on their stores.
 *
 * @example
 * ```ts
 * const lease = new SlotStoreLease(myStore, crypto.randomUUID(), { ttlMs: 30_000 });
 * const generator = new SnowflakeGenerator({ ...(await lease.acquire()), lease });
 * ```
 */
export class SlotStoreLease implements WorkerIdLease {
  /** {@inheritDoc WorkerIdLease.ttlMs} */
  readonly ttlMs: number;
  readonly #safetyMarginMs: number;
  readonly #clock: Clock;
  readonly #store: SlotStore;
  readonly #token: string;
  #state: WorkerIdLeaseState = 'idle';
  #slot: WorkerSlot | undefined;
  #validUntil = Number.NEGATIVE_INFINITY;

  /**
   * @param store - the backend.
   * @param token - this lease's unique token (unique across the fleet).
   * @param options - TTL, safety margin and clock.
   * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_LEASE_OPTIONS`.
   */
  constructor(store: SlotStore, token: string, options: WorkerIdLeaseOptions) {
    const {
      ttlMs = DEFAULT_WORKER_ID_LEASE_OPTIONS.ttlMs,
      safetyMarginMs = DEFAULT_WORKER_ID_LEASE_OPTIONS.safetyMarginMs,
      clock = systemClock,
    } = options;
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
      throw invalidOptions(`ttlMs must be a positive integer, got ${String(ttlMs)}`);
    }
    if (!Number.isFinite(safetyMarginMs) || safetyMarginMs < 0 || safetyMarginMs >= ttlMs) {
      throw invalidOptions(
        `safetyMarginMs must be >= 0 and below ttlMs (${ttlMs}), got ${String(safetyMarginMs)}`,
      );
    }
    this.ttlMs = ttlMs;
    this.#safetyMarginMs = safetyMarginMs;
    this.#clock = clock;
    this.#store = store;
    this.#token = token;
  }

  /** {@inheritDoc WorkerIdLease.state} */
  get state(): WorkerIdLeaseState {
    return this.#state;
  }

  /** {@inheritDoc LeaseGuard.slot} */
  get slot(): WorkerSlot | undefined {
    return this.#slot;
  }

  /** {@inheritDoc LeaseGuard.validUntil} */
  get validUntil(): number {
    return this.#validUntil;
  }

  /**
   * {@inheritDoc WorkerIdLease.acquire}
   * @returns the slot now held.
   * @throws SnowflakeError `GK_SNOWFLAKE_NO_FREE_SLOT`, `GK_SNOWFLAKE_LEASE_ALREADY_ACQUIRED`,
   * `GK_SNOWFLAKE_LEASE_STORE_FAILED`.
   */
  async acquire(): Promise<WorkerSlot> {
    if (this.#state !== 'idle') {
      throw new SnowflakeError(
        SnowflakeErrorCode.LeaseAlreadyAcquired,
        `acquire() may be called once per lease (state: ${this.#state}); create a new lease`,
      );
    }
    this.#state = 'acquiring';
    for (let index = 0; index < SLOT_COUNT; index++) {
      const slot: WorkerSlot = { workerId: index >> 5, processId: index & 31 };
      const sentAt = this.#clock.now();
      let claimed: boolean;
      try {
        claimed = await this.#store.claim(slot, this.#token, this.ttlMs);
      } catch (cause) {
        if (this.#currentState() === 'acquiring') this.#state = 'idle';
        throw storeFailed('claim a slot', cause);
      }
      if (this.#currentState() !== 'acquiring') {
        if (claimed) await this.#store.free(slot, this.#token).catch(() => undefined);
        throw new SnowflakeError(
          SnowflakeErrorCode.LeaseNotHeld,
          'the lease was released while acquiring',
        );
      }
      if (claimed) {
        this.#slot = slot;
        this.#state = 'held';
        this.#validUntil = sentAt + this.ttlMs - this.#safetyMarginMs;
        return slot;
      }
    }
    this.#state = 'idle';
    throw new SnowflakeError(
      SnowflakeErrorCode.NoFreeSlot,
      `all ${SLOT_COUNT} (workerId, processId) slots are held by other leases`,
    );
  }

  /**
   * {@inheritDoc WorkerIdLease.renew}
   * @returns when extended.
   * @throws SnowflakeError `GK_SNOWFLAKE_LEASE_LOST`, `GK_SNOWFLAKE_LEASE_NOT_HELD`.
   */
  async renew(): Promise<void> {
    const slot = this.#slot;
    if (this.#state === 'lost') throw this.#lost('the lease was already lost');
    if (this.#state !== 'held' || slot === undefined) {
      throw new SnowflakeError(
        SnowflakeErrorCode.LeaseNotHeld,
        `renew() needs a held lease (state: ${this.#state})`,
      );
    }
    const sentAt = this.#clock.now();
    let extended: boolean;
    try {
      extended = await this.#store.extend(slot, this.#token, this.ttlMs);
    } catch (cause) {
      throw this.#markLost('the renewal failed', cause);
    }
    // Re-read: the state may have changed while the store answered.
    const state = this.#currentState();
    if (state === 'lost') throw this.#lost('the lease was lost while renewing');
    if (state !== 'held') return;
    if (!extended) throw this.#markLost('the slot expired or belongs to another lease');
    this.#validUntil = Math.max(this.#validUntil, sentAt + this.ttlMs - this.#safetyMarginMs);
  }

  /**
   * {@inheritDoc WorkerIdLease.release}
   * @returns when the store has freed the slot.
   * @throws SnowflakeError `GK_SNOWFLAKE_LEASE_STORE_FAILED`.
   */
  async release(): Promise<void> {
    const slot = this.#slot;
    const wasHeld = this.#state === 'held' || this.#state === 'lost';
    this.#state = 'released';
    this.#validUntil = Number.NEGATIVE_INFINITY;
    if (!wasHeld || slot === undefined) return;
    try {
      await this.#store.free(slot, this.#token);
    } catch (cause) {
      throw storeFailed('release the slot', cause);
    }
  }

  #currentState(): WorkerIdLeaseState {
    return this.#state;
  }

  #markLost(reason: string, cause?: unknown): SnowflakeError {
    if (this.#state === 'held') {
      this.#state = 'lost';
      this.#validUntil = Number.NEGATIVE_INFINITY;
    }
    return this.#lost(reason, cause);
  }

  #lost(reason: string, cause?: unknown): SnowflakeError {
    const where =
      this.#slot === undefined
        ? ''
        : ` on slot (workerId ${this.#slot.workerId}, processId ${this.#slot.processId})`;
    return new SnowflakeError(
      SnowflakeErrorCode.LeaseLost,
      `lease lost${where}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
