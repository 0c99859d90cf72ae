import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type NatsConnection,
  nanos,
  nuid,
  RetentionPolicy,
  StorageType,
} from 'nats';
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

/** Options for {@link JetStreamSessionStore.open}. */
export interface JetStreamSessionStoreOptions extends SessionStoreOptions {
  /** A connected NATS connection with JetStream; the store never closes it. */
  readonly connection: NatsConnection;
  /** The stream of frames. @defaultValue `'GUILDKIT_SESSIONS'` */
  readonly stream?: string;
  /** Frames of session `x` go to `<subjectPrefix>.<x as base64url>`. @defaultValue `'guildkit.session'` */
  readonly subjectPrefix?: string;
  /** The KV bucket of session states. @defaultValue `'guildkit_sessions'` */
  readonly bucket?: string;
}

/**
 * Defaults of {@link JetStreamSessionStoreOptions} beside {@link DEFAULT_SESSION_STORE_OPTIONS}.
 *
 * @example
 * ```ts
 * import { DEFAULT_JETSTREAM_SESSION_STORE_OPTIONS } from '@guildkit/gateway-core/nats';
 *
 * DEFAULT_JETSTREAM_SESSION_STORE_OPTIONS.bucket; // 'guildkit_sessions'
 * ```
 */
export const DEFAULT_JETSTREAM_SESSION_STORE_OPTIONS = {
  stream: 'GUILDKIT_SESSIONS',
  subjectPrefix: 'guildkit.session',
  bucket: 'guildkit_sessions',
} as const satisfies Pick<
  Required<JetStreamSessionStoreOptions>,
  'stream' | 'subjectPrefix' | 'bucket'
>;

/** How long `since` waits for the frames of a subject known to hold them. */
const SINCE_FETCH_EXPIRES_MS = 5_000;

interface StateValue {
  /** Unique per `create`, so message ids of a re-created session are not duplicates. */
  readonly incarnation: string;
  readonly userId: string;
  readonly shard: readonly [number, number];
  readonly intents: number;
  readonly lastSeq: number;
}

interface Head {
  readonly state: StateValue;
  readonly revision: number;
}

/**
 * A {@link SessionStore} on NATS JetStream (server ≥ 2.9), shared by every gateway node.
 *
 * Layout:
 * ```text
 * stream GUILDKIT_SESSIONS   subjects guildkit.session.*   one subject per session
 *   message  "<seq> <frame>", msg id <session>:<incarnation>:<seq>, max msgs per subject = capacity
 * KV guildkit_sessions       key = session (base64url)      JSON state with lastSeq, TTL = ttlMs
 * ```
 * Session ids are base64url-encoded, so any id is a valid subject token and KV key.
 *
 * Appends: a session's frames are published concurrently (`appendMany` puts every session's
 * frames and state updates on the wire at once and waits for all acks), and its state is
 * advanced with a compare-and-set on the KV revision this store last wrote. A second node
 * writing the same session therefore fails with `GK_GATEWAY_INVALID_SEQUENCE` instead of
 * forking its sequence; the message id makes a repeated sequence of one incarnation of a
 * session (a `create` starts a new one) a duplicate the stream refuses. Writes of one session are serialized in this store; sessions run in parallel.
 *
 * Expiry: the KV bucket's max age is `ttlMs`, and every write (create, append batch, touch)
 * re-puts the state, so a session nobody writes disappears `ttlMs` later. Frames age out of
 * the stream after `2 × ttlMs` (a backstop for abandoned sessions; `delete` purges at once).
 *
 * `since` reads the state, then replays the session's subject through an ordered consumer
 * (one request for up to `capacity` frames) rather than one direct get per frame: a RESUME
 * usually misses a few frames, but a drained node's sessions may miss hundreds. The frames
 * must be exactly `seq + 1 ..= lastSeq`, or it returns `undefined`.
 *
 * This module loads `nats`: import it from `@guildkit/gateway-core/nats`.
 *
 * @example
 * ```ts
 * import { JetStreamSessionStore } from '@guildkit/gateway-core/nats';
 * import { connect } from 'nats';
 *
 * const store = await JetStreamSessionStore.open({ connection: await connect(), ttlMs: 180_000 });
 * await store.create({ sessionId: 's', userId: 'u', shard: [0, 1], intents: 513 });
 * await store.append('s', 1, '{"op":0,"t":"READY","s":1,"d":{}}');
 * ```
 */
export class JetStreamSessionStore implements SessionStore {
  readonly capacity: number;
  readonly ttlMs: number;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #kv: KV;
  readonly #stream: string;
  readonly #subjectPrefix: string;
  readonly #heads = new Map<string, Head>();
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();
  #closed = false;

  private constructor(
    parts: { js: JetStreamClient; jsm: JetStreamManager; kv: KV },
    options: Required<SessionStoreOptions> & { stream: string; subjectPrefix: string },
  ) {
    this.#js = parts.js;
    this.#jsm = parts.jsm;
    this.#kv = parts.kv;
    this.capacity = options.capacity;
    this.ttlMs = options.ttlMs;
    this.#stream = options.stream;
    this.#subjectPrefix = options.subjectPrefix;
  }

