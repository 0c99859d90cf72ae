import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type NatsConnection,
  nanos,
  nuid,
  type PubAck,
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

/** JetStream's API error codes this store tells apart. */
const NO_MESSAGE_FOUND = 10037;
const WRONG_LAST_SEQUENCE = 10071;

interface StateValue {
  /** Unique per `create`, so message ids of a re-created session are not duplicates. */
  readonly incarnation: string;
  readonly userId: string;
  readonly shard: readonly [number, number];
  readonly intents: number;
  /**
   * The newest sequence as of the last completed append: a floor, for when the frames have
   * aged out of the stream. The stream's newest frame is the truth.
   */
  readonly lastSeq: number;
}

interface Head {
  readonly state: StateValue;
  readonly revision: number;
  /** The subject's newest stream sequence (0: none): what the next publish expects. */
  readonly streamSeq: number;
  /** The session's newest sequence: the stream's newest frame, or the state's floor. */
  readonly lastSeq: number;
}

function apiErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const apiError = (error as { api_error?: { err_code?: unknown } }).api_error;
  return typeof apiError?.err_code === 'number' ? apiError.err_code : undefined;
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
 * Appends: the stream is the truth. A session's frames are published one after the other, each
 * with JetStream's expected-last-subject-sequence set to the subject's newest message this
 * store knows, so a second node writing the same session (a stale owner after a RESUME moved
 * the session) fails with `GK_GATEWAY_INVALID_SEQUENCE` instead of forking its sequence, and a
 * node killed in the middle of a batch leaves a contiguous prefix of it, never a hole: the
 * next owner resumes after the newest stored frame. The KV state's `lastSeq` is advanced
 * afterwards, as a floor for when frames have aged out. `appendMany` runs different sessions
 * in parallel; writes of one session are serialized in this store.
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
      this.#heads.set(key, { state, revision, streamSeq: 0, lastSeq: 0 });
    });
  }

  /** {@inheritDoc SessionStore.load} */
  load(sessionId: string): Promise<StoredSessionState | undefined> {
    return this.#guard('load', async () => {
      const entry = await this.#readEntry(encodeKey(sessionId));
      if (entry === undefined) return undefined;
      const { userId, shard, intents } = entry.head.state;
      const { lastSeq } = entry.head;
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
      if (cached !== undefined && (await this.#tryRewrite(key, cached))) return true;
      const fresh = await this.#readEntry(key);
      return fresh !== undefined && this.#tryRewrite(key, fresh.head);
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
      const { lastSeq } = entry.head;
      if (!isResumable(seq, lastSeq, this.capacity)) return undefined;
      if (seq === lastSeq) return [];
      return this.#readFrames(key, seq, entry.head);
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
    if (head === undefined || batch.firstSeq !== head.lastSeq + 1) {
      head = (await this.#readEntry(key))?.head;
      if (head === undefined) throw unknownSessionError(batch.sessionId);
    }
    if (batch.firstSeq !== head.lastSeq + 1)
      throw sequenceError(batch.sessionId, head.lastSeq + 1, batch.firstSeq);
    const subject = this.#subject(key);
    let streamSeq = head.streamSeq;
    for (const [i, frame] of batch.frames.entries()) {
      const seq = batch.firstSeq + i;
      let ack: PubAck;
      try {
        ack = await this.#js.publish(subject, this.#encoder.encode(`${seq} ${frame}`), {
          msgID: `${key}:${head.state.incarnation}:${seq}`,
          expect: { lastSubjectSequence: streamSeq },
        });
      } catch (error) {
        this.#heads.delete(key);
        if (apiErrorCode(error) !== WRONG_LAST_SEQUENCE) throw error;
        const now = (await this.#readEntry(key))?.head;
        if (now === undefined) throw unknownSessionError(batch.sessionId);
        throw sequenceError(batch.sessionId, now.lastSeq + 1, seq);
      }
      if (ack.duplicate) {
        this.#heads.delete(key);
        throw sequenceError(batch.sessionId, seq + 1, seq);
      }
      streamSeq = ack.seq;
    }
    const lastSeq = batch.firstSeq + batch.frames.length - 1;
    const state: StateValue = { ...head.state, lastSeq };
    try {
      const revision = await this.#kv.update(key, JSON.stringify(state), head.revision);
      this.#heads.set(key, { state, revision, streamSeq, lastSeq });
    } catch {
      // The frames are stored; the state moved on (expired, deleted or touched elsewhere).
      // The next write reads it again.
      this.#heads.delete(key);
    }
  }

  async #tryRewrite(key: string, head: Head): Promise<boolean> {
    try {
      const state: StateValue = { ...head.state, lastSeq: head.lastSeq };
      const revision = await this.#kv.update(key, JSON.stringify(state), head.revision);
      this.#heads.set(key, { ...head, state, revision });
      return true;
    } catch {
      this.#heads.delete(key);
      return false;
    }
  }

  /** The subject's newest message: its stream sequence and the frame sequence it holds. */
  async #newest(key: string): Promise<{ streamSeq: number; frameSeq: number } | undefined> {
    try {
      const message = await this.#jsm.streams.getMessage(this.#stream, {
        last_by_subj: this.#subject(key),
      });
      const text = this.#decoder.decode(message.data);
      return { streamSeq: message.seq, frameSeq: Number(text.slice(0, text.indexOf(' '))) };
    } catch (error) {
      if (apiErrorCode(error) === NO_MESSAGE_FOUND) return undefined;
      throw error;
    }
  }

  async #readFrames(key: string, seq: number, head: Head): Promise<string[] | undefined> {
    const { lastSeq, streamSeq } = head;
    if (streamSeq === 0) return undefined;
    const subject = this.#subject(key);
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
        if (frameSeq >= lastSeq || message.seq >= streamSeq || message.info.pending === 0) break;
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
    const newest = await this.#newest(key);
    const head: Head = {
      state,
      revision: entry.revision,
      streamSeq: newest?.streamSeq ?? 0,
      lastSeq: Math.max(state.lastSeq, newest?.frameSeq ?? 0),
    };
    return { head, createdMs: entry.created.getTime() };
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
