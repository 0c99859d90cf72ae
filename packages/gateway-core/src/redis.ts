/**
 * `@guildkit/gateway-core/redis`: the Redis adapters — an event bus on pub/sub, shared presence
 * with TTL expiry, and resumable sessions on Redis Streams. Each takes ioredis connections the
 * caller creates and owns; `ioredis` is an optional peer dependency.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisEventBus } from '@guildkit/gateway-core/redis';
 *
 * const bus = new RedisEventBus({ nodeId: 'node-a', publisher: new Redis(), subscriber: new Redis() });
 * ```
 */
export {
  DEFAULT_REDIS_EVENT_BUS_OPTIONS,
  RedisEventBus,
  type RedisEventBusOptions,
} from './bus/redis-event-bus.js';
export {
  DEFAULT_REDIS_PRESENCE_STORE_OPTIONS,
  RedisPresenceStore,
  type RedisPresenceStoreOptions,
} from './presence/redis-presence-store.js';
export {
  DEFAULT_REDIS_STREAMS_SESSION_STORE_OPTIONS,
  RedisStreamsSessionStore,
  type RedisStreamsSessionStoreOptions,
} from './resume/redis-streams-session-store.js';
