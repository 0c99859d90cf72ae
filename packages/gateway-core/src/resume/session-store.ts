/**
 * What a session is resumed from on any node: who it is (READY's `session_id`, the user, the
 * IDENTIFY's shard and intents). The token is deliberately not stored: the node that takes a
 * RESUME authenticates its token and compares the user id.
 */
export interface SessionStateInit {
  /** The `session_id` sent in READY and expected in RESUME. */
  readonly sessionId: string;
  /** The authenticated user's id. */
  readonly userId: string;
  /** `[shard_id, shard_count]` of the IDENTIFY. */
  readonly shard: readonly [shardId: number, shardCount: number];
  /** The IDENTIFY's intents. */
  readonly intents: number;
}

/** A session's resumable state as a {@link SessionStore} returns it. */
export interface StoredSessionState extends SessionStateInit {
  /** The sequence of the session's newest dispatch, or 0 before the first. */
  readonly lastSeq: number;
  /**
   * The resume deadline: when the session expires unless it is written again (ms since the
   * Unix epoch). Every write (`create`, `append`, `touch`) moves it to `now + ttlMs`.
   */
  readonly expiresAtMs: number;
}

/** One dispatch frame for {@link SessionStore.appendMany}. */
export interface SessionAppend {
  /** The session the frame was sent on. */
  readonly sessionId: string;
  /** The frame's `s`: exactly one more than the session's previous one. */
  readonly seq: number;
  /** The serialized frame, as it is replayed (`PreparedDispatch.frame(seq)`). */
  readonly frame: string;
}

/** Options every {@link SessionStore} adapter takes. */
export interface SessionStoreOptions {
  /**
   * How many of a session's most recent frames are kept for RESUME.
   * @defaultValue 1000
   */
  readonly capacity?: number;
  /**
   * The resume window: a session nobody writes (`create`, `append`, `touch`) for this long
   * expires with its frames. Nodes `touch` the sessions they hold (e.g. on every heartbeat),
   * so only abandoned sessions (their node drained or died) expire.
   * @defaultValue 180000 (3 minutes)
   */
  readonly ttlMs?: number;
}

/**
 * Defaults of {@link SessionStoreOptions}: the capacity of `ReplayBuffer`, and the 3-minute
 * resume window of `GatewayConnection`.
 *
 * @example
 * ```ts
 * import { DEFAULT_SESSION_STORE_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_SESSION_STORE_OPTIONS.ttlMs; // 180000
 * ```
 */
export const DEFAULT_SESSION_STORE_OPTIONS = {
  capacity: 1000,
  ttlMs: 180_000,
} as const satisfies Required<SessionStoreOptions>;

/**
 * Where resumable sessions live so that a client whose node was drained or killed can RESUME
 * on another node with nothing lost or repeated. Per session it keeps the
 * {@link StoredSessionState} and a bounded window of its last `capacity` dispatch frames, with
 * the semantics of `ReplayBuffer`: sequences are contiguous, {@link SessionStore.since}
 * returns exactly the missed frames or `undefined`.
 *
 * Every promise rejects with a coded error: `GatewayError` (`GK_GATEWAY_INVALID_SEQUENCE`,
 * `GK_GATEWAY_CLOSED`) or `SessionStoreError` (`GK_GATEWAY_SESSION_UNKNOWN`,
 * `GK_GATEWAY_SESSION_STORE_FAILED`). An append that resolved is readable by every store
 * instance on the same backend (another process, another node).
 *
 * Adapters: `MemorySessionStore` (one process), `RedisStreamsSessionStore`,
 * `JetStreamSessionStore`.
 *
 * @example
 * ```ts
 * await store.create({ sessionId, userId, shard: [0, 1], intents });
 * await store.appendMany(tick.map(({ session, seq, frame }) => ({ sessionId: session.id, seq, frame })));
 * // ... on another node, for the client's RESUME:
 * const missed = await store.since(resume.session_id, resume.seq);
 * if (missed === undefined) sendInvalidSession(false);
 * ```
 */
export interface SessionStore {
  /** How many frames per session are kept. */
  readonly capacity: number;
  /** The resume window in ms (see {@link SessionStoreOptions.ttlMs}). */
  readonly ttlMs: number;
  /**
   * Starts a session: its state with `lastSeq` 0 and no frames. A session with the same id is
   * replaced.
   *
   * @param init - the session's identity.
   * @returns a promise that resolves once the state is stored.
   */
  create(init: SessionStateInit): Promise<void>;
  /**
   * Reads a session's state.
   *
   * @param sessionId - the session's id.
   * @returns its state, or `undefined` when unknown, deleted or expired.
   */
  load(sessionId: string): Promise<StoredSessionState | undefined>;
  /**
   * Forgets a session and its frames (it ended, or was invalidated).
   *
   * @param sessionId - the session's id.
   * @returns whether it existed.
   */
  delete(sessionId: string): Promise<boolean>;
  /**
   * Moves a live session's resume deadline to `now + ttlMs` without appending.
   *
   * @param sessionId - the session's id.
   * @returns whether it existed (an expired session is not revived).
   */
  touch(sessionId: string): Promise<boolean>;
  /**
   * Appends one dispatch frame; prefer {@link SessionStore.appendMany} once per tick.
   *
   * @param sessionId - the session's id.
   * @param seq - the frame's sequence: exactly the session's `lastSeq + 1`.
   * @param frame - the serialized frame.
   * @returns a promise that resolves once the frame is readable from every store instance.
   * @throws GatewayError `GK_GATEWAY_INVALID_SEQUENCE` when `seq` is not `lastSeq + 1`;
   * SessionStoreError `GK_GATEWAY_SESSION_UNKNOWN` when the session does not exist.
   */
  append(sessionId: string, seq: number, frame: string): Promise<void>;
  /**
   * Appends a batch of frames of any number of sessions (one tick of fan-out) in as few round
   * trips as the backend allows. Each session's frames must follow each other in the batch's
   * order and continue its sequence; each session's part is applied entirely or not at all,
   * independently of the other sessions'.
   *
   * @param appends - the frames, in sending order.
   * @returns a promise that resolves once every frame is readable from every store instance.
   * @throws the first failed session's error (`GK_GATEWAY_INVALID_SEQUENCE`,
   * `GK_GATEWAY_SESSION_UNKNOWN`, …), after the other sessions' parts were applied.
   */
  appendMany(appends: readonly SessionAppend[]): Promise<void>;
  /**
   * The frames a client that last saw `seq` has missed, oldest first.
   *
   * @param sessionId - the RESUME's `session_id`.
   * @param seq - the RESUME's `seq`.
   * @returns exactly the frames `seq + 1 ..= lastSeq` (empty when up to date), or `undefined`
   * when the session is unknown or expired, `seq` is not an integer in `0 ..= lastSeq`, or some
   * of those frames fell out of the window: answer INVALID_SESSION(false).
   */
  since(sessionId: string, seq: number): Promise<string[] | undefined>;
  /**
   * Stops the store: later calls reject with `GK_GATEWAY_CLOSED`. A client or connection passed
   * in is not closed; stored sessions stay for other nodes.
   *
   * @returns a promise that resolves once in-flight writes have settled.
   */
  close(): Promise<void>;
}
