import type { Clock } from './clock.js';

/** A (worker, process) pair: one of the 1024 slots a fleet shares. */
export interface WorkerSlot {
  /** 0..31. */
  readonly workerId: number;
  /** 0..31. */
  readonly processId: number;
}

/**
 * What a {@link SnowflakeGenerator} checks before every id: the slot it may use and until
 * when. A {@link WorkerIdLease} is one.
 */
export interface LeaseGuard {
  /** The slot held, or `undefined` before acquisition. */
  readonly slot: WorkerSlot | undefined;
  /**
   * The first clock reading at which the slot may no longer be ours: the moment the last
   * successful acquire or renew was sent, plus the TTL, minus the safety margin.
   * `-Infinity` whenever no slot is held (not acquired, lost or released).
   */
  readonly validUntil: number;
}

/** Where a {@link WorkerIdLease} is in its life. A lease is acquired at most once. */
export type WorkerIdLeaseState = 'idle' | 'acquiring' | 'held' | 'lost' | 'released';

/**
 * Exclusive use of one (worker, process) slot across a fleet, for a TTL that the holder keeps
 * renewing. One lease object is one tenure: after it is lost or released, make a new lease
 * (and a new generator) to take a slot again.
 *
 * @example
 * ```ts
 * const slot = await lease.acquire();
 * const generator = new SnowflakeGenerator({ ...slot, lease });
 * const renewer = new LeaseRenewer(lease);
 * renewer.start();
 * // ... on shutdown:
 * renewer.stop();
 * await lease.release();
 * ```
 */
export interface WorkerIdLease extends LeaseGuard {
  /** How long one acquire or renew keeps the slot, in ms. */
  readonly ttlMs: number;
  /** The lease's state. */
  readonly state: WorkerIdLeaseState;
  /**
   * Takes the first free of the 1024 slots (slot `workerId * 32 + processId`, in order).
   *
   * @returns the slot now held.
   * @throws SnowflakeError `GK_SNOWFLAKE_NO_FREE_SLOT` when all are taken,
   * `GK_SNOWFLAKE_LEASE_ALREADY_ACQUIRED` on a second call, `GK_SNOWFLAKE_LEASE_STORE_FAILED`
   * when the store fails, `GK_SNOWFLAKE_LEASE_NOT_HELD` when released meanwhile.
   */
  acquire(): Promise<WorkerSlot>;
  /**
   * Extends the slot by the TTL, if it is still ours.
   *
   * @returns when extended.
   * @throws SnowflakeError `GK_SNOWFLAKE_LEASE_LOST` (the lease is now lost) when the key is
   * gone, belongs to someone else or the store fails; `GK_SNOWFLAKE_LEASE_NOT_HELD` before
   * acquisition or after release.
   */
  renew(): Promise<void>;
  /**
   * Gives the slot back (only if still ours) and ends the lease. Safe to call in any state.
   *
   * @returns when the store has been told.
   * @throws SnowflakeError `GK_SNOWFLAKE_LEASE_STORE_FAILED` when the store fails (the lease
   * is released locally all the same; the key expires by its TTL).
   */
  release(): Promise<void>;
}

/** Options shared by every {@link WorkerIdLease} implementation. */
export interface WorkerIdLeaseOptions {
  /**
   * How long one acquire or renew keeps the slot, in ms.
   * @defaultValue 30000
   */
  readonly ttlMs?: number;
  /**
   * Subtracted from the TTL when computing `validUntil`, to absorb clock drift and a late
   * renewal. Must be below `ttlMs`.
   * @defaultValue 2000
   */
  readonly safetyMarginMs?: number;
  /**
   * The clock `validUntil` is measured on: give the generator the same one.
   * @defaultValue the system wall clock
   */
  readonly clock?: Clock;
}

/** Defaults of {@link WorkerIdLeaseOptions}. */
export const DEFAULT_WORKER_ID_LEASE_OPTIONS = {
  ttlMs: 30000,
  safetyMarginMs: 2000,
} as const satisfies Omit<WorkerIdLeaseOptions, 'clock'>;
