import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, Scheduler } from '@guildkit/snowflake';
import { GatewayCloseCodes, type GatewayIdentifyData, GatewayOpcodes } from 'discord-api-types/v10';
import { EventEmitter } from 'eventemitter3';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { EventBus } from './bus/event-bus.js';
import { PreparedDispatch } from './dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { type FanOutDispatch, GatewayFanOut, type GatewayFanOutOptions } from './fan-out.js';
import {
  DEFAULT_GATEWAY_CONNECTION_OPTIONS,
  GatewayConnection,
  type GatewayConnectionOptions,
} from './gateway-connection.js';
import type { GatewaySession } from './gateway-session.js';
import { IdentifyLimiter, type IdentifyLimiterOptions } from './identify-limiter.js';
import { GuildkitOpcodes, MAX_INBOUND_FRAME_BYTES } from './inbound-frame.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from './internal/system-time.js';
import type { FrameWritten } from './internal/tick-frame-writer.js';
import {
  CompressedWsTransport,
  type SocketTransport,
  WsTransport,
} from './internal/ws-transport.js';
import type { PresenceStore } from './presence/presence-store.js';
import type { PresenceTracker } from './presence/presence-tracker.js';
import { ServerPresence } from './presence/server-presence.js';
import type { SessionStore } from './resume/session-store.js';
import { BusFanOut } from './scale/bus-fan-out.js';
import { SharedSessions } from './scale/shared-sessions.js';
import { StoreJournal } from './scale/store-journal.js';
import { MemorySessionRegistry, type SessionRegistry } from './session-registry.js';
import { TimerWheel } from './timer-wheel.js';

/** What kind of frame left for a client: `dispatch` for op 0, `control` for every other op. */
export type SentFrameKind = 'dispatch' | 'control';

/**
 * Socket-level facts a {@link GatewayServer} reports to what observes it (e.g.
 * `GatewayMetrics.observeServer` from `@guildkit/gateway-core/metrics`). Called synchronously
 * on the hot path: keep them cheap.
 */
export interface GatewayServerObserver {
  /** A WebSocket upgrade was accepted. */
  connectionOpened(): void;
  /** A socket closed; `code` is the close code it closed with (1006 without a close frame). */
  connectionClosed(code: number): void;
  /** A frame left for a client, `bytes` long on the socket (compressed under zlib-stream). */
  frameSent(kind: SentFrameKind, bytes: number): void;
  /** A session reached READY. */
  sessionReady(session: GatewaySession): void;
  /** A session was RESUMED on this server (from its own registry or from the shared store). */
  sessionResumed(session: GatewaySession): void;
  /** A RESUME was answered with INVALID_SESSION. */
  resumeRejected(): void;
}

/** Events of a {@link GatewayServer}. */
export interface GatewayServerEvents {
  /** A background fact worth logging: a rejected handshake, a socket error, a hook that threw. */
  debug: [message: string];
}

/**
 * Options for {@link GatewayServer}: where to listen, plus every shared
 * {@link GatewayConnectionOptions} except the per-socket `transport`.
 */
