import type { Clock } from '@guildkit/snowflake';
import type { Redis } from 'ioredis';
import { SYSTEM_CLOCK } from '../internal/system-time.js';
import type {
  SessionAppend,
  SessionStateInit,
  SessionStore,
  SessionStoreOptions,
  StoredSessionState,
} from './session-store.js';
import {
  applyBatches,
  closedError,
  groupAppends,
  isResumable,
  resolveSessionStoreOptions,
  type SessionBatch,
  sequenceError,
  storeFailed,
  unknownSessionError,
} from './session-store-checks.js';

/**
 * KEYS[1] = state hash, KEYS[2] = frame stream; ARGV[1] = ttl ms, ARGV[2] = capacity,
 * ARGV[3] = first seq, then pairs of (seq, frame). Returns { 1, 0 } when appended, { 0, 0 } for
 * an unknown session, { 2, last } for a first seq that does not continue `last`.
 */
const APPEND_SCRIPT = `
local last = redis.call('HGET', KEYS[1], 'lastSeq')
if not last then return {0, 0} end
if tonumber(ARGV[3]) ~= tonumber(last) + 1 then return {2, tonumber(last)} end
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], ARGV[i] .. '-0', 'f', ARGV[i + 1])
end
redis.call('HSET', KEYS[1], 'lastSeq', ARGV[#ARGV - 1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return {1, 0}`;

