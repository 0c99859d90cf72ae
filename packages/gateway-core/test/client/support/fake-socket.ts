import type {
  GatewaySocket,
  GatewaySocketCloseEvent,
  GatewaySocketConstructor,
  GatewaySocketMessageEvent,
} from '@guildkit/gateway-core/client';

/** A frame the client sent, parsed. */
export interface SentFrame {
  readonly op: number;
  readonly d?: unknown;
}

/**
 * An in-memory WebSocket: records what the client sends and how it closes; the test plays the
 * server with {@link FakeSocket.open}, {@link FakeSocket.receive} and {@link FakeSocket.serverClose}.
 */
export class FakeSocket implements GatewaySocket {
  binaryType = 'blob';
  readyState = 0;
  readonly sent: SentFrame[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;
  readonly #open: (() => void)[] = [];
  readonly #message: ((event: GatewaySocketMessageEvent) => void)[] = [];
  readonly #close: ((event: GatewaySocketCloseEvent) => void)[] = [];

  constructor(readonly url: string) {}

  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: GatewaySocketMessageEvent) => void): void;
  addEventListener(type: 'close', listener: (event: GatewaySocketCloseEvent) => void): void;
  addEventListener(
    type: 'open' | 'error' | 'message' | 'close',
    listener:
      | (() => void)
      | ((event: GatewaySocketMessageEvent) => void)
      | ((event: GatewaySocketCloseEvent) => void),
  ): void {
    if (type === 'open') this.#open.push(listener as () => void);
    else if (type === 'message')
      this.#message.push(listener as (event: GatewaySocketMessageEvent) => void);
    else if (type === 'close')
      this.#close.push(listener as (event: GatewaySocketCloseEvent) => void);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as SentFrame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** The ops the client sent, in order. */
  ops(): number[] {
    return this.sent.map((frame) => frame.op);
  }

  open(): void {
    this.readyState = 1;
    for (const listener of this.#open) listener();
  }

  /** Delivers a JSON text frame, or bytes as a binary frame (an `ArrayBuffer`), to the client. */
  receive(payload: unknown): void {
    const data = payload instanceof Uint8Array ? payload.slice().buffer : JSON.stringify(payload);
    for (const listener of this.#message) listener({ data });
  }

  /** The server (or the network) closes the socket. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    for (const listener of this.#close) listener({ code, reason });
  }
}

/** Hands out {@link FakeSocket}s and remembers every one the client opened. */
export class FakeNetwork {
  readonly sockets: FakeSocket[] = [];
  readonly WebSocket: GatewaySocketConstructor;

  constructor() {
    const sockets = this.sockets;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    };
  }

  /** The socket the client opened last. */
  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('the client opened no socket');
    return socket;
  }
}