export interface GatewayServerOptions
  extends Omit<
    GatewayConnectionOptions,
    | 'transport'
    | 'wheel'
    | 'registry'
    | 'resumeGatewayUrl'
    | 'identifyLimiter'
    | 'sessionJournal'
    | 'remoteResume'
    | 'onHeartbeat'
    | 'onSessionEnd'
    | 'checkIdentify'
    | 'onResumeRejected'
  > {
  /** TCP port for {@link GatewayServer.listen}; 0 picks a free one. Ignored with `server`. @defaultValue 0 */
  readonly port?: number;
  /** Interface for {@link GatewayServer.listen}. Ignored with `server`. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** An existing HTTP server to attach to; it is neither listened on nor closed by the gateway. */
  readonly server?: Server;
  /** Only upgrades to this path are accepted (others get HTTP 400). @defaultValue any path */
  readonly path?: string;
  /** READY's `resume_gateway_url`. @defaultValue `ws://<host>:<port><path>` of the listening server */
  readonly resumeGatewayUrl?: string;
  /** Timers (the heartbeat wheel's one platform timer). @defaultValue Node's `setTimeout` */
  readonly scheduler?: Scheduler;
  /**
   * Where dropped sessions wait to be resumed. Share one between servers (with its own wheel)
   * and a session drained from one server resumes on another. @defaultValue a
   * {@link MemorySessionRegistry} on this server's wheel
   */
  readonly registry?: SessionRegistry;
  /**
   * Session start concurrency per application (`max_concurrency`, one IDENTIFY per bucket per
   * 5 s); `false` turns it off. @defaultValue `{ maxConcurrency: 1, windowMs: 5000 }`
   */
  readonly identifyConcurrency?: Omit<IdentifyLimiterOptions, 'clock'> | false;
  /**
   * How long {@link GatewayServer.close} waits, after RECONNECT, for clients to close their
   * sockets before closing them itself. @defaultValue 5000
   */
  readonly drainTimeoutMs?: number;
  /**
   * Sessions shared between nodes, so a client whose node was drained or killed RESUMEs on
   * any node. Every dispatch is appended to the store (one batch per session per tick) before
   * it is sent; READY creates the session there, heartbeats touch it, a clean end deletes it;
   * a RESUME of a session this node does not hold claims it from the store (see
   * `SharedSessions`). The server neither opens nor closes the store. @defaultValue none
   * (sessions live on this node only)
   */
  readonly sessionStore?: SessionStore;
  /**
   * Guild events shared between nodes: `fanOut.dispatchToGuild` publishes to the bus, and the
   * server delivers every guild event of the bus to its own sessions, in bus order (see
   * `BusFanOut`). Subscribed in {@link GatewayServer.listen}, released in
   * {@link GatewayServer.close}; the server does not close the bus. @defaultValue none
   * (guild events stay on this node)
   */
  readonly eventBus?: EventBus;
  /**
   * Presence for every session: IDENTIFY's `presence` is validated (close 4001) and
   * published on READY, HEARTBEATs refresh it, PRESENCE_UPDATE (op 3) is rate-limited (4008)
   * and validated (4001) instead of reaching `onFrame`, RESUME takes the stored presence
   * over (also from another node), a clean end removes it; the tracker's batches reach this
   * server's sessions of each guild as PRESENCE_UPDATE (GUILD_PRESENCES intent, low
   * priority). Share one {@link PresenceStore} between the nodes' trackers. The server does
   * not close the tracker. @defaultValue none (op 3 goes to `onFrame`)
   */
  readonly presence?: PresenceTracker;
  /**
   * The event path's slicing and passive sessions (see {@link GatewayFanOutOptions}). With
   * `passive`, a LAZY_REQUEST (op 14) for a guild makes the session active there (it still
   * reaches `onFrame`). @defaultValue slices of 500 sessions, every session active
   */
  readonly fanOut?: GatewayFanOutOptions;
}

/**
 * Defaults of {@link GatewayServerOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_GATEWAY_SERVER_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_GATEWAY_SERVER_OPTIONS.host; // '127.0.0.1'
 * ```
 */
export const DEFAULT_GATEWAY_SERVER_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  drainTimeoutMs: 5000,
} as const satisfies Required<Pick<GatewayServerOptions, 'port' | 'host' | 'drainTimeoutMs'>>;

/**
 * The close code (1012, service restart) for sockets still open when a draining server's
 * {@link GatewayServerOptions.drainTimeoutMs} runs out. Like any code but 1000/1001 it keeps
 * the session resumable.
 */
export const SERVER_SHUTDOWN_CLOSE_CODE = 1012;

/** The listeners of a socket, shared by every socket of a server (`this` is the socket). */
interface SocketHandlers {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  close(this: WebSocket, code: number): void;
  error(this: WebSocket, error: Error): void;
}

/**
 * ws closes oversize frames (1009) and invalid UTF-8 (1007) itself; Discord's code is 4002.
 * Installed as every socket's `close`, shared (it reads the socket from `this`).
 */
function closeWithGatewayCodes(this: WebSocket, code?: number, reason?: string | Buffer): void {
  const gatewayReason = code === undefined ? undefined : WS_TO_GATEWAY_CLOSE.get(code);
  if (gatewayReason === undefined) WebSocket.prototype.close.call(this, code, reason);
  else WebSocket.prototype.close.call(this, GatewayCloseCodes.DecodeError, gatewayReason);
}

