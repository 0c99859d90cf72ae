import type { Clock } from './clock.js';
import { systemClock } from './internal/system.js';
import type { WorkerIdLease, WorkerIdLeaseOptions, WorkerSlot } from './lease.js';
import { type SlotStore, SlotStoreLease } from './slot-store-lease.js';

let tokens = 0;

interface Entry {
  readonly token: string;
  expiresAt: number;
}

/** Options for {@link MemoryWorkerIdRegistry}. */
export interface MemoryWorkerIdRegistryOptions {
  /**
   * The clock entries expire on.
   * @defaultValue the system wall clock
   */
  readonly clock?: Clock;
}

/**
 * The in-process stand-in for Redis: one registry shared by every {@link MemoryWorkerIdLease}
 * of the "nodes" living in one process (tests, demos, a single-machine cluster).
 *
 * @example
 * ```ts
 * const registry = new MemoryWorkerIdRegistry();
 * const nodeA = new MemoryWorkerIdLease({ registry });
 * const nodeB = new MemoryWorkerIdLease({ registry });
 * await nodeA.acquire(); // { workerId: 0, processId: 0 }
 * await nodeB.acquire(); // { workerId: 0, processId: 1 }
 * ```
 */
export class MemoryWorkerIdRegistry {
  readonly #clock: Clock;
  readonly #entries = new Map<number, Entry>();

  /**
   * @param options - the expiry clock.
   */
  constructor(options: MemoryWorkerIdRegistryOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** @returns how many slots are held and not expired. */
  get heldCount(): number {
    const now = this.#clock.now();
    let held = 0;
    for (const entry of this.#entries.values()) if (entry.expiresAt > now) held++;
    return held;
  }

  /**
   * Atomically takes a slot if it is free or its holder's TTL has run out.
   *
   * @param slot - the slot.
   * @param token - the claimant's unique token.
   * @param ttlMs - how long the claim lasts.
   * @returns whether the slot is now the claimant's.
   */
  claim(slot: WorkerSlot, token: string, ttlMs: number): boolean {
    const key = slot.workerId * 32 + slot.processId;
    const now = this.#clock.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > now) return false;
    this.#entries.set(key, { token, expiresAt: now + ttlMs });
    return true;
  }

  /**
   * Resets a slot's TTL if `token` still holds it.
   *
   * @param slot - the slot.
   * @param token - the holder's token.
   * @param ttlMs - the new TTL from now.
   * @returns whether the slot was still held by `token` (and is now extended).
   */
  extend(slot: WorkerSlot, token: string, ttlMs: number): boolean {
    const now = this.#clock.now();
    const entry = this.#entries.get(slot.workerId * 32 + slot.processId);
    if (entry === undefined || entry.token !== token || entry.expiresAt <= now) return false;
    entry.expiresAt = now + ttlMs;
    return true;
  }

  /**
   * Frees a slot if `token` still holds it; does nothing otherwise.
   *
   * @param slot - the slot.
   * @param token - the holder's token.
   */
  free(slot: WorkerSlot, token: string): void {
    const key = slot.workerId * 32 + slot.processId;
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}

/** Options for {@link MemoryWorkerIdLease}. */
export interface MemoryWorkerIdLeaseOptions extends WorkerIdLeaseOptions {
  /** The registry shared by every node in this process. */
  readonly registry: MemoryWorkerIdRegistry;
}

/**
 * A {@link WorkerIdLease} on a {@link MemoryWorkerIdRegistry}.
 *
 * @example
 * ```ts
 * const registry = new MemoryWorkerIdRegistry();
 * const lease = new MemoryWorkerIdLease({ registry, ttlMs: 30_000 });
 * const slot = await lease.acquire();
 * const generator = new SnowflakeGenerator({ ...slot, lease });
 * ```
 */
export class MemoryWorkerIdLease extends SlotStoreLease {
  /**
   * @param options - the registry, TTL, safety margin and clock.
   * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_LEASE_OPTIONS`.
   */
  constructor(options: MemoryWorkerIdLeaseOptions) {
    const { registry } = options;
    tokens += 1;
    const store: SlotStore = {
      claim: async (slot, token, ttlMs) => registry.claim(slot, token, ttlMs),
      extend: async (slot, token, ttlMs) => registry.extend(slot, token, ttlMs),
      free: async (slot, token) => registry.free(slot, token),
    };
    super(store, `memory-lease-${tokens}`, options);
  }
}
