import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayOpcodes,
  type GatewayReceivePayload,
  type GatewaySendPayload,
} from 'discord-api-types/gateway/v10';
import { EventEmitter } from 'eventemitter3';
import { encodeApplicationFrame, type GatewayClientSendPayload } from './application-frame.js';
import {
  DEFAULT_GATEWAY_CLIENT_OPTIONS,
  type GatewayClientDestroyOptions,
  type GatewayClientOptions,
  NORMAL_CLOSE_CODE,
  RESUMABLE_CLOSE_CODE,
  resolveDestroyOptions,
} from './client-options.js';
import { closeCodeAction } from './close-codes.js';
import { GatewayClientError, GatewayClientErrorCode } from './errors.js';
import type { GatewayClientEvents } from './events.js';
import { GatewayFrameDecoder } from './frame-decoder.js';
import { buildGatewayUrl } from './gateway-url.js';
import { identifyPayload, resumePayload } from './handshake.js';
import { Heartbeater } from './heartbeater.js';
import {
  type ReconnectBackoffOptions,
  reconnectDelayMs,
  resolveReconnectBackoff,
} from './reconnect-backoff.js';
import {
  resolveSendRateLimit,
  SendRateLimiter,
  type SendRateLimitOptions,
} from './send-rate-limiter.js';
import { type Clock, type Scheduler, SYSTEM_CLOCK, SYSTEM_SCHEDULER } from './time.js';
import { type GatewaySocket, type GatewaySocketConstructor, SOCKET_OPEN } from './web-socket.js';

/** Discord asks clients to wait a random 1-5 s after INVALID_SESSION. */
const INVALID_SESSION_DELAY = { minMs: 1000, spanMs: 4000 } as const;

interface Connection {
  readonly socket: GatewaySocket;
  readonly decoder: GatewayFrameDecoder;
  readonly limiter: SendRateLimiter;
  heartbeater: Heartbeater | undefined;
  ready: boolean;
}

interface Session {
  readonly id: string;
  readonly resumeUrl: string | undefined;
}

interface PendingConnect {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: GatewayClientError) => void;
}

/**
 * A Discord gateway v10 client for browsers and Node: IDENTIFY, heartbeats with zombie
 * detection, RESUME after any transient close, RECONNECT (op 7) and INVALID_SESSION (op 9)
 * handling, exponential backoff with full jitter, optional zlib-stream. What it does after each
 * close code is {@link GATEWAY_CLOSE_CODE_ACTIONS}. {@link send} throws
 * `GK_GATEWAY_CLIENT_RATE_LIMITED` rather than queueing when the send budget is spent.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway | Discord: gateway}
 * @example
 * ```ts
 * import { GatewayClient } from '@guildkit/gateway-core/client';
 * import { GatewayIntentBits } from 'discord-api-types/gateway/v10';
 *
 * const client = new GatewayClient({
 *   url: 'wss://chat.example/gateway',
 *   token,
 *   intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages,
 * });
 * client.on('dispatch', ({ t, d }) => console.log(t, d));
 * await client.connect();
 * ```
 */
export class GatewayClient extends EventEmitter<GatewayClientEvents> {
  readonly #options: GatewayClientOptions;
  readonly #WebSocket: GatewaySocketConstructor;
  readonly #compress: boolean;
  readonly #url: string;
  readonly #rateLimit: Required<SendRateLimitOptions>;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #random: () => number;
  readonly #backoff: Required<ReconnectBackoffOptions>;
  #active = false;
  #connection: Connection | undefined;
  #session: Session | undefined;
  #seq: number | null = null;
  #attempt = 0;
  #ping: number | undefined;
  #cancelReconnect: (() => void) | undefined;
  #pending: PendingConnect | undefined;

