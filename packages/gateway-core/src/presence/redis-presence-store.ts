import type { Redis } from 'ioredis';
import type { PresenceStore, StoredSessionPresence } from './presence-store.js';
import type { SessionPresence } from './presence-types.js';

/** KEYS[1] = user hash, ARGV[1] = session key prefix, ARGV[2..] = session ids. */
const DROP_DEAD_FIELDS = `
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return 0`;

/** Options for {@link RedisPresenceStore}. */
export interface RedisPresenceStoreOptions {
  /** A connected ioredis client; the store never closes it. */
  readonly client: Redis;
  /**
   * Prefix of every key and of the pub/sub channel; nodes that share presence use the same.
   * @defaultValue `'guildkit:presence:'`
   */
  readonly keyPrefix?: string;
}

/**
 * Defaults of {@link RedisPresenceStoreOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_PRESENCE_STORE_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_REDIS_PRESENCE_STORE_OPTIONS.keyPrefix; // 'guildkit:presence:'
 * ```
 */
export const DEFAULT_REDIS_PRESENCE_STORE_OPTIONS = {
  keyPrefix: 'guildkit:presence:',
} as const satisfies Omit<Required<RedisPresenceStoreOptions>, 'client'>;

/**
 * A {@link PresenceStore} on Redis, shared by every gateway node.
 *
 * Layout (prefix `p`):
 * ```text
 * p s:{sessionId}   string  = userId, PX ttl          the session is alive while this key exists
 * p u:{userId}      hash    sessionId -> presence JSON, PX 2 × ttl (garbage collection only)
 * p changed         channel messages are user ids
 * ```
 * Expiry is Redis's own: `touch` is one `PEXPIRE` of the session key, so a node that stops
 * refreshing (crashed, partitioned) loses its sessions `ttl` later without anyone deleting
 * them. `put` and `remove` are one `MULTI` that also `PUBLISH`es the user id; every node
 * subscribes (on a duplicate connection) and re-reads that user. Expiry is *not* published:
 * keyspace notifications need server configuration and are fire-and-forget, so instead
 * {@link RedisPresenceStore.sessions} returns each session's remaining `PTTL` and the reader
 * re-reads when the earliest one runs out (`PresenceTracker` does). A read drops (in a Lua
 * script, atomically) the hash fields whose session key is gone.
 *
 * The module imports only ioredis's types: loading it never loads ioredis.
 *
 * @example
 * ```ts
 * import { PresenceTracker, RedisPresenceStore } from '@guildkit/gateway-core';
 * import { Redis } from 'ioredis';
 *
 * const store = new RedisPresenceStore({ client: new Redis() });
 * const tracker = new PresenceTracker({ store, guildIdsOf });
 * // ...
 * tracker.close();
 * await store.close();
 * ```
 */
export class RedisPresenceStore implements PresenceStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #listeners = new Set<(userId: string) => void>();
  #subscriber: Redis | undefined;
  #subscribed: Promise<unknown> = Promise.resolve();

  /**
   * @param options - the client and key prefix.
   */
  constructor(options: RedisPresenceStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? DEFAULT_REDIS_PRESENCE_STORE_OPTIONS.keyPrefix;
    this.#channel = `${this.#prefix}changed`;
  }

  /** {@inheritDoc PresenceStore.put} */
  async put(presence: SessionPresence, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    await this.#client
      .multi()
      .set(this.#sessionKey(presence.sessionId), presence.userId, 'PX', ttl)
      .hset(this.#userKey(presence.userId), presence.sessionId, JSON.stringify(presence))
      .pexpire(this.#userKey(presence.userId), 2 * ttl)
      .publish(this.#channel, presence.userId)
      .exec();
  }

  /** {@inheritDoc PresenceStore.touch} */
  async touch(userId: string, sessionId: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const results = await this.#client
      .multi()
      .pexpire(this.#sessionKey(sessionId), ttl)
      .pexpire(this.#userKey(userId), 2 * ttl)
      .exec();
    return results?.[0]?.[1] === 1;
  }

  /** {@inheritDoc PresenceStore.remove} */
  async remove(userId: string, sessionId: string): Promise<void> {
    await this.#client
      .multi()
      .del(this.#sessionKey(sessionId))
      .hdel(this.#userKey(userId), sessionId)
      .publish(this.#channel, userId)
      .exec();
  }

  /** {@inheritDoc PresenceStore.sessions} */
  async sessions(userId: string): Promise<StoredSessionPresence[]> {
    const userKey = this.#userKey(userId);
    const fields = await this.#client.hgetall(userKey);
    const sessionIds = Object.keys(fields);
    if (sessionIds.length === 0) return [];
    const pipeline = this.#client.pipeline();
    for (const sessionId of sessionIds) pipeline.pttl(this.#sessionKey(sessionId));
    const ttls = (await pipeline.exec()) ?? [];
    const live: StoredSessionPresence[] = [];
    const dead: string[] = [];
    sessionIds.forEach((sessionId, i) => {
      const remaining = ttls[i]?.[1];
      if (typeof remaining === 'number' && remaining > 0) {
        live.push({
          presence: JSON.parse(fields[sessionId]!) as SessionPresence,
          expiresInMs: remaining,
        });
      } else dead.push(sessionId);
    });
    if (dead.length > 0) {
      // Only fields whose session key is still missing: a session re-put since the PTTL read
      // keeps its field.
      await this.#client.eval(DROP_DEAD_FIELDS, 1, userKey, `${this.#prefix}s:`, ...dead);
    }
    return live;
  }

  /**
   * {@inheritDoc PresenceStore.subscribe}
   * The first subscriber opens the pub/sub connection (a duplicate of the client).
   */
  subscribe(listener: (userId: string) => void): () => void {
    this.#listeners.add(listener);
    if (this.#subscriber === undefined) {
      const subscriber = this.#client.duplicate();
      subscriber.on('message', (channel: string, userId: string) => {
        if (channel !== this.#channel) return;
        for (const each of [...this.#listeners]) each(userId);
      });
      this.#subscribed = subscriber.subscribe(this.#channel);
      // ready() reports a failed subscription; without a reader it must not crash the process.
      this.#subscribed.catch(() => undefined);
      this.#subscriber = subscriber;
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Resolves once the pub/sub subscription is active: after it, every `put` or `remove` on any
   * node reaches this store's subscribers. Call it after {@link RedisPresenceStore.subscribe}
   * when a test or a startup sequence must not miss a change.
   *
   * @returns a promise that resolves when Redis confirmed the subscription (at once without a
   * subscriber), and rejects when subscribing failed.
   */
  async ready(): Promise<void> {
    await this.#subscribed;
  }

  /**
   * Closes the pub/sub connection (not the client passed in) and drops every listener.
   *
   * @returns a promise that resolves when the connection is closed.
   */
  async close(): Promise<void> {
    this.#listeners.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber !== undefined) await subscriber.quit();
  }

  #sessionKey(sessionId: string): string {
    return `${this.#prefix}s:${sessionId}`;
  }

  #userKey(userId: string): string {
    return `${this.#prefix}u:${userId}`;
  }
}