/** Options for {@link RedisStreamsSessionStore}. */
export interface RedisStreamsSessionStoreOptions extends SessionStoreOptions {
  /** A connected ioredis client; the store never closes it. */
  readonly client: Redis;
  /**
   * Prefix of every key; the nodes that resume each other's sessions use the same.
   * @defaultValue `'guildkit:session:'`
   */
  readonly keyPrefix?: string;
  /** The clock `expiresAtMs` is reported on (Redis's own TTL decides expiry). @defaultValue the system clock */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link RedisStreamsSessionStoreOptions} beside {@link DEFAULT_SESSION_STORE_OPTIONS}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_STREAMS_SESSION_STORE_OPTIONS } from '@guildkit/gateway-core/redis';
 *
 * DEFAULT_REDIS_STREAMS_SESSION_STORE_OPTIONS.keyPrefix; // 'guildkit:session:'
 * ```
 */
export const DEFAULT_REDIS_STREAMS_SESSION_STORE_OPTIONS = {
  keyPrefix: 'guildkit:session:',
} as const satisfies Pick<Required<RedisStreamsSessionStoreOptions>, 'keyPrefix'>;

/**
 * A {@link SessionStore} on Redis (≥ 6.2), shared by every gateway node.
 *
 * Layout (prefix `p`; the `{id}` hash tag keeps a session's keys in one Redis Cluster slot):
 * ```text
 * p{id}:state    hash    userId, shardId, shardCount, intents, lastSeq     PX ttl
 * p{id}:frames   stream  entry id `<seq>-0`, field f = frame, MAXLEN ~capacity  PX ttl
 * ```
 * An append is one Lua script per session (checks `lastSeq + 1`, XADDs every frame, sets
 * `lastSeq`, refreshes both TTLs), so it is atomic and two nodes can never interleave a
 * session's sequence; `appendMany` sends one EVALSHA per session in a single pipeline (one
 * round trip per tick). The frame's sequence is its entry id, so `since` is one XRANGE from
 * `seq + 1`, read with the state in one MULTI. `MAXLEN ~` trims whole stream nodes (cheap) and
 * so keeps at least `capacity` frames; the window is still exactly `capacity`, as in
 * `ReplayBuffer`. Expiry is Redis's own TTL.
 *
 * The module imports only ioredis's types: loading it never loads ioredis.
 *
 * @example
 * ```ts
 * import { RedisStreamsSessionStore } from '@guildkit/gateway-core/redis';
 * import { Redis } from 'ioredis';
 *
 * const store = new RedisStreamsSessionStore({ client: new Redis(), ttlMs: 180_000 });
 * await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 513 });
 * await store.appendMany([{ sessionId: 's', seq: 1, frame: '{"op":0,"t":"READY","s":1,"d":{}}' }]);
 * ```
 */
export class RedisStreamsSessionStore implements SessionStore {
  readonly capacity: number;
  readonly ttlMs: number;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  #scriptSha: Promise<string> | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  /**
   * @param options - the client, key prefix, capacity and resume window.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `capacity` is not a positive safe
   * integer or `ttlMs` not a positive finite number.
   */
  constructor(options: RedisStreamsSessionStoreOptions) {
    const { capacity, ttlMs } = resolveSessionStoreOptions(options);
    this.capacity = capacity;
    this.ttlMs = Math.ceil(ttlMs);
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? DEFAULT_REDIS_STREAMS_SESSION_STORE_OPTIONS.keyPrefix;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** {@inheritDoc SessionStore.create} */
  create(init: SessionStateInit): Promise<void> {
    return this.#run('create', async () => {
      const [state, frames] = this.#keys(init.sessionId);
      await this.#exec(
        this.#client
          .multi()
          .del(state, frames)
          .hset(state, {
            userId: init.userId,
            shardId: init.shard[0],
            shardCount: init.shard[1],
            intents: init.intents,
            lastSeq: 0,
          })
          .pexpire(state, this.ttlMs),
      );
    });
  }

  /** {@inheritDoc SessionStore.load} */
  load(sessionId: string): Promise<StoredSessionState | undefined> {
    return this.#run('load', async () => {
      const [state] = this.#keys(sessionId);
      const [fields, ttl] = await this.#exec(this.#client.multi().hgetall(state).pttl(state));
      const hash = fields as Record<string, string>;
      if (hash['lastSeq'] === undefined || typeof ttl !== 'number' || ttl < 0) return undefined;
      return {
        sessionId,
        userId: hash['userId'] ?? '',
        shard: [Number(hash['shardId']), Number(hash['shardCount'])],
        intents: Number(hash['intents']),
        lastSeq: Number(hash['lastSeq']),
        expiresAtMs: this.#clock.now() + ttl,
      };
    });
  }

  /** {@inheritDoc SessionStore.delete} */
  delete(sessionId: string): Promise<boolean> {
    return this.#run('delete', async () => {
      const [state, frames] = this.#keys(sessionId);
      const [deleted] = await this.#exec(this.#client.multi().del(state).del(frames));
      return deleted === 1;
    });
  }

  /** {@inheritDoc SessionStore.touch} */
  touch(sessionId: string): Promise<boolean> {
    return this.#run('touch', async () => {
      const [state, frames] = this.#keys(sessionId);
      const [touched] = await this.#exec(
        this.#client.multi().pexpire(state, this.ttlMs).pexpire(frames, this.ttlMs),
      );
      return touched === 1;
    });
  }

  /** {@inheritDoc SessionStore.append} */
  append(sessionId: string, seq: number, frame: string): Promise<void> {
    return this.appendMany([{ sessionId, seq, frame }]);
  }

  /** {@inheritDoc SessionStore.appendMany} */
  appendMany(appends: readonly SessionAppend[]): Promise<void> {
    return this.#run('append', async () => {
      const batches = groupAppends(appends);
      const valid = batches.filter((batch) => batch.error === undefined);
      const outcomes = await this.#evalAppends(valid);
      await applyBatches(batches, async (batch) => {
        const outcome = outcomes.get(batch);
        if (outcome instanceof Error) throw outcome;
        const [status, last] = outcome ?? [0, 0];
        if (status === 0) throw unknownSessionError(batch.sessionId);
        if (status === 2) throw sequenceError(batch.sessionId, last + 1, batch.firstSeq);
      });
    });
  }

  /** {@inheritDoc SessionStore.since} */
  since(sessionId: string, seq: number): Promise<string[] | undefined> {
    return this.#run('since', async () => {
      if (!Number.isInteger(seq) || seq < 0) return undefined;
      const [state, frames] = this.#keys(sessionId);
      const [last, entries] = await this.#exec(
        this.#client
          .multi()
          .hget(state, 'lastSeq')
          .xrange(frames, `${seq + 1}-0`, '+'),
      );
      if (typeof last !== 'string') return undefined;
      const lastSeq = Number(last);
      if (!isResumable(seq, lastSeq, this.capacity)) return undefined;
      const rows = entries as [id: string, fields: string[]][];
      if (rows.length !== lastSeq - seq) return undefined;
      const missed: string[] = [];
      for (const [id, fields] of rows) {
        if (id !== `${seq + 1 + missed.length}-0` || fields[1] === undefined) return undefined;
        missed.push(fields[1]);
      }
      return missed;
    });
  }

  /** {@inheritDoc SessionStore.close} */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Runs the append script for every batch in one pipeline; a batch whose EVALSHA found no
   * script (Redis restarted or flushed its cache) is retried once after reloading it.
   */
  async #evalAppends(
    batches: readonly SessionBatch[],
  ): Promise<Map<SessionBatch, [status: number, last: number] | Error>> {
    const outcomes = new Map<SessionBatch, [number, number] | Error>();
    let pending = batches;
    for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
      const sha = await this.#loadScript(attempt > 0);
      const pipeline = this.#client.pipeline();
      for (const batch of pending) {
        const [state, frames] = this.#keys(batch.sessionId);
        const args: (string | number)[] = [this.ttlMs, this.capacity, batch.firstSeq];
        let seq = batch.firstSeq;
        for (const frame of batch.frames) args.push(seq++, frame);
        pipeline.evalsha(sha, 2, state, frames, ...args);
      }
      const results = (await pipeline.exec()) ?? [];
      const retry: SessionBatch[] = [];
      pending.forEach((batch, i) => {
        const [error, value] = results[i] ?? [new Error('no reply'), null];
        if (error !== null && /NOSCRIPT/.test(error.message) && attempt === 0) retry.push(batch);
        else if (error !== null) outcomes.set(batch, storeFailed('append', error));
        else outcomes.set(batch, value as [number, number]);
      });
      pending = retry;
    }
    return outcomes;
  }

  #loadScript(reload: boolean): Promise<string> {
    if (this.#scriptSha === undefined || reload) {
      const loading = this.#client.script('LOAD', APPEND_SCRIPT) as Promise<string>;
      this.#scriptSha = loading;
      loading.catch(() => {
        if (this.#scriptSha === loading) this.#scriptSha = undefined;
      });
    }
    return this.#scriptSha;
  }

  /** Executes a MULTI, unwrapping each reply; a failed command rejects the whole call. */
  async #exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
    const results = await multi.exec();
    if (results === null) throw new Error('transaction aborted');
    return results.map(([error, value]) => {
      if (error !== null) throw error;
      return value;
    });
  }

  /** Runs an operation, with `GK_GATEWAY_CLOSED` after close and backend errors wrapped. */
  #run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError('RedisStreamsSessionStore'));
    const running = operation().catch((error: unknown) => {
      throw storeFailed(what, error);
    });
    this.#inFlight.add(running);
    const forget = (): void => {
      this.#inFlight.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  #keys(sessionId: string): [state: string, frames: string] {
    const base = `${this.#prefix}{${sessionId}}`;
    return [`${base}:state`, `${base}:frames`];
  }
}
