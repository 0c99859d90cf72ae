import { Unzlib } from 'fflate';

/** Every message of a zlib-stream connection ends with this `Z_SYNC_FLUSH` marker. */
const SYNC_FLUSH_SUFFIX = [0x00, 0x00, 0xff, 0xff] as const;

/**
 * The client half of Discord's `compress=zlib-stream` transport compression: one inflate
 * context for the whole connection. Binary frames are buffered until one ends with
 * `00 00 ff ff`; then the buffered bytes are inflated and decoded as one UTF-8 message. Runs on
 * `fflate`, so it works in browsers as well as Node.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway#transport-compression | Discord: transport compression}
 * @example
 * ```ts
 * const inflater = new ZlibStreamInflater();
 * socket.binaryType = 'arraybuffer';
 * socket.onmessage = ({ data }) => {
 *   const text = inflater.push(new Uint8Array(data));
 *   if (text !== undefined) handle(JSON.parse(text));
 * };
 * ```
 */
export class ZlibStreamInflater {
  readonly #unzlib: Unzlib;
  readonly #decoder = new TextDecoder();
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #inflated: Uint8Array[] = [];

  constructor() {
    this.#unzlib = new Unzlib((chunk) => this.#inflated.push(chunk));
  }

  /**
   * Takes one binary frame.
   *
   * @param chunk - the frame's bytes; the inflater copies what it must keep.
   * @returns the decoded message when `chunk` completes one, else `undefined`.
   * @throws Error (from fflate) when the stream is not valid zlib; the connection is unusable then.
   */
  push(chunk: Uint8Array): string | undefined {
    this.#pending.push(chunk.slice());
    this.#pendingBytes += chunk.length;
    if (!this.#endsWithSyncFlush()) return undefined;
    const message = concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#unzlib.push(message);
    const inflated = concat(this.#inflated, totalLength(this.#inflated));
    this.#inflated = [];
    return this.#decoder.decode(inflated);
  }

  #endsWithSyncFlush(): boolean {
    if (this.#pendingBytes < SYNC_FLUSH_SUFFIX.length) return false;
    let chunkIndex = this.#pending.length - 1;
    let offset = this.#pending[chunkIndex]!.length;
    for (let i = SYNC_FLUSH_SUFFIX.length - 1; i >= 0; i--) {
      while (offset === 0) {
        chunkIndex--;
        offset = this.#pending[chunkIndex]!.length;
      }
      offset--;
      if (this.#pending[chunkIndex]![offset] !== SYNC_FLUSH_SUFFIX[i]) return false;
    }
    return true;
  }
}

function totalLength(chunks: readonly Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
