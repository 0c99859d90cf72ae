import { constants, createDeflate, type Deflate } from 'node:zlib';

/**
 * The server half of zlib-stream for tests: one deflate context, each message flushed with
 * Z_SYNC_FLUSH so it ends with `00 00 ff ff`.
 */
export class TestDeflater {
  readonly #deflate: Deflate = createDeflate();
  #chunks: Buffer[] = [];

  constructor() {
    this.#deflate.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
  }

  /** @returns the compressed bytes of one message. */
  async compress(text: string): Promise<Uint8Array> {
    this.#deflate.write(text);
    await new Promise<void>((resolve) => this.#deflate.flush(constants.Z_SYNC_FLUSH, resolve));
    const bytes = Buffer.concat(this.#chunks);
    this.#chunks = [];
    return new Uint8Array(bytes);
  }

  close(): void {
    this.#deflate.close();
  }
}

/** Splits `bytes` at the given positions (taken modulo its length, deduplicated, sorted). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const positions = [...new Set(cuts.map((cut) => cut % bytes.length))]
    .filter((position) => position > 0)
    .sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const position of positions) {
    pieces.push(bytes.subarray(start, position));
    start = position;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}