  /**
   * Creates (or updates to these options) the frame stream and the KV bucket, and returns a
   * store on them. Nodes sharing sessions must open with the same options.
   *
   * @param options - the connection, names, capacity and resume window.
   * @returns the store.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `capacity` is not a positive safe
   * integer or `ttlMs` not a positive finite number; SessionStoreError
   * `GK_GATEWAY_SESSION_STORE_FAILED` when JetStream refuses the stream or bucket.
   */
  static async open(options: JetStreamSessionStoreOptions): Promise<JetStreamSessionStore> {
    const { capacity, ttlMs } = resolveSessionStoreOptions(options);
    const defaults = DEFAULT_JETSTREAM_SESSION_STORE_OPTIONS;
    const stream = options.stream ?? defaults.stream;
    const subjectPrefix = options.subjectPrefix ?? defaults.subjectPrefix;
    const bucket = options.bucket ?? defaults.bucket;
    try {
      const jsm = await options.connection.jetstreamManager();
      const js = options.connection.jetstream();
      const limits = {
        subjects: [`${subjectPrefix}.*`],
        max_msgs_per_subject: capacity,
        max_age: nanos(2 * ttlMs),
      };
      const existing = await jsm.streams.info(stream).catch(() => undefined);
      if (existing === undefined) {
        await jsm.streams.add({
          name: stream,
          ...limits,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          num_replicas: 1,
        });
      } else await jsm.streams.update(stream, limits);
      const kv = await js.views.kv(bucket, { ttl: ttlMs, history: 1, allow_direct: false });
      if ((await kv.status()).ttl !== ttlMs) {
        await jsm.streams.update(`KV_${bucket}`, { max_age: nanos(ttlMs) });
      }
      return new JetStreamSessionStore({ js, jsm, kv }, { capacity, ttlMs, stream, subjectPrefix });
    } catch (error) {
      throw storeFailed('opening the JetStream session store', error);
    }
  }