  /**
   * @param options - where to connect, how to identify, and the injected platform pieces.
   * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` for a bad URL, backoff or
   * rate limit; `GK_GATEWAY_CLIENT_NO_WEBSOCKET` when there is no WebSocket constructor.
   */
  constructor(options: GatewayClientOptions) {
    super();
    this.#options = options;
    this.#compress = options.compress ?? DEFAULT_GATEWAY_CLIENT_OPTIONS.compress;
    this.#url = buildGatewayUrl(options.url, this.#compress);
    this.#backoff = resolveReconnectBackoff(options.backoff);
    this.#rateLimit = resolveSendRateLimit(options.rateLimit);
    const WebSocketClass =
      options.WebSocket ?? (globalThis as { WebSocket?: GatewaySocketConstructor }).WebSocket;
    if (WebSocketClass === undefined) {
      throw new GatewayClientError(
        GatewayClientErrorCode.NoWebSocket,
        'no WebSocket option and no globalThis.WebSocket; pass WebSocket from the ws package',
      );
    }
    this.#WebSocket = WebSocketClass;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#scheduler = options.scheduler ?? SYSTEM_SCHEDULER;
    this.#random = options.random ?? Math.random;
  }

  /** The last heartbeat round trip in ms, or `undefined` before the first HEARTBEAT_ACK. */
  get ping(): number | undefined {
    return this.#ping;
  }

  /** The session id from READY, while the client holds a resumable session. */
  get sessionId(): string | undefined {
    return this.#session?.id;
  }

  /** The last dispatch sequence number, sent in heartbeats and RESUME; `null` before READY. */
  get sequence(): number | null {
    return this.#seq;
  }

  /**
   * Connects (IDENTIFY, or RESUME when a session is kept), reconnecting as needed.
   *
   * @returns a promise that resolves on READY or RESUMED (at once if already ready).
   * @throws GatewayClientError (rejects) `GK_GATEWAY_CLIENT_FATAL_CLOSE` on a close code that
   * forbids reconnecting, `GK_GATEWAY_CLIENT_DESTROYED` when {@link destroy} comes first.
   */
  connect(): Promise<void> {
    if (this.#connection?.ready === true) return Promise.resolve();
    if (this.#pending === undefined) {
      let resolve!: () => void;
      let reject!: (error: GatewayClientError) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#pending = { promise, resolve, reject };
    }
    if (!this.#active) {
      this.#active = true;
      this.#attempt = 0;
      this.#open();
    }
    return this.#pending.promise;
  }

  /**
   * Closes the socket and stops reconnecting. With `resumable`, the session is kept and the
   * close code is 4000 so the server keeps it too; a later {@link connect} resumes it.
   *
   * @param options - the close code and whether to keep the session.
   * @throws GatewayClientError `GK_GATEWAY_CLIENT_INVALID_OPTION` for a code outside 1000 and
   * 3000..4999, or 1000 with `resumable` (it ends the server's session).
   */
  destroy(options: GatewayClientDestroyOptions = {}): void {
    const { code, resumable } = resolveDestroyOptions(options);
    this.#active = false;
    this.#cancelReconnect?.();
    this.#cancelReconnect = undefined;
    if (!resumable) this.#forgetSession();
    const connection = this.#connection;
    if (connection !== undefined) this.#drop(connection, code, 'client destroyed');
    this.#settle(
      new GatewayClientError(GatewayClientErrorCode.Destroyed, 'destroyed before READY or RESUMED'),
    );
  }

