import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { PreparedDispatch } from '../dispatch-frame.js';

/** WebSocket opcodes of the data frames the writer builds (RFC 6455, section 5.2). */
const TEXT_OPCODE = 0x1;
const BINARY_OPCODE = 0x2;
/** FIN bit: every frame is a whole message. */
const FIN = 0x80;

type Entry = { readonly length: number } & (
  | { readonly kind: 'dispatch'; readonly prepared: PreparedDispatch; readonly seq: number }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array }
);

/** Told of each frame as it is written: its kind and payload length. */
export type FrameWritten = (dispatch: boolean, payloadBytes: number) => void;

/** Writers with frames queued in the current tick; flushed together on the next tick. */
const queued: TickFrameWriter[] = [];
let flushScheduled = false;

function flushQueued(): void {
  flushScheduled = false;
  for (const writer of queued.splice(0)) writer.flush();
}

function headerLength(payload: number): number {
  if (payload < 126) return 2;
  return payload < 65_536 ? 4 : 10;
}

function writeHeader(target: Buffer, offset: number, opcode: number, payload: number): number {
  target[offset] = FIN | opcode;
  if (payload < 126) {
    target[offset + 1] = payload;
    return offset + 2;
  }
  if (payload < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(payload, offset + 2);
    return offset + 4;
  }
  target[offset + 1] = 127;
  target.writeUInt32BE(Math.floor(payload / 2 ** 32), offset + 2);
  target.writeUInt32BE(payload >>> 0, offset + 6);
  return offset + 10;
}

/**
 * The TCP socket under a `ws` WebSocket. `ws` keeps it in `_socket` and has no public way to
 * write several messages at once; `undefined` when the field is missing (the writer then
 * sends each frame through `ws`).
 */
function rawSocketOf(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return undefined;
  return typeof (raw as Partial<Duplex>).write === 'function' ? (raw as Duplex) : undefined;
}

/**
 * Collects the frames sent to one socket within a tick and writes them, framed, in one buffer
 * and one write on the next tick: a fan-out that gives a socket several frames costs one
 * system call and one allocation per socket, and a dispatch's bytes are copied once
 * ({@link PreparedDispatch.writeFrame}) rather than encoded per session. Server-to-client
 * frames are unmasked whole messages (RFC 6455); compression must be off (`ws`'s default for
 * servers), and whatever `ws` writes itself (a pong, a close frame) must not need to follow
 * these frames: call {@link flush} before closing.
 */
export class TickFrameWriter {
  readonly #socket: WebSocket;
  readonly #raw: Duplex | undefined;
  readonly #written: FrameWritten;
  /** The frames of this tick; `undefined` while idle (most sockets, most of the time). */
  #entries: Entry[] | undefined;
  #pendingBytes = 0;

  /**
   * @param socket - an open `ws` WebSocket without permessage-deflate.
   * @param written - told of every frame written.
   */
  constructor(socket: WebSocket, written: FrameWritten) {
    this.#socket = socket;
    this.#raw = rawSocketOf(socket);
    this.#written = written;
  }

  /** Bytes queued for the next write (not yet in the socket's own buffer). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Queues a dispatch frame for this tick's write. */
  dispatch(prepared: PreparedDispatch, seq: number): void {
    this.#push({ kind: 'dispatch', prepared, seq, length: prepared.frameByteLength(seq) });
  }

  /** Queues a text frame for this tick's write. */
  text(text: string): void {
    this.#push({ kind: 'text', text, length: Buffer.byteLength(text) });
  }

  /** Queues a binary frame for this tick's write. */
  binary(bytes: Uint8Array): void {
    this.#push({ kind: 'binary', bytes, length: bytes.length });
  }

  /** Writes every queued frame now (before a close frame, or at the end of the tick). */
  flush(): void {
    const entries = this.#entries;
    if (entries === undefined) return;
    this.#entries = undefined;
    this.#pendingBytes = 0;
    const raw = this.#raw;
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (raw === undefined || !raw.writable) {
      for (const entry of entries) this.#sendThroughWs(entry);
      return;
    }
    let total = 0;
    for (const { length } of entries) total += headerLength(length) + length;
    const buffer = Buffer.allocUnsafe(total);
    let at = 0;
    for (const entry of entries) {
      const { length } = entry;
      at = writeHeader(buffer, at, entry.kind === 'binary' ? BINARY_OPCODE : TEXT_OPCODE, length);
      if (entry.kind === 'dispatch') at = entry.prepared.writeFrame(entry.seq, buffer, at);
      else if (entry.kind === 'text') at += buffer.write(entry.text, at, 'utf8');
      else {
        buffer.set(entry.bytes, at);
        at += length;
      }
      this.#written(entry.kind === 'dispatch', length);
    }
    raw.write(buffer);
  }

  #push(entry: Entry): void {
    if (this.#entries === undefined) {
      this.#entries = [entry];
      queued.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flushQueued);
      }
    } else this.#entries.push(entry);
    this.#pendingBytes += entry.length;
  }

  #sendThroughWs(entry: Entry): void {
    if (entry.kind === 'binary') {
      this.#socket.send(entry.bytes, { binary: true });
      this.#written(false, entry.bytes.length);
      return;
    }
    const text = entry.kind === 'text' ? entry.text : entry.prepared.frame(entry.seq);
    this.#socket.send(text);
    this.#written(entry.kind === 'dispatch', Buffer.byteLength(text));
  }
}
