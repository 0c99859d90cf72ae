import type { Clock } from '../clock.js';
import { SnowflakeError, SnowflakeErrorCode } from '../errors.js';
import {
  DEFAULT_WORKER_ID_LEASE_OPTIONS,
  type WorkerIdLeaseOptions,
  type WorkerIdLeaseState,
  type WorkerSlot,
} from '../lease.js';
import { systemClock } from './system.js';

/** The number of (worker, process) slots: 32 * 32. */
export const SLOT_COUNT = 1024;

/** The storage a lease backend provides; every operation is atomic and checks the token. */
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
 * The state machine every {@link WorkerIdLease} shares: one acquisition, renewals that count
 * validity from the moment they were sent, loss on any failed renewal.
 */
export class LeaseTenure {
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
   * @param token - this lease's unique token.
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

  get state(): WorkerIdLeaseState {
    return this.#state;
  }

  get slot(): WorkerSlot | undefined {
    return this.#slot;
  }

  get validUntil(): number {
    return this.#validUntil;
  }

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
