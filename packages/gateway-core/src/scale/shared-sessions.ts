import { shardIdForGuild } from '@guildkit/sharding';
import type { APIUser, GatewayResumeData } from 'discord-api-types/v10';
import { prepareDispatch } from '../dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from '../errors.js';
import type { AuthenticatedUser } from '../gateway-connection.js';
import { GatewaySession, type SendQueueLimits, type SessionTransport } from '../gateway-session.js';
import type { SessionStore, StoredSessionState } from '../resume/session-store.js';
import type { StoreJournal } from './store-journal.js';

/** Options for {@link SharedSessions}. */
export interface SharedSessionsOptions {
  /** The store shared by the nodes. */
  readonly store: SessionStore;
  /** This node's journal: resumed sessions continue in write-ahead mode through it. */
  readonly journal: StoreJournal;
  /** Authenticates the RESUME's token; the user must be the session's. */
  readonly authenticate: (token: string) => Promise<AuthenticatedUser | null>;
  /** The user's guilds (cut to the session's shard here). @defaultValue none */
  readonly guildIds?: (user: APIUser) => readonly string[] | Promise<readonly string[]>;
  /**
   * Indexes a claimed session for dispatches (the server's fan-out). Called before the missed
   * frames are read, so nothing dispatched meanwhile is lost.
   */
  readonly register: (session: GatewaySession) => void;
  /** Send-queue bounds of resumed sessions. @defaultValue `DEFAULT_SEND_QUEUE_LIMITS` */
  readonly sendQueue?: SendQueueLimits;
  /** Dispatches kept in memory per resumed session. @defaultValue 1000 */
  readonly replayCapacity?: number;
  /** How often a claim that lost a race with the old node is retried. @defaultValue 3 */
  readonly maxClaimAttempts?: number;
}

/**
 * Resumes, on this node, a session another node held, from a shared {@link SessionStore}:
 * the RESUME's token must authenticate as the stored user; the node then claims the session
 * by appending RESUMED at `lastSeq + 1` (the store's contiguous-sequence check makes the
 * claim atomic against the old node's appends, and fences the old node off), indexes it,
 * replays `since(seq)` (which ends with that RESUMED) and continues the sequence here.
 *
 * @example
 * ```ts
 * const shared = new SharedSessions({ store, journal, authenticate, register: (s) => fanOut.add(s) });
 * const session = await shared.resume(resumeData, transport); // undefined: INVALID_SESSION
 * ```
 */
export class SharedSessions {
  readonly #options: SharedSessionsOptions;

  /**
   * @param options - the store, the journal, authentication and the fan-out hook.
   */
  constructor(options: SharedSessionsOptions) {
    this.#options = options;
  }

  /**
   * Resumes a session from the store onto `transport`: the missed frames and RESUMED are
   * sent before this resolves.
   *
   * @param data - the RESUME's `d`.
   * @param transport - the connection's transport.
   * @returns the attached session, or `undefined` when it cannot be resumed (unknown or
   * expired, another user's token, `seq` outside the stored window).
   * @throws SessionStoreError `GK_GATEWAY_SESSION_STORE_FAILED` (as a rejection) when the store
   * fails.
   */
  async resume(
    data: GatewayResumeData,
    transport: SessionTransport,
  ): Promise<GatewaySession | undefined> {
    const { store } = this.#options;
    let state = await store.load(data.session_id);
    if (state === undefined) return undefined;
    const auth = await this.#options.authenticate(data.token);
    if (auth === null || auth.user.id !== state.userId) return undefined;
    const guildIds = cutToShard(
      (await this.#options.guildIds?.(auth.user)) ?? [],
      state.shard[1],
      state.shard[0],
    );
    const attempts = this.#options.maxClaimAttempts ?? 3;
    for (let attempt = 1; state !== undefined; attempt++) {
      if (!canReplay(data.seq, state.lastSeq + 1, store.capacity)) return undefined;
      const claimed = state.lastSeq + 1;
      if (await this.#claim(state, claimed)) {
        const session = this.#session(state, data.token, auth.user, guildIds, claimed);
        this.#options.register(session);
        return this.#replay(session, data.seq, transport);
      }
      if (attempt >= attempts) return undefined;
      state = await store.load(data.session_id);
    }
    return undefined;
  }

  async #claim(state: StoredSessionState, seq: number): Promise<boolean> {
    try {
      await this.#options.store.append(
        state.sessionId,
        seq,
        prepareDispatch('RESUMED', null).frame(seq),
      );
      return true;
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.InvalidSequence)
        return false;
      throw error;
    }
  }

  #session(
    state: StoredSessionState,
    token: string,
    user: APIUser,
    guildIds: readonly string[],
    claimed: number,
  ): GatewaySession {
    const { sendQueue, replayCapacity, journal } = this.#options;
    return new GatewaySession({
      sessionId: state.sessionId,
      token,
      user,
      intents: state.intents,
      shard: state.shard,
      guildIds,
      firstSeq: claimed,
      journal,
      ...(sendQueue === undefined ? {} : { sendQueue }),
      ...(replayCapacity === undefined ? {} : { replayCapacity }),
    });
  }

  async #replay(
    session: GatewaySession,
    seq: number,
    transport: SessionTransport,
  ): Promise<GatewaySession | undefined> {
    const missed = await this.#options.store.since(session.id, seq);
    if (missed === undefined) {
      session.end();
      return undefined;
    }
    for (const frame of missed) transport.send(frame);
    const upTo = seq + missed.length;
    // What the store returned is durable, including this node's own appends read back.
    session.release(upTo);
    if (session.attach(transport, upTo)) return session;
    session.end();
    return undefined;
  }
}

/** Whether a client that saw `seq` can be replayed a window of `capacity` ending at `lastSeq`. */
function canReplay(seq: number, lastSeq: number, capacity: number): boolean {
  return Number.isSafeInteger(seq) && seq >= 0 && seq < lastSeq && lastSeq - seq <= capacity;
}

function cutToShard(
  guildIds: readonly string[],
  shardCount: number,
  shardId: number,
): readonly string[] {
  return shardCount <= 1
    ? guildIds
    : guildIds.filter((id) => shardIdForGuild(id, shardCount) === shardId);
}
