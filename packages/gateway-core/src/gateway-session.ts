import type { APIUser } from 'discord-api-types/v10';
import type { PreparedDispatch } from './dispatch-frame.js';
import { ReplayBuffer } from './replay-buffer.js';

/**
 * The only way a session talks to its socket: the ws server (or a test) implements it.
 *
 * @example
 * ```ts
 * const transport: SessionTransport = {
 *   send: (text) => socket.send(text),
 *   close: (code, reason) => socket.close(code, reason),
 * };
 * ```
 */
export interface SessionTransport {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes the socket with a WebSocket close code. */
  close(code: number, reason: string): void;
}

/** What a {@link GatewaySession} is made of; {@link GatewayConnection} builds it on IDENTIFY. */
export interface GatewaySessionInit {
  /** The `session_id` sent in READY and expected in RESUME. */
  readonly sessionId: string;
  /** The token the session identified with; a RESUME must present the same one. */
  readonly token: string;
  /** The authenticated user. */
  readonly user: APIUser;
  /** The IDENTIFY's intents. */
  readonly intents: number;
  /** `[shard_id, shard_count]` of the IDENTIFY (`[0, 1]` when absent). */
  readonly shard: readonly [shardId: number, shardCount: number];
  /**
   * How many recent dispatches are kept for RESUME.
   * @defaultValue 1000 (see `DEFAULT_REPLAY_BUFFER_OPTIONS`)
   */
  readonly replayCapacity?: number;
}

/**
 * One logical gateway session: its identity, its sequence numbers and its replay buffer. It
 * outlives the connection that created it: while detached (the socket dropped, the session is
 * still resumable) dispatches are numbered and buffered but not sent, and a RESUME on a new
 * connection re-attaches it and replays them. Fan-out code holds sessions, not connections.
 *
 * @example
 * ```ts
 * import { prepareDispatch } from '@guildkit/gateway-core';
 *
 * const prepared = prepareDispatch('TYPING_START', { channel_id: '1', user_id: '2' });
 * for (const session of audience) session.dispatch(prepared);
 * ```
 */
export class GatewaySession {
  /** The `session_id`. */
  readonly id: string;
  /** The token the session identified with. */
  readonly token: string;
  /** The authenticated user. */
  readonly user: APIUser;
  /** The IDENTIFY's intents. */
  readonly intents: number;
  /** `[shard_id, shard_count]`. */
  readonly shard: readonly [shardId: number, shardCount: number];
  readonly #buffer: ReplayBuffer;
  #transport: SessionTransport | undefined;
  #ended = false;

  /**
   * @param init - identity, intents, shard and replay capacity.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `replayCapacity` is not a positive
   * safe integer.
   */
  constructor(init: GatewaySessionInit) {
    this.id = init.sessionId;
    this.token = init.token;
    this.user = init.user;
    this.intents = init.intents;
    this.shard = init.shard;
    this.#buffer =
      init.replayCapacity === undefined
        ? new ReplayBuffer()
        : new ReplayBuffer({ capacity: init.replayCapacity });
  }

  /** The sequence number of the last dispatch, or 0 before the first. */
  get seq(): number {
    return this.#buffer.lastSeq;
  }

  /** Whether a connection is attached (frames are sent, not only buffered). */
  get attached(): boolean {
    return this.#transport !== undefined;
  }

  /** Whether the session is over: it takes no more dispatches and cannot be resumed. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Numbers a dispatch with the next sequence, keeps it for RESUME, and sends it when a
   * connection is attached.
   *
   * @param prepared - the dispatch, serialized once for all its sessions.
   * @returns the sequence number given to it, or `undefined` when the session has ended.
   * @example
   * ```ts
   * session.dispatch(prepareDispatch('GUILD_CREATE', guild)); // 2, right after READY
   * ```
   */
  dispatch(prepared: PreparedDispatch): number | undefined {
    if (this.#ended) return undefined;
    const seq = this.#buffer.lastSeq + 1;
    const frame = prepared.frame(seq);
    this.#buffer.push(seq, frame);
    this.#transport?.send(frame);
    return seq;
  }

  /**
   * Attaches a connection and sends it, in order, the dispatches after `lastSeq`; used by
   * {@link GatewayConnection} on IDENTIFY and RESUME.
   *
   * @param transport - the connection's transport.
   * @param lastSeq - the last sequence the client saw (its RESUME `seq`), or the current
   * {@link seq} to replay nothing.
   * @returns `true` when attached; `false`, with nothing sent, when the session has ended or
   * some of those dispatches are no longer buffered.
   */
  attach(transport: SessionTransport, lastSeq: number): boolean {
    if (this.#ended) return false;
    const missed = this.#buffer.since(lastSeq);
    if (missed === undefined) return false;
    this.#transport = transport;
    for (const frame of missed) transport.send(frame);
    return true;
  }

  /** Detaches the connection; later dispatches are only buffered until a RESUME. */
  detach(): void {
    this.#transport = undefined;
  }

  /** Ends the session for good: detached, no more dispatches, not resumable. */
  end(): void {
    this.#transport = undefined;
    this.#ended = true;
  }
}
