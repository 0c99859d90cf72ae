import type { APIUser } from 'discord-api-types/v10';
import type { PreparedDispatch } from './dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { ReplayBuffer } from './replay-buffer.js';

/**
 * The close code a session gets when its send queue overflows. Discord's clients answer 4000
 * (unknown error) by reconnecting and resuming, so the frames still in the replay buffer reach
 * them on the next connection.
 */
export const SEND_QUEUE_OVERFLOW_CLOSE_CODE = 4000;

/**
 * Bounds of a session's send queue (the bytes its socket has accepted but not yet written).
 * Above `lowPriorityDropBytes`, low-priority dispatches (typing, presence) are skipped: never
 * numbered, so the client's sequence stays contiguous. Above `maxBufferedBytes`, the connection
 * is closed with {@link SEND_QUEUE_OVERFLOW_CLOSE_CODE} and the session stays resumable:
 * nothing else is ever dropped from a session that stays connected.
 */
export interface SendQueueLimits {
  /** @defaultValue 262144 (256 KiB) */
  readonly lowPriorityDropBytes: number;
  /** @defaultValue 4194304 (4 MiB) */
  readonly maxBufferedBytes: number;
}

/**
 * Defaults of {@link SendQueueLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_SEND_QUEUE_LIMITS } from '@guildkit/gateway-core';
 *
 * DEFAULT_SEND_QUEUE_LIMITS.maxBufferedBytes; // 4194304
 * ```
 */
export const DEFAULT_SEND_QUEUE_LIMITS: SendQueueLimits = {
  lowPriorityDropBytes: 256 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
};

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
  /**
   * Sends one dispatch frame; when present, sessions call it instead of
   * `send(prepared.frame(seq))`, so a socket can take the frame's bytes
   * ({@link PreparedDispatch.writeFrame}) without encoding its text.
   */
  sendDispatch?(prepared: PreparedDispatch, seq: number): void;
  /** Closes the socket with a WebSocket close code. */
  close(code: number, reason: string): void;
  /**
   * Bytes queued for the socket and not yet written (`ws`'s `bufferedAmount`, plus what a
   * compressor holds). Without it the session assumes the queue is empty.
   */
  bufferedBytes?(): number;
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
  /** The guilds this session receives events of (already filtered to its shard). @defaultValue none */
  readonly guildIds?: Iterable<string>;
  /** Send-queue bounds. @defaultValue {@link DEFAULT_SEND_QUEUE_LIMITS} */
  readonly sendQueue?: SendQueueLimits;
  /**
   * How many recent dispatches are kept for RESUME.
   * @defaultValue 1000 (see `DEFAULT_REPLAY_BUFFER_OPTIONS`)
   */
  readonly replayCapacity?: number;
  /**
   * The sequence of the dispatch before this session's first one on this node: a session
   * resumed from a shared store continues its sequence there. @defaultValue 0
   */
  readonly firstSeq?: number;
  /**
   * Write-ahead mode: every numbered dispatch is handed to the journal and sent only once the
   * journal calls {@link GatewaySession.release} with its sequence. @defaultValue none (sent at once)
   */
  readonly journal?: SessionJournal;
}

/**
 * Where a session in write-ahead mode records its dispatches before sending them (e.g. a
 * shared session store). It must call {@link GatewaySession.release} once frames are durable,
 * in sequence order.
 */
export interface SessionJournal {
  /**
   * Records one numbered dispatch.
   *
   * @param session - the session it was numbered for.
   * @param seq - its sequence.
   * @param frame - its frame text, as the client receives it.
   */
  record(session: GatewaySession, seq: number, frame: string): void;
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
  /** The guilds whose events this session receives; fan-out keeps it in step with its index. */
  readonly guildIds: Set<string>;
  readonly #buffer: ReplayBuffer<PreparedDispatch>;
  readonly #limits: SendQueueLimits;
  readonly #base: number;
  readonly #journal: SessionJournal | undefined;
  /** The newest sequence the journal released (in write-ahead mode), else the newest one. */
  #released: number;
  /** The newest sequence sent to the attached transport. */
  #sent = 0;
  /** Write-ahead mode: the dispatches after {@link #released}, oldest first. */
  #unreleased: PreparedDispatch[] = [];
  #droppedLowPriority = 0;
  #transport: SessionTransport | undefined;
  #ended = false;

  /**
   * @param init - identity, intents, shard and replay capacity.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `replayCapacity` is not a positive
   * safe integer, or the send-queue limits are not non-negative numbers with
   * `lowPriorityDropBytes <= maxBufferedBytes`.
   */
  constructor(init: GatewaySessionInit) {
    this.id = init.sessionId;
    this.token = init.token;
    this.user = init.user;
    this.intents = init.intents;
    this.shard = init.shard;
    this.guildIds = new Set(init.guildIds);
    this.#limits = checkLimits(init.sendQueue ?? DEFAULT_SEND_QUEUE_LIMITS);
    this.#buffer =
      init.replayCapacity === undefined
        ? new ReplayBuffer<PreparedDispatch>()
        : new ReplayBuffer<PreparedDispatch>({ capacity: init.replayCapacity });
    this.#base = init.firstSeq ?? 0;
    if (!Number.isSafeInteger(this.#base) || this.#base < 0) {
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `firstSeq must be a non-negative safe integer, got ${String(init.firstSeq)}`,
      );
    }
    this.#journal = init.journal;
    this.#released = this.#base;
  }