  /** {@inheritDoc SessionStore.create} */
  create(init: SessionStateInit): Promise<void> {
    const key = encodeKey(init.sessionId);
    return this.#serial('create', key, async () => {
      await this.#jsm.streams.purge(this.#stream, { filter: this.#subject(key) });
      const state: StateValue = {
        incarnation: nuid.next(),
        userId: init.userId,
        shard: [init.shard[0], init.shard[1]],
        intents: init.intents,
        lastSeq: 0,
      };
      const revision = await this.#kv.put(key, JSON.stringify(state));
      this.#heads.set(key, { state, revision });
    });
  }

  /** {@inheritDoc SessionStore.load} */
  load(sessionId: string): Promise<StoredSessionState | undefined> {
    return this.#guard('load', async () => {
      const entry = await this.#readEntry(encodeKey(sessionId));
      if (entry === undefined) return undefined;
      const { userId, shard, intents, lastSeq } = entry.head.state;
      return {
        sessionId,
        userId,
        shard: [shard[0], shard[1]],
        intents,
        lastSeq,
        expiresAtMs: entry.createdMs + this.ttlMs,
      };
    });
  }

  /** {@inheritDoc SessionStore.delete} */
  delete(sessionId: string): Promise<boolean> {
    const key = encodeKey(sessionId);
    return this.#serial('delete', key, async () => {
      const existed = (await this.#readEntry(key)) !== undefined;
      this.#heads.delete(key);
      await Promise.all([
        this.#kv.purge(key),
        this.#jsm.streams.purge(this.#stream, { filter: this.#subject(key) }),
      ]);
      return existed;
    });
  }

  /** {@inheritDoc SessionStore.touch} */
  touch(sessionId: string): Promise<boolean> {
    const key = encodeKey(sessionId);
    return this.#serial('touch', key, async () => {
      const cached = this.#heads.get(key);
      if (cached !== undefined && (await this.#tryRewrite(key, cached.state, cached))) return true;
      const fresh = await this.#readEntry(key);
      return fresh !== undefined && this.#tryRewrite(key, fresh.head.state, fresh.head);
    });
  }

  /** {@inheritDoc SessionStore.append} */
  append(sessionId: string, seq: number, frame: string): Promise<void> {
    return this.appendMany([{ sessionId, seq, frame }]);
  }

  /** {@inheritDoc SessionStore.appendMany} */
  appendMany(appends: readonly SessionAppend[]): Promise<void> {
    return this.#guard('append', () =>
      applyBatches(groupAppends(appends), (batch) =>
        this.#serial('append', encodeKey(batch.sessionId), () => this.#appendBatch(batch)),
      ),
    );
  }

  /** {@inheritDoc SessionStore.since} */
  since(sessionId: string, seq: number): Promise<string[] | undefined> {
    return this.#guard('since', async () => {
      if (!Number.isInteger(seq) || seq < 0) return undefined;
      const key = encodeKey(sessionId);
      const entry = await this.#readEntry(key);
      if (entry === undefined) return undefined;
      const { lastSeq } = entry.head.state;
      if (!isResumable(seq, lastSeq, this.capacity)) return undefined;
      if (seq === lastSeq) return [];
      return this.#readFrames(key, seq, lastSeq);
    });
  }

  /** {@inheritDoc SessionStore.close} */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#chains.values()]);
    this.#heads.clear();
  }

  async #appendBatch(batch: SessionBatch): Promise<void> {
    const key = encodeKey(batch.sessionId);
    let head = this.#heads.get(key);
    if (head === undefined || batch.firstSeq !== head.state.lastSeq + 1) {
      head = (await this.#readEntry(key))?.head;
      if (head === undefined) throw unknownSessionError(batch.sessionId);
    }
    const expected = head.state.lastSeq + 1;
    if (batch.firstSeq !== expected) throw sequenceError(batch.sessionId, expected, batch.firstSeq);
    // Claim the sequence first (compare-and-set on the state's revision), then publish: a node
    // that lost the session fails here and never writes a frame, so its stale frames cannot
    // collide with the new owner's (same message ids) or reach a reader.
    const state: StateValue = {
      ...head.state,
      lastSeq: batch.firstSeq + batch.frames.length - 1,
    };
    let revision: number;
    try {
      revision = await this.#kv.update(key, JSON.stringify(state), head.revision);
    } catch {
      this.#heads.delete(key);
      const now = (await this.#readEntry(key))?.head;
      if (now === undefined) throw unknownSessionError(batch.sessionId);
      throw sequenceError(batch.sessionId, now.state.lastSeq + 1, batch.firstSeq);
    }
    this.#heads.set(key, { state, revision });
    const subject = this.#subject(key);
    const acks = await Promise.all(
      batch.frames.map((frame, i) => {
        const seq = batch.firstSeq + i;
        return this.#js.publish(subject, this.#encoder.encode(`${seq} ${frame}`), {
          msgID: `${key}:${head.state.incarnation}:${seq}`,
        });
      }),
    ).catch((error: unknown) => {
      // The state already names these frames; since() finds them missing and answers
      // undefined (INVALID_SESSION) rather than replaying a hole.
      this.#heads.delete(key);
      throw error;
    });
    if (acks.some((ack) => ack.duplicate)) {
      throw sequenceError(batch.sessionId, batch.firstSeq, batch.firstSeq);
    }
  }

  /** Rewrites the state at `head`'s revision (refreshing its TTL); false when it changed. */
  async #tryRewrite(key: string, state: StateValue, head: Head): Promise<boolean> {
    try {
      const revision = await this.#kv.update(key, JSON.stringify(state), head.revision);
      this.#heads.set(key, { state, revision });
      return true;
    } catch {
      this.#heads.delete(key);
      return false;
    }
  }

  async #readFrames(key: string, seq: number, lastSeq: number): Promise<string[] | undefined> {
    const subject = this.#subject(key);
    const newest = await this.#jsm.streams
      .getMessage(this.#stream, { last_by_subj: subject })
      .catch(() => undefined);
    if (newest === undefined) return undefined;
    const consumer = await this.#js.consumers.get(this.#stream, { filterSubjects: subject });
    const messages = await consumer.fetch({
      max_messages: this.capacity,
      expires: SINCE_FETCH_EXPIRES_MS,
    });
    const missed: string[] = [];
    try {
      for await (const message of messages) {
        const text = this.#decoder.decode(message.data);
        const space = text.indexOf(' ');
        const frameSeq = Number(text.slice(0, space));
        if (frameSeq > seq && frameSeq <= lastSeq) {
          if (frameSeq !== seq + 1 + missed.length) return undefined;
          missed.push(text.slice(space + 1));
        }
        if (frameSeq >= lastSeq || message.seq >= newest.seq || message.info.pending === 0) break;
      }
    } finally {
      messages.stop();
    }
    return missed.length === lastSeq - seq ? missed : undefined;
  }

  /** The live state of a session and when it was last written, or `undefined`. */
  async #readEntry(key: string): Promise<{ head: Head; createdMs: number } | undefined> {
    const entry = await this.#kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const state = JSON.parse(entry.string()) as StateValue;
    return { head: { state, revision: entry.revision }, createdMs: entry.created.getTime() };
  }

  /** Runs a write after this store's previous write of the same session has settled. */
  #serial<T>(what: string, key: string, operation: () => Promise<T>): Promise<T> {
    return this.#guard(what, () => {
      const previous = this.#chains.get(key) ?? Promise.resolve();
      const running = previous.then(operation, operation);
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      this.#chains.set(key, settled);
      void settled.then(() => {
        if (this.#chains.get(key) === settled) this.#chains.delete(key);
      });
      return running;
    });
  }

  /** Runs an operation, with `GK_GATEWAY_CLOSED` after close and backend errors wrapped. */
  async #guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError('JetStreamSessionStore');
    try {
      return await operation();
    } catch (error) {
      throw storeFailed(what, error);
    }
  }

  #subject(key: string): string {
    return `${this.#subjectPrefix}.${key}`;
  }
}

/** A session id as a subject token and KV key: base64url never contains `.`, `*`, `>` or spaces. */
function encodeKey(sessionId: string): string {
  return Buffer.from(sessionId, 'utf8').toString('base64url');
}
