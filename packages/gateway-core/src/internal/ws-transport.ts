import type { WebSocket } from 'ws';
import type { PreparedDispatch } from '../dispatch-frame.js';
import type { SessionTransport } from '../gateway-session.js';
import { ZlibStreamDeflater } from '../zlib-stream-deflater.js';
import { type FrameWritten, TickFrameWriter } from './tick-frame-writer.js';

/** A socket's transport; `dispose` frees what it holds (a zlib context) once the socket closed. */
export interface SocketTransport extends SessionTransport {
  dispose?(): void;
}

/**
 * A `ws` socket as a session sees it: every frame goes through the socket's
 * {@link TickFrameWriter} (one write per socket per tick). Methods live on the prototype, so an
 * idle connection holds no closures of its own.
 */
export class WsTransport implements SocketTransport {
  readonly #socket: WebSocket;
  readonly #writer: TickFrameWriter;

  /**
   * @param socket - the socket.
   * @param written - told of every frame written (shared by a server's sockets).
   */
  constructor(socket: WebSocket, written: FrameWritten) {
    this.#socket = socket;
    this.#writer = new TickFrameWriter(socket, written);
  }

  send(text: string): void {
    this.#writer.text(text);
  }

  sendDispatch(prepared: PreparedDispatch, seq: number): void {
    this.#writer.dispatch(prepared, seq);
  }

  close(code: number, reason: string): void {
    this.#writer.flush();
    this.#socket.close(code, reason);
  }

  bufferedBytes(): number {
    return this.#socket.bufferedAmount + this.#writer.pendingBytes;
  }
}

/** A dispatch frame is `{"op":0,...`: every frame the server writes starts with its op. */
function isDispatch(text: string): boolean {
  return text.startsWith('{"op":0,');
}

/**
 * A `ws` socket through one zlib-stream context: each frame is compressed (in push order) and
 * the compressed messages go out as binary frames through a {@link TickFrameWriter}.
 */
export class CompressedWsTransport implements SocketTransport {
  readonly #socket: WebSocket;
  readonly #writer: TickFrameWriter;
  readonly #deflater: ZlibStreamDeflater;
  /** Whether each frame pushed and not yet compressed is a dispatch, in push order. */
  readonly #pendingKinds: boolean[] = [];

  /**
   * @param socket - the socket.
   * @param written - told of every frame written, with its compressed size.
   */
  constructor(socket: WebSocket, written: FrameWritten) {
    this.#socket = socket;
    this.#writer = new TickFrameWriter(socket, (_binary, bytes) =>
      written(this.#pendingKinds.shift() ?? false, bytes),
    );
    this.#deflater = new ZlibStreamDeflater((bytes) => this.#writer.binary(bytes));
  }

  send(text: string): void {
    this.#pendingKinds.push(isDispatch(text));
    this.#deflater.push(text);
  }

  close(code: number, reason: string): void {
    this.#deflater.whenIdle(() => {
      this.#writer.flush();
      this.#socket.close(code, reason);
    });
  }

  bufferedBytes(): number {
    return this.#socket.bufferedAmount + this.#deflater.pendingBytes + this.#writer.pendingBytes;
  }

  dispose(): void {
    this.#deflater.close();
  }
}
