import { constants, createDeflate, type Deflate } from 'node:zlib';

/**
 * The server half of Discord's `compress=zlib-stream` transport compression: one zlib context
 * for the whole connection, each message flushed with `Z_SYNC_FLUSH` so it ends with
 * `00 00 ff ff` and the client can inflate it as soon as it arrives. Messages are compressed
 * one at a time, in order, on Node's native zlib (off the main thread); `onMessage` receives
 * each compressed message whole.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#transport-compression | Discord: transport compression}
 * @example
 * ```ts
 * const deflater = new ZlibStreamDeflater((bytes) => socket.send(bytes, { binary: true }));
 * deflater.push('{"op":10,"d":{"heartbeat_interval":41250}}');
 * ```
 */
export class ZlibStreamDeflater {
  readonly #deflate: Deflate;
  readonly #onMessage: (bytes: Buffer) => void;
  readonly #queue: Buffer[] = [];
  #idleCallbacks: (() => void)[] = [];
  #chunks: Buffer[] = [];
  #pendingBytes = 0;
  #busy = false;
  #closed = false;

  /**
   * @param onMessage - receives each compressed message, in push order.
   */
  constructor(onMessage: (bytes: Buffer) => void) {
    this.#onMessage = onMessage;
    this.#deflate = createDeflate({ level: constants.Z_DEFAULT_COMPRESSION });
    this.#deflate.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
    this.#deflate.on('error', () => this.close());
  }

  /** Bytes of text pushed and not yet compressed: part of a session's send queue. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Queues one message for compression; ignored after {@link close}.
   *
   * @param text - the frame text.
   */
  push(text: string): void {
    if (this.#closed) return;
    const bytes = Buffer.from(text, 'utf8');
    this.#pendingBytes += bytes.length;
    this.#queue.push(bytes);
    if (!this.#busy) this.#next();
  }

  /**
   * Calls back once every message pushed so far has reached `onMessage`, or the deflater was
   * closed (at once when nothing is pending), e.g. to close the socket only after them.
   *
   * @param callback - called once.
   */
  whenIdle(callback: () => void): void {
    if (this.#busy) this.#idleCallbacks.push(callback);
    else callback();
  }

  /** Drops what is queued and frees the zlib context. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#pendingBytes = 0;
    this.#deflate.close();
    this.#next();
  }

  #next(): void {
    const bytes = this.#queue.shift();
    if (bytes === undefined || this.#closed) {
      this.#busy = false;
      const callbacks = this.#idleCallbacks;
      this.#idleCallbacks = [];
      for (const callback of callbacks) callback();
      return;
    }
    this.#busy = true;
    this.#deflate.write(bytes);
    this.#deflate.flush(constants.Z_SYNC_FLUSH, () => {
      if (this.#closed) return;
      this.#pendingBytes -= bytes.length;
      const message = Buffer.concat(this.#chunks);
      this.#chunks = [];
      this.#onMessage(message);
      this.#next();
    });
  }
}
