import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WorkerIdLease, WorkerIdLeaseOptions, WorkerSlot } from './lease.js';
import { type SlotStore, SlotStoreLease } from './slot-store-lease.js';

/** Extends the key's TTL only if it still holds our token. */
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the key only if it still holds our token. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Options for {@link RedisWorkerIdLease}. */
export interface RedisWorkerIdLeaseOptions extends WorkerIdLeaseOptions {
  /** An ioredis client (a `Redis` instance). */
  readonly client: Redis;
  /**
   * Prefix of the slot keys; the key of a slot is `${keyPrefix}${workerId}:${processId}`.
   * @defaultValue `'guildkit:snowflake:slot:'`
   */
  readonly keyPrefix?: string;
  /**
   * Makes this lease's unique token (the value stored under the key).
   * @defaultValue `crypto.randomUUID`
   */
  readonly createToken?: () => string;
}

/** Defaults of {@link RedisWorkerIdLeaseOptions}. */
export const DEFAULT_REDIS_WORKER_ID_LEASE_OPTIONS = {
  keyPrefix: 'guildkit:snowflake:slot:',
} as const satisfies Pick<RedisWorkerIdLeaseOptions, 'keyPrefix'>;

/**
 * A {@link WorkerIdLease} on Redis, for a fleet of machines. A slot is claimed with
 * `SET key token NX PX ttl`; renew and release run Lua scripts that first check the token, so
 * a node can never extend or delete another node's lease.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { LeaseRenewer, SnowflakeGenerator } from '@guildkit/snowflake';
 * import { RedisWorkerIdLease } from '@guildkit/snowflake/redis';
 *
 * const lease = new RedisWorkerIdLease({ client: new Redis(), ttlMs: 30_000 });
 * const slot = await lease.acquire();
 * const generator = new SnowflakeGenerator({ ...slot, lease });
 * new LeaseRenewer(lease).start();
 * ```
 */
export class RedisWorkerIdLease extends SlotStoreLease {
  /**
   * @param options - client, key prefix, TTL, safety margin, clock and token factory.
   * @throws SnowflakeError `GK_SNOWFLAKE_INVALID_LEASE_OPTIONS`.
   */
  constructor(options: RedisWorkerIdLeaseOptions) {
    const {
      client,
      keyPrefix = DEFAULT_REDIS_WORKER_ID_LEASE_OPTIONS.keyPrefix,
      createToken = randomUUID,
    } = options;
    const keyOf = (slot: WorkerSlot): string => `${keyPrefix}${slot.workerId}:${slot.processId}`;
    const store: SlotStore = {
      claim: async (slot, token, ttlMs) =>
        (await client.set(keyOf(slot), token, 'PX', ttlMs, 'NX')) === 'OK',
      extend: async (slot, token, ttlMs) =>
        (await client.eval(RENEW_SCRIPT, 1, keyOf(slot), token, ttlMs)) === 1,
      free: async (slot, token) => {
        await client.eval(RELEASE_SCRIPT, 1, keyOf(slot), token);
      },
    };
    super(store, createToken(), options);
  }
}