  /**
   * Sends an application frame (op 3, 4, 8, 14, …) on the ready connection. Nothing is queued:
   * a frame the connection cannot take now is refused with an error.
   *
   * @param payload - the frame.
   * @throws GatewayClientError `GK_GATEWAY_CLIENT_NOT_READY` without a READY/RESUMED open
   * socket; `GK_GATEWAY_CLIENT_INVALID_PAYLOAD` for op 1, 2 or 6 or a frame over 4096 bytes;
   * `GK_GATEWAY_CLIENT_RATE_LIMITED` when the send budget (120 per 60 s, minus a reserve for
   * heartbeats) is spent.
   * @example
   * ```ts
   * client.send({ op: GatewayOpcodes.PresenceUpdate, d: { since: null, activities: [], status: PresenceUpdateStatus.Idle, afk: true } });
   * ```
   */
  send(payload: GatewayClientSendPayload): void {
    const text = encodeApplicationFrame(payload);
    const connection = this.#connection;
    if (
      connection === undefined ||
      !connection.ready ||
      connection.socket.readyState !== SOCKET_OPEN
    ) {
      throw new GatewayClientError(GatewayClientErrorCode.NotReady, 'no ready gateway connection');
    }
    const waitMs = connection.limiter.tryAcquire(this.#clock.now());
    if (waitMs > 0) {
      throw new GatewayClientError(
        GatewayClientErrorCode.RateLimited,
        `send budget spent; a slot frees up in ${waitMs} ms`,
      );
    }
    connection.socket.send(text);
  }

  #open(): void {
    const url = this.#session?.resumeUrl ?? this.#url;
    let socket: GatewaySocket;
    try {
      socket = new this.#WebSocket(url);
    } catch (error) {
      this.#debug(`cannot open a socket to ${url}: ${String(error)}`);
      this.#scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    const connection: Connection = {
      socket,
      decoder: new GatewayFrameDecoder(this.#compress),
      limiter: new SendRateLimiter(this.#rateLimit),
      heartbeater: undefined,
      ready: false,
    };
    this.#connection = connection;
    const current = (): boolean => this.#connection === connection;
    socket.addEventListener('open', () => {
      if (current()) this.#debug(`socket open to ${url}`);
    });
    socket.addEventListener('error', () => {
      if (current()) this.#debug('socket error');
    });
    socket.addEventListener('message', (event) => {
      if (current()) this.#receive(connection, event.data);
    });
    socket.addEventListener('close', (event) => {
      if (current()) this.#closed(connection, event.code, event.reason);
    });
  }

  #receive(connection: Connection, data: unknown): void {
    let payload: GatewayReceivePayload | undefined;
    try {
      payload = connection.decoder.decode(data);
    } catch (error) {
      this.#debug(`undecodable frame: ${String(error)}`);
      this.#drop(connection, RESUMABLE_CLOSE_CODE, 'undecodable frame');
      this.#scheduleReconnect();
      return;
    }
    if (payload !== undefined) this.#handle(connection, payload);
  }

  #handle(connection: Connection, payload: GatewayReceivePayload): void {
    switch (payload.op) {
      case GatewayOpcodes.Hello:
        this.#hello(connection, payload.d.heartbeat_interval);
        return;
      case GatewayOpcodes.Heartbeat:
        connection.heartbeater?.beat();
        return;
      case GatewayOpcodes.HeartbeatAck: {
        const ping = connection.heartbeater?.ack();
        if (ping === undefined) return;
        this.#ping = ping;
        this.#emit('heartbeatAck', ping);
        return;
      }
      case GatewayOpcodes.Dispatch:
        this.#dispatch(connection, payload);
        return;
      case GatewayOpcodes.Reconnect:
        this.#drop(connection, RESUMABLE_CLOSE_CODE, 'server asked to reconnect');
        this.#scheduleReconnect();
        return;
      case GatewayOpcodes.InvalidSession: {
        const resumable = payload.d;
        if (!resumable) this.#forgetSession();
        this.#emit('invalidSession', resumable);
        if (this.#connection !== connection) return;
        this.#drop(
          connection,
          resumable ? RESUMABLE_CLOSE_CODE : NORMAL_CLOSE_CODE,
          'invalid session',
        );
        this.#scheduleReconnect(
          INVALID_SESSION_DELAY.minMs + Math.floor(this.#random() * INVALID_SESSION_DELAY.spanMs),
        );
        return;
      }
    }
  }

