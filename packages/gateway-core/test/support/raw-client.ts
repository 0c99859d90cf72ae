import { constants, createInflate, type Inflate } from 'node:zlib';
import { WebSocket } from 'ws';

export interface Frame {
  readonly op: number;
  readonly d?: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

/**
 * A raw `ws` client that queues every frame and records how the socket closed. With
 * `compressed`, binary messages are inflated through one zlib context, as Discord's
 * zlib-stream clients do (written independently of the package's own client).
 */
export class RawClient {
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Bytes of every message received, as they came off the socket. */
  receivedBytes = 0;
  /** Every compressed message's last four bytes, hex. */
  readonly compressedTails: string[] = [];
  readonly #frames: Frame[] = [];
  readonly #waiting: ((frame: Frame) => void)[] = [];
  readonly #inflate: Inflate | undefined;
  #inflated: Buffer[] = [];
  #inflating: Promise<void> = Promise.resolve();

  constructor(url: string, options: { compressed?: boolean } = {}) {
    this.socket = new WebSocket(url);
    if (options.compressed === true) {
      const inflate = createInflate();
      inflate.on('data', (chunk: Buffer) => this.#inflated.push(chunk));
      this.#inflate = inflate;
    }
    this.socket.on('message', (data: Buffer, isBinary) => {
      this.receivedBytes += data.length;
      if (this.#inflate !== undefined && isBinary) this.#inflateMessage(this.#inflate, data);
      else this.#deliver(JSON.parse(String(data)) as Frame);
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    });
    this.socket.on('error', () => undefined);
  }

  next(): Promise<Frame> {
    const frame = this.#frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Waits for the next frame that is not a HEARTBEAT_ACK. */
  async nextDispatch(): Promise<Frame> {
    for (;;) {
      const frame = await this.next();
      if (frame.op !== 11) return frame;
    }
  }

  send(text: string): void {
    this.socket.send(text);
  }

  #inflateMessage(inflate: Inflate, data: Buffer): void {
    this.compressedTails.push(data.subarray(-4).toString('hex'));
    this.#inflating = this.#inflating.then(
      () =>
        new Promise<void>((resolve) => {
          inflate.write(data);
          inflate.flush(constants.Z_SYNC_FLUSH, () => {
            const text = Buffer.concat(this.#inflated).toString('utf8');
            this.#inflated = [];
            this.#deliver(JSON.parse(text) as Frame);
            resolve();
          });
        }),
    );
  }

  #deliver(frame: Frame): void {
    const waiter = this.#waiting.shift();
    if (waiter === undefined) this.#frames.push(frame);
    else waiter(frame);
  }
}
