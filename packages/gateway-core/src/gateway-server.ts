import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, Scheduler } from '@guildkit/snowflake';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { EventEmitter } from 'eventemitter3';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { PreparedDispatch } from './dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import {
  DEFAULT_GATEWAY_CONNECTION_OPTIONS,
  GatewayConnection,
  type GatewayConnectionOptions,
} from './gateway-connection.js';
import type { GatewaySession, SessionTransport } from './gateway-session.js';
import { MAX_INBOUND_FRAME_BYTES } from './inbound-frame.js';
import { SYSTEM_CLOCK, SYSTEM_SCHEDULER } from './internal/system-time.js';
import { MemorySessionRegistry, type SessionRegistry } from './session-registry.js';
import { TimerWheel } from './timer-wheel.js';

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
  extends Omit<GatewayConnectionOptions, 'transport' | 'wheel' | 'registry' | 'resumeGatewayUrl'> {
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
  /** Where dropped sessions wait to be resumed. @defaultValue a {@link MemorySessionRegistry} */
  readonly registry?: SessionRegistry;
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
} as const satisfies Required<Pick<GatewayServerOptions, 'port' | 'host'>>;

/** The close code every session gets when the server closes (after a RECONNECT, op 7). */
export const SERVER_SHUTDOWN_CLOSE_CODE = 1001;

/** ws closes frames over `maxPayload` with 1009 and invalid UTF-8 with 1007; Discord says 4002. */
const WS_TO_GATEWAY_CLOSE: ReadonlyMap<number, string> = new Map([
  [1009, `frame larger than ${MAX_INBOUND_FRAME_BYTES} bytes`],
  [1007, 'frame is not valid UTF-8'],
]);

/**
 * A Discord gateway v10 server on `ws`: one {@link GatewayConnection} per socket, sharing one
 * timer wheel and one session registry. The query string must carry `v=10` (else close 4012);
 * `encoding` may only be `json` and `compress` is not supported yet (else close 4002). Frames
 * over 4096 bytes close with 4002. {@link close} sends every session RECONNECT (op 7) and
 * closes it with 1001.
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
  readonly #connections = new Map<WebSocket, GatewayConnection>();
  readonly #sessions = new Map<string, GatewaySession>();
  #closing: Promise<void> | undefined;

  /**
   * @param options - where to listen, `authenticate` and the shared connection options.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when a timer wheel option is out of range.
   */
  constructor(options: GatewayServerOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#wheel = new TimerWheel({
      clock: this.#clock,
      scheduler: options.scheduler ?? SYSTEM_SCHEDULER,
      onError: (error) => this.#debug(`timer callback threw: ${String(error)}`),
    });
    this.#registry = options.registry ?? new MemorySessionRegistry({ wheel: this.#wheel });
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

  /** How many sockets are open. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Sends one dispatch to a session: sent if its connection is up, buffered for RESUME while
   * it is detached.
   *
   * @param sessionId - the `session_id` from READY.
   * @param prepared - the dispatch, serialized once (see `prepareDispatch`).
   * @returns the sequence number it got, or `undefined` when no such live session exists.
   * @example
   * ```ts
   * server.dispatchToSession(session.id, prepareDispatch('TYPING_START', { channel_id: '1' }));
   * ```
   */
  dispatchToSession(sessionId: string, prepared: PreparedDispatch): number | undefined {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) return undefined;
    if (session.ended) {
      this.#sessions.delete(sessionId);
      return undefined;
    }
    return session.dispatch(prepared);
  }

  /**
   * Stops accepting sockets, sends every connection RECONNECT (op 7) and closes it with
   * {@link SERVER_SHUTDOWN_CLOSE_CODE} (1001, which ends its session), then closes the HTTP
   * server it created (not one passed as `server`) and the timer wheel. Idempotent.
   *
   * @returns a promise that settles once every socket has closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const closed = [...this.#connections.keys()].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          if (socket.readyState === WebSocket.OPEN)
            socket.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
          socket.close(SERVER_SHUTDOWN_CLOSE_CODE, 'server shutting down');
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    if (this.#ownsHttp && this.#http.listening)
      await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#wheel.close();
    this.#sessions.clear();
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    this.#patchClose(socket);
    socket.on('error', (error) => this.#debug(`socket error: ${error.message}`));
    if (this.#closing !== undefined) {
      socket.close(SERVER_SHUTDOWN_CLOSE_CODE, 'server shutting down');
      return;
    }
    const rejection = checkQuery(request.url ?? '/');
    if (rejection !== undefined) {
      this.#debug(`rejected ${request.url ?? '/'}: ${rejection.reason}`);
      socket.close(rejection.code, rejection.reason);
      return;
    }
    const transport: SessionTransport = {
      send: (text) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
    };
    const connection = new GatewayConnection({
      ...this.#options,
      clock: this.#clock,
      wheel: this.#wheel,
      registry: this.#registry,
      resumeGatewayUrl: this.#options.resumeGatewayUrl ?? this.#defaultResumeUrl(),
      transport,
      onReady: (session) => {
        this.#sessions.set(session.id, session);
        this.#options.onReady?.(session);
      },
    });
    this.#connections.set(socket, connection);
    socket.on('message', (data, isBinary) => this.#receive(connection, data, isBinary));
    socket.on('close', (code) => this.#closed(socket, connection, code));
    connection.open();
  }

  /** ws closes oversize frames (1009) and invalid UTF-8 (1007) itself; Discord's code is 4002. */
  #patchClose(socket: WebSocket): void {
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer): void => {
      const gatewayReason = code === undefined ? undefined : WS_TO_GATEWAY_CLOSE.get(code);
      if (gatewayReason === undefined) close(code, reason);
      else close(GatewayCloseCodes.DecodeError, gatewayReason);
    };
  }

  #receive(connection: GatewayConnection, data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : data instanceof ArrayBuffer
        ? Buffer.from(data)
        : data;
    connection.receive(isBinary ? bytes : bytes.toString('utf8')).then(
      () => {
        const session = connection.session;
        if (session !== undefined && !session.ended) this.#sessions.set(session.id, session);
      },
      (error: unknown) => this.#debug(`onFrame threw: ${String(error)}`),
    );
  }

  #closed(socket: WebSocket, connection: GatewayConnection, code: number): void {
    this.#connections.delete(socket);
    connection.peerClosed(code);
    const session = connection.session;
    if (session === undefined) return;
    if (session.ended) {
      this.#sessions.delete(session.id);
      return;
    }
    if (this.#closing !== undefined) return;
    // A detached session ends when its resume window passes; forget it then.
    const windowMs =
      this.#options.resumeWindowMs ?? DEFAULT_GATEWAY_CONNECTION_OPTIONS.resumeWindowMs;
    this.#wheel.schedule(this.#clock.now() + windowMs + 1, () => {
      if (session.ended && this.#sessions.get(session.id) === session)
        this.#sessions.delete(session.id);
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

/** Checks the handshake's query string as Discord does; `undefined` when acceptable. */
function checkQuery(url: string): { code: number; reason: string } | undefined {
  const query = new URL(url, 'ws://localhost').searchParams;
  if (query.get('v') !== '10')
    return { code: GatewayCloseCodes.InvalidAPIVersion, reason: 'only gateway v=10 is supported' };
  const encoding = query.get('encoding');
  if (encoding !== null && encoding !== 'json')
    return { code: GatewayCloseCodes.DecodeError, reason: 'only encoding=json is supported' };
  if (query.get('compress') !== null)
    return {
      code: GatewayCloseCodes.DecodeError,
      reason: 'transport compression is not supported',
    };
  return undefined;
}