  /** The sequence number of the last dispatch, or 0 before the first. */
  get seq(): number {
    return this.#base + this.#buffer.lastSeq;
  }

  /** Whether a connection is attached (frames are sent, not only buffered). */
  get attached(): boolean {
    return this.#transport !== undefined;
  }

  /** Whether the session is over: it takes no more dispatches and cannot be resumed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** How many low-priority dispatches were skipped because the send queue was congested. */
  get droppedLowPriority(): number {
    return this.#droppedLowPriority;
  }

  /**
   * Numbers a dispatch with the next sequence, keeps it for RESUME, and sends it when a
   * connection is attached. A low-priority dispatch to a congested connection is skipped; a
   * send that overflows the queue closes the connection (see {@link SendQueueLimits}).
   *
   * @param prepared - the dispatch, serialized once for all its sessions.
   * @returns the sequence number given to it, or `undefined` when the session has ended or
   * the dispatch was skipped.
   * @example
   * ```ts
   * session.dispatch(prepareDispatch('GUILD_CREATE', guild)); // 2, right after READY
   * ```
   */
  dispatch(prepared: PreparedDispatch): number | undefined {
    if (this.#ended) return undefined;
    const transport = this.#transport;
    if (
      prepared.priority === 'low' &&
      transport !== undefined &&
      (transport.bufferedBytes?.() ?? 0) > this.#limits.lowPriorityDropBytes
    ) {
      this.#droppedLowPriority += 1;
      return undefined;
    }
    const seq = this.seq + 1;
    this.#buffer.push(seq - this.#base, prepared);
    if (this.#journal !== undefined) {
      this.#unreleased.push(prepared);
      this.#journal.record(this, seq, prepared.frame(seq));
      return seq;
    }
    this.#released = seq;
    if (transport === undefined) return seq;
    this.#sent = seq;
    sendDispatch(transport, prepared, seq);
    this.#checkOverflow(transport);
    return seq;
  }

  /**
   * Write-ahead mode: the journal made every dispatch up to `seq` durable, so they may be sent.
   * Sends those not sent yet to the attached transport, in order.
   *
   * @param seq - the newest durable sequence.
   */
  release(seq: number): void {
    if (seq <= this.#released || this.#ended) return;
    const durable = this.#unreleased.splice(0, Math.min(seq, this.seq) - this.#released);
    const first = this.#released + 1;
    this.#released += durable.length;
    const transport = this.#transport;
    if (transport === undefined) return;
    if (this.#sent + 1 !== first) {
      this.#sendUpTo(transport, this.#released);
      return;
    }
    // Sent straight from the released run: it may be longer than the replay buffer holds.
    for (const prepared of durable) sendDispatch(transport, prepared, ++this.#sent);
    this.#checkOverflow(transport);
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
    if (this.#ended || lastSeq > this.#released) return false;
    if (this.#buffer.since(lastSeq - this.#base) === undefined) return false;
    this.#transport = transport;
    this.#sent = lastSeq;
    this.#sendUpTo(transport, this.#released);
    return true;
  }

  /** Detaches the connection; later dispatches are only buffered until a RESUME. */
  detach(): void {
    this.#transport = undefined;
  }

  /**
   * Ends the session for good: detached, no more dispatches, not resumable.
   *
   * @param closeCode - when given, the attached connection is closed with it.
   */
  end(closeCode?: number): void {
    const transport = this.#transport;
    this.#transport = undefined;
    this.#ended = true;
    if (closeCode !== undefined) transport?.close(closeCode, 'the session ended on this node');
  }

  #sendUpTo(transport: SessionTransport, seq: number): void {
    if (seq <= this.#sent) return;
    const pending = this.#buffer.since(this.#sent - this.#base);
    if (pending === undefined) {
      // The journal lagged by more than the replay capacity: the client resumes from the store.
      this.#transport = undefined;
      transport.close(SEND_QUEUE_OVERFLOW_CLOSE_CODE, 'send queue overflow: resume to catch up');
      return;
    }
    for (let next = this.#sent + 1, i = 0; next <= seq; next++, i++) {
      const prepared = pending[i];
      if (prepared === undefined) break;
      sendDispatch(transport, prepared, next);
      this.#sent = next;
    }
    this.#checkOverflow(transport);
  }

  #checkOverflow(transport: SessionTransport): void {
    if ((transport.bufferedBytes?.() ?? 0) > this.#limits.maxBufferedBytes) {
      this.#transport = undefined;
      transport.close(SEND_QUEUE_OVERFLOW_CLOSE_CODE, 'send queue overflow: resume to catch up');
    }
  }
}

function sendDispatch(transport: SessionTransport, prepared: PreparedDispatch, seq: number): void {
  if (transport.sendDispatch === undefined) transport.send(prepared.frame(seq));
  else transport.sendDispatch(prepared, seq);
}

function checkLimits(limits: SendQueueLimits): SendQueueLimits {
  const { lowPriorityDropBytes: low, maxBufferedBytes: max } = limits;
  if (!(low >= 0 && max >= low && Number.isFinite(max))) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `send queue limits need 0 <= lowPriorityDropBytes <= maxBufferedBytes, got ${low} and ${max}`,
    );
  }
  return limits;
}
