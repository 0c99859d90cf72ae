import type { GatewayReceivePayload } from 'discord-api-types/gateway/v10';
import { ZlibStreamInflater } from './zlib-stream-inflater.js';

/**
 * Turns one connection's incoming WebSocket frames into gateway payloads: text frames are
 * parsed as JSON; binary frames go through a {@link ZlibStreamInflater} when the connection
 * asked for zlib-stream, else are decoded as UTF-8 JSON.
 */
export class GatewayFrameDecoder {
  readonly #inflater: ZlibStreamInflater | undefined;
  readonly #utf8 = new TextDecoder();

  /**
   * @param compress - whether the connection uses `compress=zlib-stream`.
   */
  constructor(compress: boolean) {
    this.#inflater = compress ? new ZlibStreamInflater() : undefined;
  }

  /**
   * Decodes one frame.
   *
   * @param data - a `message` event's `data`: a string, an `ArrayBuffer` or a view.
   * @returns the payload, or `undefined` while a compressed message is still incomplete.
   * @throws Error when the frame is not a gateway payload (bad zlib, bad JSON, no numeric `op`).
   */
  decode(data: unknown): GatewayReceivePayload | undefined {
    const text = typeof data === 'string' ? data : this.#decodeBinary(toBytes(data));
    if (text === undefined) return undefined;
    const payload: unknown = JSON.parse(text);
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof (payload as { op?: unknown }).op !== 'number'
    ) {
      throw new Error('a gateway payload must be an object with a numeric op');
    }
    return payload as GatewayReceivePayload;
  }

  #decodeBinary(bytes: Uint8Array): string | undefined {
    return this.#inflater === undefined ? this.#utf8.decode(bytes) : this.#inflater.push(bytes);
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`unexpected message data of type ${typeof data}`);
}