interface Link {
  readonly connection: GatewayConnection;
  readonly transport: SocketTransport;
}

/** ws closes frames over `maxPayload` with 1009 and invalid UTF-8 with 1007; Discord says 4002. */
const WS_TO_GATEWAY_CLOSE: ReadonlyMap<number, string> = new Map([
  [1009, `frame larger than ${MAX_INBOUND_FRAME_BYTES} bytes`],
  [1007, 'frame is not valid UTF-8'],
]);

/**
 * A Discord gateway v10 server on `ws`: one {@link GatewayConnection} per socket, sharing one
 * timer wheel, one session registry, one IDENTIFY limiter and one {@link GatewayFanOut}. The
 * query string must carry `v=10` (else close 4012); `encoding` may only be `json` and
 * `compress` only `zlib-stream` (else close 4002). Frames over 4096 bytes close with 4002.
 * {@link close} drains: RECONNECT (op 7) to every connection, so clients resume elsewhere with
 * nothing lost.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#connecting | Discord: connecting}
 * @example
 * ```ts
 * import { GatewayServer, prepareDispatch } from '@guildkit/gateway-core';
 *
 * const server = new GatewayServer({
 *   port: 8080,
 *   authenticate: async (token) => (token === 'Bot secret' ? { user: bot } : null),
 *   onReady: (session) => server.dispatchToSession(session.id, prepareDispatch('GUILD_CREATE', guild)),
 * });
 * const { port } = await server.listen();
 * ```
 */
export class GatewayServer extends EventEmitter<GatewayServerEvents> {
  readonly #options: GatewayServerOptions;
  readonly #clock: Clock;
  readonly #wheel: TimerWheel;
  readonly #registry: SessionRegistry;
  readonly #http: Server;
  readonly #ownsHttp: boolean;
  readonly #wss: WebSocketServer;
  readonly #identifyLimiter: IdentifyLimiter | undefined;
  readonly #links = new Map<WebSocket, Link>();
  /** Every live session of this server, by id, user and guild: the event path. */
  readonly fanOut: GatewayFanOut;
  readonly #journal: StoreJournal | undefined;
  readonly #sharedConnectionOptions: Partial<GatewayConnectionOptions>;
  readonly #busFanOut: BusFanOut | undefined;
  readonly #presence: ServerPresence | undefined;
  readonly #observers = new Set<GatewayServerObserver>();
  readonly #frameWritten: FrameWritten;
  readonly #socketHandlers: SocketHandlers;
  #connectionBase: Omit<GatewayConnectionOptions, 'transport'> | undefined;
  #closing: Promise<void> | undefined;

