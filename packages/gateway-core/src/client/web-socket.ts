/** What the client reads from a WebSocket `message` event. */
export interface GatewaySocketMessageEvent {
  /** A string for text frames; an `ArrayBuffer` (or a view) for binary frames. */
  readonly data: unknown;
}

/** What the client reads from a WebSocket `close` event. */
export interface GatewaySocketCloseEvent {
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
}

/**
 * The part of a WebSocket the client uses. Both the DOM `WebSocket` (browsers, Deno, Node 22+)
 * and the `ws` package's `WebSocket` satisfy it.
 */
export interface GatewaySocket {
  /** Set to `'arraybuffer'` so binary frames (zlib-stream) arrive as bytes. */
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Subscribes to `open` or `error`. */
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  /** Subscribes to incoming frames. */
  addEventListener(type: 'message', listener: (event: GatewaySocketMessageEvent) => void): void;
  /** Subscribes to the socket's close. */
  addEventListener(type: 'close', listener: (event: GatewaySocketCloseEvent) => void): void;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` on Node 20.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 *
 * new GatewayClient({ url, token, intents, WebSocket });
 * ```
 */
export type GatewaySocketConstructor = new (url: string) => GatewaySocket;

/** `readyState` of an open socket (the same in the DOM and in `ws`). */
export const SOCKET_OPEN = 1;
