import { shardIdForGuild } from '@guildkit/sharding';
import type { Clock } from '@guildkit/snowflake';
import {
  type APIUser,
  GatewayCloseCodes,
  type GatewayGuildCreateDispatchData,
  type GatewayIdentifyData,
  GatewayOpcodes,
  type GatewayRequestGuildMembersData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import { type PreparedDispatch, prepareDispatch } from './dispatch-frame.js';
import { FrameRateLimiter, type FrameRateLimiterOptions } from './frame-rate-limiter.js';
import {
  GatewaySession,
  type SendQueueLimits,
  type SessionJournal,
  type SessionTransport,
} from './gateway-session.js';
import type { GuildMemberRequestResult, GuildMemberRequests } from './guild-member-requests.js';
import type { IdentifyLimiter } from './identify-limiter.js';
import { decodeInboundFrame, type InboundFrame } from './inbound-frame.js';
import { checkIntents, receivesDispatch } from './intents.js';
import { SYSTEM_CLOCK } from './internal/system-time.js';
import type { SessionRegistry } from './session-registry.js';
import type { TimerHandle, TimerWheel } from './timer-wheel.js';

/** What {@link GatewayConnectionOptions.authenticate} resolves to for a valid token. */
export interface AuthenticatedUser {
  /** The user sent in READY. */
  readonly user: APIUser;
  /** READY's `application`. @defaultValue `{ id: user.id, flags: 0 }` (a bot's application id is its user id) */
  readonly application?: { readonly id: string; readonly flags: number };
}

/** Options for {@link GatewayConnection}; all but `transport` are usually shared by a server. */
export interface GatewayConnectionOptions {
  /** This connection's socket. */
  readonly transport: SessionTransport;
  /**
   * Time source for rate limits, heartbeat deadlines and resume windows; the same clock as
   * the wheel's.
   * @defaultValue `Date.now`
   */
  readonly clock?: Clock;
  /** The wheel that holds every connection's heartbeat deadline. */
  readonly wheel: TimerWheel;
  /** Where sessions wait to be resumed after their connection drops. */
  readonly registry: SessionRegistry;
  /** Resolves the IDENTIFY token to a user, or `null` (close 4004); a rejection closes 4000. */
  readonly authenticate: (token: string) => Promise<AuthenticatedUser | null>;
  /** READY's `resume_gateway_url`. */
  readonly resumeGatewayUrl: string;
  /** The privileged intents a user's application was granted (else 4014). @defaultValue none */
  readonly grantedPrivilegedIntents?: (user: APIUser) => number;
  /**
   * The ids of the user's guilds. The connection keeps those on the IDENTIFY's shard, lists
   * them in READY as unavailable stubs and subscribes the session to them; more than
   * `maxGuildsPerShard` closes with 4011. @defaultValue none
   */
  readonly guildIds?: (user: APIUser) => readonly string[] | Promise<readonly string[]>;
  /**
   * Loads a guild for the GUILD_CREATE sent after READY (one per guild, in READY's order, to
   * sessions with the GUILDS intent); `undefined` leaves it unavailable. Without this option
   * no GUILD_CREATE is sent.
   */
  readonly loadGuild?: (
    guildId: string,
    context: GuildLoadContext,
  ) => Promise<GatewayGuildCreateDispatchData | undefined>;
  /** Guilds one session may hold before IDENTIFY must shard (else 4011). @defaultValue 2500 */
  readonly maxGuildsPerShard?: number;
  /**
   * Answers REQUEST_GUILD_MEMBERS (op 8) with GUILD_MEMBERS_CHUNKs; without it, op 8 goes to
   * `onFrame` like any other frame.
   */
  readonly guildMemberRequests?: GuildMemberRequests;
  /** Session start concurrency shared by a server's connections; none when absent. */
  readonly identifyLimiter?: IdentifyLimiter;
  /** Send-queue bounds of every session. @defaultValue `DEFAULT_SEND_QUEUE_LIMITS` */
  readonly sendQueue?: SendQueueLimits;
  /** Makes a `session_id`. @defaultValue `crypto.randomUUID()` */
  readonly createSessionId?: () => string;
  /**
   * Called once a session is READY (right after the READY dispatch), e.g. to index it, with
   * the IDENTIFY it came from (its `properties` and `presence`).
   */
  readonly onReady?: (session: GatewaySession, identify: GatewayIdentifyData) => void;
  /**
   * Checks an IDENTIFY before its token is authenticated; a returned fault closes the
   * connection with its code (e.g. 4001 for an invalid `presence`). @defaultValue accept all
   */
  readonly checkIdentify?: (
    identify: GatewayIdentifyData,
  ) => { readonly closeCode: number; readonly reason: string } | undefined;
  /** Called once a session is RESUMED on this connection. */
  readonly onResumed?: (session: GatewaySession) => void;
  /**
   * Receives errors of background work (a `loadGuild` or member source that rejects).
   * @defaultValue ignore
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Receives frames of a ready session other than HEARTBEAT, IDENTIFY and RESUME, with the
   * connection they came on (to close it on a fault).
   */
  readonly onFrame?: (
    session: GatewaySession,
    frame: InboundFrame,
    connection: GatewayConnection,
  ) => void;
  /** HELLO's `heartbeat_interval`. @defaultValue 41250 */
  readonly heartbeatIntervalMs?: number;
  /**
   * The zombie deadline is `heartbeatIntervalMs * heartbeatGrace` after HELLO or the last
   * HEARTBEAT; Discord's clients send their first heartbeat after `interval * jitter` (jitter
   * in [0, 1)) and then every interval, so 1.5 leaves half an interval for latency.
   * @defaultValue 1.5
   */
  readonly heartbeatGrace?: number;
  /** How long a dropped session stays resumable. @defaultValue 180000 (3 minutes) */
  readonly resumeWindowMs?: number;
  /** Dispatches kept per session for RESUME. @defaultValue 1000 */
  readonly replayCapacity?: number;
  /** Inbound frame budget (else 4008). @defaultValue 120 frames per 60 s */
  readonly rateLimit?: FrameRateLimiterOptions;
  /** Puts new sessions in write-ahead mode (see `GatewaySessionInit.journal`). @defaultValue none */
  readonly sessionJournal?: SessionJournal;
  /**
   * Resumes a session the registry does not hold (e.g. from a store shared between nodes): it
   * sends the missed dispatches and RESUMED itself and resolves to the session, attached to
   * `transport`, or to `undefined` (INVALID_SESSION). @defaultValue none
   */
  readonly remoteResume?: (
    data: GatewayResumeData,
    transport: SessionTransport,
  ) => Promise<GatewaySession | undefined>;
  /** Called when a RESUME is answered with INVALID_SESSION (unknown, expired or not resumable). */
  readonly onResumeRejected?: () => void;
  /** Called on every HEARTBEAT of a ready session. */
  readonly onHeartbeat?: (session: GatewaySession) => void;
  /** Called once a session held by this connection ends for good (not resumable). */
  readonly onSessionEnd?: (session: GatewaySession) => void;
}

/**
 * Defaults of {@link GatewayConnectionOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_GATEWAY_CONNECTION_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_GATEWAY_CONNECTION_OPTIONS.heartbeatIntervalMs; // 41250
 * ```
 */
export const DEFAULT_GATEWAY_CONNECTION_OPTIONS = {
  heartbeatIntervalMs: 41_250,
  heartbeatGrace: 1.5,
  resumeWindowMs: 180_000,
  maxGuildsPerShard: 2500,
  largeThreshold: 50,
} as const;

/** What {@link GatewayConnectionOptions.loadGuild} is told about the session. */
export interface GuildLoadContext {
  /** The session the GUILD_CREATE is for. */
  readonly session: GatewaySession;
  /**
   * The IDENTIFY's `large_threshold` (50..250, default 50): a guild with more members is
   * `large`, and its `members` should hold only those online.
   */
  readonly largeThreshold: number;
}

/**
 * What a connection's session writes through: the socket's transport, except that closing
 * goes through the connection (so an overflow close also releases the session).
 */
class ConnectionTransport implements SessionTransport {
  readonly #connection: GatewayConnection;
  readonly #transport: SessionTransport;

  constructor(connection: GatewayConnection, transport: SessionTransport) {
    this.#connection = connection;
    this.#transport = transport;
  }

  send(text: string): void {
    this.#transport.send(text);
  }

  sendDispatch(prepared: PreparedDispatch, seq: number): void {
    if (this.#transport.sendDispatch === undefined) this.#transport.send(prepared.frame(seq));
    else this.#transport.sendDispatch(prepared, seq);
  }

  close(code: number, reason: string): void {
    this.#connection.close(code, reason);
  }

  bufferedBytes(): number {
    return this.#transport.bufferedBytes?.() ?? 0;
  }
}

/** Server close codes after which Discord says the client must not resume. */
const NOT_RESUMABLE: ReadonlySet<number> = new Set([
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.SessionTimedOut,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

type State = 'new' | 'open' | 'identifying' | 'ready' | 'closed';

/**
 * The server side of one gateway connection, as a deterministic state machine: feed it the
 * frames the socket receives ({@link receive}) and tell it when the socket closes
 * ({@link peerClosed}); it answers only through its {@link SessionTransport}. HELLO on
 * {@link open}; IDENTIFY -> READY (seq 1); HEARTBEAT -> HEARTBEAT_ACK; RESUME -> the missed
 * dispatches, then RESUMED, or INVALID_SESSION(false); protocol errors close with Discord's
 * codes (4001-4005, 4008, 4010, 4011, 4013, 4014). A missed heartbeat closes with 4009; an
 * IDENTIFY over the `max_concurrency` limit gets INVALID_SESSION(false).
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#connection-lifecycle | Discord: connection lifecycle}
 * @example
 * ```ts
 * import { GatewayConnection } from '@guildkit/gateway-core';
 *
 * wss.on('connection', (socket) => {
 *   const connection = new GatewayConnection({ ...shared, transport: {
 *     send: (text) => socket.send(text),
 *     close: (code, reason) => socket.close(code, reason),
 *   } });
 *   socket.on('message', (data) => void connection.receive(String(data)));
 *   socket.on('close', (code) => connection.peerClosed(code));
 *   connection.open();
 * });
 * ```
 */
export class GatewayConnection {
  readonly #options: GatewayConnectionOptions;
  readonly #clock: Clock;
  readonly #limiter: FrameRateLimiter;
  readonly #heartbeatIntervalMs: number;
  readonly #zombieAfterMs: number;
  /** What sessions write through: the socket, but an overflow close also releases the session. */
  readonly #sessionTransport: SessionTransport;
  #state: State = 'new';
  #session: GatewaySession | undefined;
  #zombie: TimerHandle | undefined;

  /**
   * @param options - the transport, the shared clock, wheel, registry and hooks.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when the rate limit is out of range.
   */
  constructor(options: GatewayConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#limiter = new FrameRateLimiter(options.rateLimit);
    this.#heartbeatIntervalMs =
      options.heartbeatIntervalMs ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.heartbeatIntervalMs;
    this.#zombieAfterMs =
      this.#heartbeatIntervalMs *
      (options.heartbeatGrace ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.heartbeatGrace);
    this.#sessionTransport = new ConnectionTransport(this, options.transport);
  }

  /** The session once READY or RESUMED, else `undefined`. */
  get session(): GatewaySession | undefined {
    return this.#session;
  }

  /** Whether the connection has closed (by either side). */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Sends HELLO and starts the heartbeat deadline; call once, when the socket opens. */
  open(): void {
    if (this.#state !== 'new') return;
    this.#state = 'open';
    this.#send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.#heartbeatIntervalMs } });
    this.#zombie = this.#options.wheel.schedule(this.#deadline(), () =>
      this.#close(GatewayCloseCodes.SessionTimedOut, 'no heartbeat received in time'),
    );
  }

  /**
   * Handles one frame from the socket. A client's mistake closes the connection with its
   * code; an `authenticate` that rejects closes it with 4000 (unknown error). Rejects only
   * with what an `onFrame` hook throws.
   *
   * @param raw - the frame as received.
   * @returns a promise that settles once the frame is handled (IDENTIFY awaits
   * `authenticate`).
   */
  async receive(raw: string | Uint8Array): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'new') return;
    if (!this.#limiter.tryAcquire(this.#clock.now())) {
      this.#close(GatewayCloseCodes.RateLimited, 'more frames than the rate limit allows');
      return;
    }
    const decoded = decodeInboundFrame(raw);
    if (!decoded.ok) {
      this.#close(decoded.closeCode, decoded.reason);
      return;
    }
    const frame = decoded.frame;
    if (frame.op === GatewayOpcodes.Heartbeat) {
      if (this.#zombie !== undefined)
        this.#options.wheel.reschedule(this.#zombie, this.#deadline());
      this.#send({ op: GatewayOpcodes.HeartbeatAck });
      if (this.#session !== undefined) this.#options.onHeartbeat?.(this.#session);
      return;
    }
    if (frame.op === GatewayOpcodes.Identify || frame.op === GatewayOpcodes.Resume) {
      if (this.#state !== 'open') {
        this.#close(GatewayCloseCodes.AlreadyAuthenticated, 'already identified');
        return;
      }
      if (frame.op === GatewayOpcodes.Identify) await this.#identify(frame.d);
      else await this.#resume(frame.d);
      return;
    }
    if (this.#state !== 'ready' || this.#session === undefined) {
      this.#close(GatewayCloseCodes.NotAuthenticated, 'identify first');
      return;
    }
    const members = this.#options.guildMemberRequests;
    if (frame.op === GatewayOpcodes.RequestGuildMembers && members !== undefined) {
      await this.#requestGuildMembers(members, this.#session, frame.d);
      return;
    }
    this.#options.onFrame?.(this.#session, frame, this);
  }

  /**
   * Closes the connection from the server side, as a protocol error does: the session stays
   * resumable unless Discord says the code forbids resuming (4004, 4009-4014).
   *
   * @param code - the gateway close code.
   * @param reason - the close reason (at most 123 bytes of UTF-8).
   */
  close(code: number, reason: string): void {
    this.#close(code, reason);
  }

  /**
   * Tells the connection its socket closed from the other side. 1000 and 1001 end the
   * session; any other code keeps it resumable for the resume window.
   *
   * @param code - the WebSocket close code.
   */
  peerClosed(code: number): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#release(code !== 1000 && code !== 1001);
  }

  async #identify(d: GatewayIdentifyData): Promise<void> {
    this.#state = 'identifying';
    const fault = this.#options.checkIdentify?.(d);
    if (fault !== undefined) {
      this.#close(fault.closeCode, fault.reason);
      return;
    }
    const shard: readonly [number, number] = d.shard ?? [0, 1];
    if (shard[1] < 1 || shard[0] >= shard[1]) {
      this.#close(GatewayCloseCodes.InvalidShard, 'shard_id must be below shard_count');
      return;
    }
    let auth: AuthenticatedUser | null;
    let guildIds: readonly string[];
    try {
      auth = await this.#options.authenticate(d.token);
      guildIds = auth === null ? [] : ((await this.#options.guildIds?.(auth.user)) ?? []);
    } catch {
      this.#close(GatewayCloseCodes.UnknownError, 'authentication is unavailable');
      return;
    }
    if (this.#state !== 'identifying') return;
    if (auth === null) {
      this.#close(GatewayCloseCodes.AuthenticationFailed, 'invalid token');
      return;
    }
    const intents = checkIntents(
      d.intents,
      this.#options.grantedPrivilegedIntents?.(auth.user) ?? 0,
    );
    if (!intents.ok) {
      this.#close(intents.closeCode, intents.reason);
      return;
    }
    const shardGuilds =
      shard[1] === 1
        ? guildIds
        : guildIds.filter((id) => shardIdForGuild(id, shard[1]) === shard[0]);
    const maxGuilds =
      this.#options.maxGuildsPerShard ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.maxGuildsPerShard;
    if (shardGuilds.length > maxGuilds) {
      this.#close(
        GatewayCloseCodes.ShardingRequired,
        `${shardGuilds.length} guilds on one shard; the limit is ${maxGuilds}`,
      );
      return;
    }
    const application = auth.application ?? { id: auth.user.id, flags: 0 };
    const admission = this.#options.identifyLimiter?.tryAcquire(application.id, shard[0]);
    if (admission !== undefined && !admission.ok) {
      this.#state = 'open';
      this.#send({ op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const session = new GatewaySession({
      sessionId: this.#options.createSessionId?.() ?? globalThis.crypto.randomUUID(),
      token: d.token,
      user: auth.user,
      intents: d.intents,
      shard,
      guildIds: shardGuilds,
      ...(this.#options.sendQueue === undefined ? {} : { sendQueue: this.#options.sendQueue }),
      ...(this.#options.replayCapacity === undefined
        ? {}
        : { replayCapacity: this.#options.replayCapacity }),
      ...(this.#options.sessionJournal === undefined
        ? {}
        : { journal: this.#options.sessionJournal }),
    });
    session.attach(this.#sessionTransport, 0);
    this.#session = session;
    this.#state = 'ready';
    session.dispatch(
      prepareDispatch('READY', {
        v: 10,
        user: auth.user,
        guilds: shardGuilds.map((id) => ({ id, unavailable: true })),
        session_id: session.id,
        resume_gateway_url: this.#options.resumeGatewayUrl,
        shard,
        application,
      }),
    );
    this.#options.onReady?.(session, d);
    if (this.#options.loadGuild !== undefined && receivesDispatch(d.intents, 'GUILD_CREATE', true))
      void this.#sendGuildCreates(session, shardGuilds, d.large_threshold);
  }

  async #sendGuildCreates(
    session: GatewaySession,
    guildIds: readonly string[],
    largeThreshold: number = DEFAULT_GATEWAY_CONNECTION_OPTIONS.largeThreshold,
  ): Promise<void> {
    const load = this.#options.loadGuild;
    if (load === undefined) return;
    for (const guildId of guildIds) {
      if (session.ended) return;
      try {
        const guild = await load(guildId, { session, largeThreshold });
        if (guild !== undefined && session.guildIds.has(guildId))
          session.dispatch(prepareDispatch('GUILD_CREATE', guild));
      } catch (error) {
        this.#options.onError?.(error);
      }
    }
  }

  async #requestGuildMembers(
    members: GuildMemberRequests,
    session: GatewaySession,
    d: GatewayRequestGuildMembersData,
  ): Promise<void> {
    let result: GuildMemberRequestResult;
    try {
      result = await members.handle(session, d);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    if (result.kind === 'close') this.#close(result.code, result.reason);
    else if (result.kind === 'dispatch')
      for (const dispatch of result.dispatches) session.dispatch(dispatch);
  }

  async #resume(d: GatewayResumeData): Promise<void> {
    const { registry, remoteResume } = this.#options;
    const session = registry.get(d.session_id, this.#clock.now());
    if (
      session !== undefined &&
      session.token === d.token &&
      session.attach(this.#sessionTransport, d.seq)
    ) {
      registry.remove(session.id);
      this.#resumed(session, true);
      return;
    }
    if (remoteResume !== undefined) {
      this.#state = 'identifying';
      let remote: GatewaySession | undefined;
      try {
        remote = await remoteResume(d, this.#sessionTransport);
      } catch (error) {
        this.#options.onError?.(error);
      }
      if (remote !== undefined) {
        this.#resumed(remote, false);
        return;
      }
      if (this.#state !== 'identifying') return;
    }
    this.#state = 'open';
    this.#send({ op: GatewayOpcodes.InvalidSession, d: false });
    this.#options.onResumeRejected?.();
  }

  #resumed(session: GatewaySession, sendResumed: boolean): void {
    this.#session = session;
    if (this.#state === 'closed') {
      this.#release(true);
      return;
    }
    this.#state = 'ready';
    if (sendResumed) session.dispatch(prepareDispatch('RESUMED', null));
    this.#options.onResumed?.(session);
  }

  #close(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#options.transport.close(code, reason);
    this.#release(!NOT_RESUMABLE.has(code));
  }

  #release(resumable: boolean): void {
    if (this.#zombie !== undefined) this.#options.wheel.cancel(this.#zombie);
    this.#zombie = undefined;
    const session = this.#session;
    if (session === undefined) return;
    if (resumable) {
      session.detach();
      this.#options.registry.detach(
        session,
        this.#clock.now() +
          (this.#options.resumeWindowMs ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.resumeWindowMs),
      );
    } else {
      session.end();
      this.#options.onSessionEnd?.(session);
    }
  }

  #deadline(): number {
    return this.#clock.now() + this.#zombieAfterMs;
  }

  #send(payload: unknown): void {
    this.#options.transport.send(JSON.stringify(payload));
  }
}