  /**
   * @param options - where to listen, `authenticate` and the shared connection options.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when a timer wheel or IDENTIFY
   * concurrency option is out of range.
   */
  constructor(options: GatewayServerOptions) {
    super();
    this.#options = options;
    this.fanOut = new GatewayFanOut(options.fanOut);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#wheel = new TimerWheel({
      clock: this.#clock,
      scheduler: options.scheduler ?? SYSTEM_SCHEDULER,
      onError: (error) => this.#debug(`timer callback threw: ${String(error)}`),
    });
    this.#registry = options.registry ?? new MemorySessionRegistry({ wheel: this.#wheel });
    this.#identifyLimiter =
      options.identifyConcurrency === false
        ? undefined
        : new IdentifyLimiter({ ...options.identifyConcurrency, clock: this.#clock });
    const onScaleError = (error: unknown): void => this.#debug(`scale-out: ${String(error)}`);
    this.#journal = this.#createJournal(onScaleError);
    this.#sharedConnectionOptions = this.#sharedSessionOptions(this.#journal);
    this.#busFanOut =
      options.eventBus === undefined
        ? undefined
        : new BusFanOut({ bus: options.eventBus, fanOut: this.fanOut, onError: onScaleError });
    this.#presence =
      options.presence === undefined
        ? undefined
        : new ServerPresence(options.presence, this.fanOut, (error) =>
            this.#debug(`presence: ${String(error)}`),
          );
    this.#frameWritten = (dispatch, bytes) => {
      const kind: SentFrameKind = dispatch ? 'dispatch' : 'control';
      for (const observer of this.#observers) observer.frameSent(kind, bytes);
    };
    this.#socketHandlers = this.#createSocketHandlers();
    this.#ownsHttp = options.server === undefined;
    this.#http =
      options.server ??
      createServer((_request, response) => {
        response.writeHead(426, { 'content-type': 'text/plain' });
        response.end('Upgrade Required');
      });
    this.#wss = new WebSocketServer({
      server: this.#http,
      maxPayload: MAX_INBOUND_FRAME_BYTES,
      ...(options.path === undefined ? {} : { path: options.path }),
    });
    this.#wss.on('connection', (socket, request) => this.#accept(socket, request));
    this.#wss.on('error', (error) => this.#debug(`server error: ${error.message}`));
  }

  /**
   * Starts listening (a no-op when an attached `server` already listens).
   *
   * @returns the bound address.
   * @throws GatewayError `GK_GATEWAY_CLOSED` after {@link close}; `GK_GATEWAY_LISTEN_FAILED`
   * (with the system error as `cause`) when the port cannot be bound.
   */
  async listen(): Promise<AddressInfo> {
    if (this.#closing !== undefined)
      throw new GatewayError(GatewayErrorCode.Closed, 'the gateway server is closed');
    await this.#busFanOut?.start();
    if (!this.#http.listening) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void =>
          reject(new GatewayError(GatewayErrorCode.ListenFailed, error.message, { cause: error }));
        this.#http.once('error', onError);
        this.#http.listen(
          this.#options.port ?? DEFAULT_GATEWAY_SERVER_OPTIONS.port,
          this.#options.host ?? DEFAULT_GATEWAY_SERVER_OPTIONS.host,
          () => {
            this.#http.off('error', onError);
            resolve();
          },
        );
      });
    }
    const address = this.address();
    if (address === undefined)
      throw new GatewayError(GatewayErrorCode.ListenFailed, 'the server is not on a TCP port');
    return address;
  }

  /** @returns the bound TCP address, or `undefined` before {@link listen}. */
  address(): AddressInfo | undefined {
    const address = this.#http.address();
    return address !== null && typeof address === 'object' ? address : undefined;
  }

  /**
   * Reports this server's socket-level facts to `observer` from now on.
   *
   * @param observer - what to tell.
   * @returns a function that stops reporting to it.
   */
  observe(observer: GatewayServerObserver): () => void {
    this.#observers.add(observer);
    return () => {
      this.#observers.delete(observer);
    };
  }

  /** How many sockets are open. */
  get connectionCount(): number {
    return this.#links.size;
  }

  /**
   * Sends one dispatch to a session: sent if its connection is up, buffered for RESUME while
   * it is detached. A {@link PreparedDispatch} is sent as is; a `{ t, d }` goes through
   * {@link GatewayFanOut.dispatchToSession} (intents and MESSAGE_CONTENT applied).
   *
   * @param sessionId - the `session_id` from READY.
   * @param dispatch - the event.
   * @returns the sequence number it got, or `undefined` when no such live session exists (or
   * it is not entitled to the event, or skipped a low-priority one while congested).
   * @example
   * ```ts
   * server.dispatchToSession(session.id, { t: 'TYPING_START', d: { channel_id: '1' } });
   * ```
   */
  dispatchToSession(
    sessionId: string,
    dispatch: PreparedDispatch | FanOutDispatch,
  ): number | undefined {
    if (!(dispatch instanceof PreparedDispatch))
      return this.fanOut.dispatchToSession(sessionId, dispatch);
    return this.fanOut.get(sessionId)?.dispatch(dispatch);
  }

  /**
   * Drains and stops: refuses new sockets, sends every connection RECONNECT (op 7), waits up
   * to `drainTimeoutMs` for the clients to close (they resume on another node), closes the
   * rest with {@link SERVER_SHUTDOWN_CLOSE_CODE} (1012, resumable), then closes the HTTP
   * server it created (not one passed as `server`) and the timer wheel. Sessions stay in the
   * registry, so with a shared registry nothing is lost. Idempotent.
   *
   * @returns a promise that settles once every socket has closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const reconnect = JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null });
    const closed = [...this.#links].map(
      ([socket, { transport }]) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          socket.once('close', () => resolve());
          transport.send(reconnect);
        }),
    );
    const drainTimeoutMs =
      this.#options.drainTimeoutMs ?? DEFAULT_GATEWAY_SERVER_OPTIONS.drainTimeoutMs;
    const timedOut = await Promise.race([
      Promise.all(closed).then(() => false),
      new Promise<boolean>((resolve) =>
        this.#wheel.schedule(this.#clock.now() + drainTimeoutMs, () => resolve(true)),
      ),
    ]);
    if (timedOut) {
      for (const { transport } of this.#links.values())
        transport.close(SERVER_SHUTDOWN_CLOSE_CODE, 'server shutting down');
      await Promise.all(closed);
    }
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    if (this.#ownsHttp && this.#http.listening)
      await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#busFanOut?.stop().catch((error: unknown) => this.#debug(String(error)));
    await this.#journal?.drain();
    this.#presence?.stop();
    this.fanOut.close();
    this.#wheel.close();
  }

  #createJournal(onError: (error: unknown) => void): StoreJournal | undefined {
    const store = this.#options.sessionStore;
    if (store === undefined) return undefined;
    const scheduler = this.#options.scheduler;
    return new StoreJournal({ store, onError, ...(scheduler === undefined ? {} : { scheduler }) });
  }

  /** The connection hooks that keep sessions in the shared store, if there is one. */
  #sharedSessionOptions(journal: StoreJournal | undefined): Partial<GatewayConnectionOptions> {
    const options = this.#options;
    if (journal === undefined || options.sessionStore === undefined) return {};
    const shared = new SharedSessions({
      store: options.sessionStore,
      journal,
      authenticate: options.authenticate,
      register: (session) => this.fanOut.add(session),
      ...(options.guildIds === undefined ? {} : { guildIds: options.guildIds }),
      ...(options.sendQueue === undefined ? {} : { sendQueue: options.sendQueue }),
      ...(options.replayCapacity === undefined ? {} : { replayCapacity: options.replayCapacity }),
    });
    return {
      sessionJournal: journal,
      remoteResume: (data, transport) => shared.resume(data, transport),
      onHeartbeat: (session) => journal.touch(session),
      onSessionEnd: (session) => journal.delete(session),
    };
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    socket.close = closeWithGatewayCodes;
    socket.on('error', this.#socketHandlers.error);
    if (this.#closing !== undefined) {
      socket.close(SERVER_SHUTDOWN_CLOSE_CODE, 'server shutting down');
      return;
    }
    const handshake = checkQuery(request.url ?? '/');
    if (!handshake.ok) {
      this.#debug(`rejected ${request.url ?? '/'}: ${handshake.reason}`);
      socket.close(handshake.code, handshake.reason);
      return;
    }
    for (const observer of this.#observers) observer.connectionOpened();
    const transport = handshake.compress
      ? new CompressedWsTransport(socket, this.#frameWritten)
      : new WsTransport(socket, this.#frameWritten);
    this.#connectionBase ??= this.#createConnectionBase();
    const options: GatewayConnectionOptions = Object.create(this.#connectionBase);
    Object.defineProperty(options, 'transport', { value: transport });
    const connection = new GatewayConnection(options);
    this.#links.set(socket, { connection, transport });
    socket.on('message', this.#socketHandlers.message);
    socket.on('close', this.#socketHandlers.close);
    connection.open();
  }

  /**
   * What every connection of this server shares: all options but the transport, with hooks
   * that take the session (or connection) as an argument instead of closing over it, so a
   * connection costs one small object that inherits these (built once, at the first socket,
   * when the resume URL is known).
   */
  #createConnectionBase(): Omit<GatewayConnectionOptions, 'transport'> {
    const presence = this.#presence;
    const shared = this.#sharedConnectionOptions;
    const observers = this.#observers;
    const { onFrame, onReady, onResumed, onError } = this.#options;
    return {
      ...this.#options,
      ...shared,
      ...(presence === undefined
        ? {}
        : {
            checkIdentify: (identify: GatewayIdentifyData) => presence.checkIdentify(identify),
            onHeartbeat: (session: GatewaySession) => {
              shared.onHeartbeat?.(session);
              presence.heartbeat(session);
            },
            onSessionEnd: (session: GatewaySession) => {
              shared.onSessionEnd?.(session);
              presence.ended(session);
            },
          }),
      onFrame: (session, frame, connection) => {
        if (frame.op === GuildkitOpcodes.LazyRequest)
          this.fanOut.activate(session, frame.d.guild_id);
        if (presence?.frame(session, frame, connection) !== true)
          onFrame?.(session, frame, connection);
      },
      clock: this.#clock,
      wheel: this.#wheel,
      registry: this.#registry,
      resumeGatewayUrl: this.#options.resumeGatewayUrl ?? this.#defaultResumeUrl(),
      ...(this.#identifyLimiter === undefined ? {} : { identifyLimiter: this.#identifyLimiter }),
      onResumeRejected: () => {
        for (const observer of observers) observer.resumeRejected();
      },
      onReady: (session, identify) => {
        this.fanOut.add(session);
        for (const observer of observers) observer.sessionReady(session);
        presence?.ready(session, identify);
        onReady?.(session, identify);
      },
      onResumed: (session) => {
        this.fanOut.add(session);
        for (const observer of observers) observer.sessionResumed(session);
        presence?.resumed(session);
        onResumed?.(session);
      },
      onError: (error) => {
        this.#debug(`background work failed: ${String(error)}`);
        onError?.(error);
      },
    };
  }

  /** The socket listeners every socket shares; `this` is the socket. */
  #createSocketHandlers(): SocketHandlers {
    const server = this;
    return {
      message(this: WebSocket, data: RawData, isBinary: boolean): void {
        server.#receive(this, data, isBinary);
      },
      close(this: WebSocket, code: number): void {
        server.#closed(this, code);
      },
      error(this: WebSocket, error: Error): void {
        server.#debug(`socket error: ${error.message}`);
      },
    };
  }

  #receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    const connection = this.#links.get(socket)?.connection;
    if (connection === undefined) return;
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : data instanceof ArrayBuffer
        ? Buffer.from(data)
        : data;
    connection
      .receive(isBinary ? bytes : bytes.toString('utf8'))
      .catch((error: unknown) => this.#debug(`onFrame threw: ${String(error)}`));
  }

  #closed(socket: WebSocket, code: number): void {
    for (const observer of this.#observers) observer.connectionClosed(code);
    const link = this.#links.get(socket);
    if (link === undefined) return;
    link.transport.dispose?.();
    this.#links.delete(socket);
    const { connection } = link;
    connection.peerClosed(code);
    const session = connection.session;
    if (session === undefined) return;
    if (session.ended) {
      this.fanOut.remove(session);
      this.#presence?.expired(session);
      return;
    }
    if (this.#closing !== undefined) return;
    const windowMs =
      this.#options.resumeWindowMs ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.resumeWindowMs;
    this.#wheel.schedule(this.#clock.now() + windowMs + 1, () => {
      if (!session.ended) return;
      this.fanOut.remove(session);
      this.#presence?.expired(session);
    });
  }

  #defaultResumeUrl(): string {
    const address = this.address();
    if (address === undefined) return 'ws://localhost';
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `ws://${host}:${address.port}${this.#options.path ?? ''}`;
  }

  #debug(message: string): void {
    this.emit('debug', message);
  }
}

/**
 * Checks the handshake's query string as Discord does: the rejection to close with, or whether
 * the connection asked for zlib-stream compression.
 */
function checkQuery(
  url: string,
): { ok: false; code: number; reason: string } | { ok: true; compress: boolean } {
  const query = new URL(url, 'ws://localhost').searchParams;
  if (query.get('v') !== '10')
    return {
      ok: false,
      code: GatewayCloseCodes.InvalidAPIVersion,
      reason: 'only gateway v=10 is supported',
    };
  const encoding = query.get('encoding');
  if (encoding !== null && encoding !== 'json')
    return {
      ok: false,
      code: GatewayCloseCodes.DecodeError,
      reason: 'only encoding=json is supported',
    };
  const compress = query.get('compress');
  if (compress !== null && compress !== 'zlib-stream')
    return {
      ok: false,
      code: GatewayCloseCodes.DecodeError,
      reason: 'compress may only be zlib-stream',
    };
  return { ok: true, compress: compress === 'zlib-stream' };
}
