export type { Clock, Scheduler } from './clock.js';
export { compareSnowflakes, isSnowflake } from './compare.js';
export { DISCORD_EPOCH } from './constants.js';
export {
  type DeconstructedSnowflake,
  deconstruct,
  relativeTimestampOf,
  timestampOf,
} from './deconstruct.js';
export { SnowflakeError, SnowflakeErrorCode } from './errors.js';
export { snowflakeFromTimestamp } from './from-timestamp.js';
export { SnowflakeGenerator, type SnowflakeGeneratorOptions } from './generator.js';
export {
  DEFAULT_WORKER_ID_LEASE_OPTIONS,
  type LeaseGuard,
  type WorkerIdLease,
  type WorkerIdLeaseOptions,
  type WorkerIdLeaseState,
  type WorkerSlot,
} from './lease.js';
export { LeaseRenewer, type LeaseRenewerOptions } from './lease-renewer.js';
export {
  MemoryWorkerIdLease,
  type MemoryWorkerIdLeaseOptions,
  MemoryWorkerIdRegistry,
  type MemoryWorkerIdRegistryOptions,
} from './memory-worker-id-lease.js';
export { type SlotStore, SlotStoreLease } from './slot-store-lease.js';