  #hello(connection: Connection, intervalMs: number): void {
    if (connection.heartbeater !== undefined) return;
    const heartbeater = new Heartbeater({
      intervalMs,
      clock: this.#clock,
      scheduler: this.#scheduler,
      random: this.#random,
      send: () => this.#sendOwn(connection, { op: GatewayOpcodes.Heartbeat, d: this.#seq }),
      onZombie: () => {
        this.#debug('no HEARTBEAT_ACK since the last heartbeat: zombie connection');
        this.#drop(connection, RESUMABLE_CLOSE_CODE, 'zombie connection');
        this.#scheduleReconnect();
      },
    });
    connection.heartbeater = heartbeater;
    heartbeater.start();
    this.#emit('hello', intervalMs);
    if (this.#connection !== connection) return;
    const session = this.#session;
    this.#sendOwn(
      connection,
      session === undefined
        ? identifyPayload(this.#options)
        : resumePayload(this.#options.token, session.id, this.#seq),
    );
  }

  #dispatch(connection: Connection, payload: GatewayDispatchPayload): void {
    this.#seq = payload.s;
    if (payload.t === GatewayDispatchEvents.Ready) {
      this.#session = {
        id: payload.d.session_id,
        resumeUrl: this.#checkedResumeUrl(payload.d.resume_gateway_url),
      };
      this.#becameReady(connection);
      this.#emit('dispatch', payload);
      this.#emit('ready', payload.d);
    } else if (payload.t === GatewayDispatchEvents.Resumed) {
      this.#becameReady(connection);
      this.#emit('dispatch', payload);
      this.#emit('resumed');
    } else {
      this.#emit('dispatch', payload);
      return;
    }
    this.#settle();
  }

  #becameReady(connection: Connection): void {
    connection.ready = true;
    this.#attempt = 0;
  }

  /** READY's `resume_gateway_url` with the query the client needs, if it is a ws/wss URL. */
  #checkedResumeUrl(url: string): string | undefined {
    try {
      return buildGatewayUrl(url, this.#compress);
    } catch {
      this.#debug(`ignoring resume_gateway_url ${JSON.stringify(url)}: not a ws/wss URL`);
      return undefined;
    }
  }

  #closed(connection: Connection, code: number, reason: string): void {
    connection.heartbeater?.stop();
    this.#connection = undefined;
    const action = closeCodeAction(code);
    if (action !== 'resume') this.#forgetSession();
    if (action === 'stop') this.#active = false;
    this.#emit('close', { code, reason });
    if (action !== 'stop') {
      this.#scheduleReconnect();
      return;
    }
    const error = new GatewayClientError(
      GatewayClientErrorCode.FatalClose,
      `the gateway closed with ${code} (${reason || 'no reason'}); not reconnecting`,
      { closeCode: code },
    );
    this.#settle(error);
    this.#emit('error', error);
  }

  /** Closes a connection from this side; its late events are ignored from now on. */
  #drop(connection: Connection, code: number, reason: string): void {
    connection.heartbeater?.stop();
    if (this.#connection === connection) this.#connection = undefined;
    try {
      connection.socket.close(code, reason);
    } catch (error) {
      this.#debug(`socket.close threw: ${String(error)}`);
    }
    this.#emit('close', { code, reason });
  }

  #scheduleReconnect(delayMs?: number): void {
    if (!this.#active || this.#cancelReconnect !== undefined) return;
    this.#attempt++;
    const delay = delayMs ?? reconnectDelayMs(this.#attempt, this.#backoff, this.#random);
    this.#cancelReconnect = this.#scheduler.setTimeout(() => {
      this.#cancelReconnect = undefined;
      if (this.#active) this.#open();
    }, delay);
    this.#emit('reconnecting', {
      attempt: this.#attempt,
      delayMs: delay,
      resume: this.#session !== undefined,
    });
  }

  #sendOwn(connection: Connection, payload: GatewaySendPayload): void {
    if (connection.socket.readyState !== SOCKET_OPEN) return;
    connection.limiter.record(this.#clock.now());
    connection.socket.send(JSON.stringify(payload));
  }

  #forgetSession(): void {
    this.#session = undefined;
    this.#seq = null;
  }

  /** Resolves the pending {@link connect}, or rejects it with `error`. */
  #settle(error?: GatewayClientError): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) return;
    if (error === undefined) pending.resolve();
    else pending.reject(error);
  }

  #emit<K extends keyof GatewayClientEvents>(event: K, ...args: GatewayClientEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: GatewayClientEvents[K]) => boolean).call(
        this,
        event,
        ...args,
      );
    } catch (error) {
      if (event !== 'debug') this.#debug(`a ${event} listener threw: ${String(error)}`);
    }
  }

  #debug(message: string): void {
    this.#emit('debug', message);
  }
}
